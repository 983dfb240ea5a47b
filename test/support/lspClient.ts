/**
 * A real LSP client over stdio: the server runs as its own process and we talk
 * to it with vscode-languageserver-protocol, the library VS Code's client uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  ShutdownRequest,
  ExitNotification,
  ConfigurationRequest,
  ApplyWorkspaceEditRequest,
  RegistrationRequest,
  type Registration,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { REPO } from './kernel';

export const SERVER = path.join(REPO, 'out', 'server', 'src', 'lsp', 'server.js');

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  private readonly latest = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: {
    uri: string;
    pred: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  /** What the server pulls as `vfioVariant`; per-call parent findings keep the tests' positions at call sites. */
  settings: unknown = { parentCallFindings: 'call' };
  readonly appliedEdits: WorkspaceEdit[] = [];
  /** What the server registered dynamically (client/registerCapability). */
  readonly registrations: Registration[] = [];
  /** Called for every publishDiagnostics, before waiters are resolved. */
  readonly onPublish: ((p: PublishDiagnosticsParams) => void)[] = [];
  stderr = '';

  /** `server`: another build of the server (the soak bench compares two). */
  constructor(server = SERVER, nodeArgs: string[] = []) {
    this.proc = spawn(process.execPath, [...nodeArgs, server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d) => (this.stderr += d));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.latest.set(p.uri, p);
      for (const listener of this.onPublish) listener(p);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w.uri === p.uri && w.pred(p)) {
          this.waiters.splice(i, 1);
          w.resolve(p);
        }
      }
    });
    this.conn.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    this.conn.onRequest(RegistrationRequest.type, (p) => {
      this.registrations.push(...p.registrations);
    });
    this.conn.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      this.appliedEdits.push(p.edit);
      return { applied: true };
    });
    this.conn.listen();
  }

  /** `workspaceCapabilities`: more of the client's workspace capabilities (file watching, snippet edits). */
  async initialize(
    rootUri: string | null,
    initializationOptions: unknown = { debounceMs: 0 },
    pullConfig = true,
    workspaceCapabilities: Record<string, unknown> = {},
  ): Promise<void> {
    await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
      capabilities: {
        workspace: { configuration: pullConfig, applyEdit: true, ...workspaceCapabilities },
        textDocument: { publishDiagnostics: { versionSupport: true } },
      },
      initializationOptions,
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
  }

  diagnostics(
    uri: string,
    pred: (p: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 20000,
  ): Promise<PublishDiagnosticsParams> {
    const have = this.latest.get(uri);
    if (have && pred(have)) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(`no matching diagnostics for ${uri}; last: ${JSON.stringify(this.latest.get(uri))?.slice(0, 400)}\n${this.stderr}`),
          ),
        timeoutMs,
      );
      this.waiters.push({
        uri,
        pred,
        resolve: (p) => {
          clearTimeout(t);
          resolve(p);
        },
      });
    });
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version, text } });
  }

  change(
    uri: string,
    version: number,
    changes: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[],
  ): Promise<void> {
    return this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes as never,
    });
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.proc.once('exit', (code) => resolve(code)));
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}
