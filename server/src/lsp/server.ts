/**
 * The language server: LSP in, engine calls, LSP out. Documents are synced
 * incrementally; each change re-parses one file incrementally and re-publishes
 * diagnostics for the open files of that driver (findings cross files).
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  CodeActionKind,
  CodeLens,
  ErrorCodes,
  Hover,
  MarkupKind,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describeItem, itemAt, normalizeSettings, Workspace, type Finding, type Settings } from '../engine';
import { nodeFileSystem } from '../node/fsHost';
import { toolVersion } from '../node/docs';
import { ChangeScope } from './changeScope';
import { collectGarbage } from '../node/gc';
import { Scheduler, type Job } from './scheduler';
import {
  FIX_ALL_KIND,
  SHOW_COMMAND,
  SOURCE,
  noticeDiagnostic,
  pathToUri,
  samePosition,
  toCodeAction,
  toDiagnostic,
  uriToPath,
  type DiagnosticData,
  type PositionMap,
} from './convert';
import { registerDriverViews, setupFileWatching } from './driverViews';

export const FIX_ALL_COMMAND = 'vfio-variant.fixAll';

interface InitOptions {
  /** Delay between the last change and analysis, in ms (0: analyse on every change). */
  debounceMs?: number;
  settings?: unknown;
  /** Untrusted workspace: ignore settings that point outside the workspace folders. */
  restricted?: boolean;
}

/** Superseded syntax trees tolerated before a collection frees them (see node/gc.ts). */
const TREES_PER_COLLECTION = 32;

/** How long typing must pause before the flow rules run again (their findings are carried until then). */
const FLOW_PAUSE_MS = 300;

export function startServer(given?: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(nodeFileSystem);
  const uriByPath = new Map<string, string>();
  /** Open documents by directory (a driver's files share one), for re-publishing siblings. */
  const openByDir = new Map<string, Set<string>>();
  /** Documents with diagnostics published: a close clears only those. */
  const published = new Set<string>();
  /** Opened in this dispatch turn: the content-change event TextDocuments fires next is the open. */
  const justOpened = new Set<string>();
  let collectedAt = 0;
  // Analyses are queued (scheduler.ts); when the queue runs dry, superseded trees are freed.
  const scheduler = new Scheduler(
    (uri, job) => (job.siblings ? publishDriver(uri, !!job.carry) : publishOne(uri, !!job.carry)),
    () => {
      if (workspace.treesMade - collectedAt < TREES_PER_COLLECTION) return;
      collectedAt = workspace.treesMade;
      collectGarbage();
    },
  );
  const connection = given ?? createConnection(ProposedFeatures.all, { messageStrategy: scheduler.messageStrategy });
  if (!given && process.argv.includes('--stdio')) process.stdin.on('data', () => scheduler.noteInput());
  let debounceMs = 50;
  let pullConfig = false;
  let settingsPending = false;
  let restricted = false;
  let folders: string[] = [];
  let initSettings: unknown;
  let clientCapabilities: ClientCapabilities | undefined;
  /** LSP 3.18 snippet edits: quick fixes put tab stops on their TODO: prompts. */
  let snippetEdits = false;
  // After `shutdown` the spec allows only `exit`: requests get InvalidRequest, notifications are dropped.
  let shutDown = false;
  const refused = () => new ResponseError(ErrorCodes.InvalidRequest, 'the server is shut down; only exit is accepted');

  const log = (m: string) => connection.console.log(`[vfio-variant] ${m}`);
  const changeScope = new ChangeScope(log);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    restricted = !!opts.restricted;
    initSettings = opts.settings;
    pullConfig = !!params.capabilities.workspace?.configuration;
    settingsPending = pullConfig;
    clientCapabilities = params.capabilities;
    snippetEdits = !!(params.capabilities.workspace?.workspaceEdit as { snippetEditSupport?: boolean } | undefined)?.snippetEditSupport;
    folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri).path);
    if (!folders.length && params.rootUri) folders = [uriToPath(params.rootUri).path];
    applySettings(initSettings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [FIX_ALL_COMMAND, SHOW_COMMAND] },
      },
      serverInfo: { name: 'vfio-variant-assist', version: toolVersion() },
    };
  });

  connection.onShutdown(() => {
    shutDown = true;
    scheduler.stop();
  });

  const watching = setupFileWatching(
    connection,
    workspace,
    () => clientCapabilities,
    () => {
      if (!shutDown) for (const doc of documents.all()) schedule(doc.uri, 0, { siblings: true });
    },
  );

  connection.onInitialized(async () => {
    watching.register();
    if (!pullConfig) return;
    await refreshSettings();
    settingsPending = false;
    // Documents opened while the settings were on their way were analysed with the defaults.
    for (const doc of documents.all()) schedule(doc.uri, 0, { siblings: false });
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (shutDown) return;
    if (pullConfig) await refreshSettings();
    else applySettings((change.settings as { vfioVariant?: unknown } | undefined)?.vfioVariant ?? change.settings);
    for (const doc of documents.all()) schedule(doc.uri, 0, { siblings: false });
  });

  async function refreshSettings(): Promise<void> {
    try {
      applySettings(await connection.workspace.getConfiguration('vfioVariant'));
    } catch (e) {
      log(`could not read settings: ${(e as Error).message}`);
    }
  }

  function applySettings(raw: unknown): void {
    const problems: string[] = [];
    const settings: Settings = normalizeSettings(raw ?? initSettings, problems);
    // Symlinks resolved on both sides: a link inside the workspace must not lead out of it.
    if (restricted && settings.kernelTree && !folders.some((f) => isInside(realPath(settings.kernelTree!), realPath(f)))) {
      problems.push(`kernelTree ${settings.kernelTree} is outside the workspace; ignored in restricted mode`);
      settings.kernelTree = undefined;
    }
    for (const p of problems) log(`settings: ${p}`);
    changeScope.configure(raw ?? initSettings, restricted);
    // A change is reviewed line by line: each new call is its own finding, not part of its function's.
    if (changeScope.active) settings.parentCallFindings = 'call';
    workspace.setSettings(settings);
    // Buffers skipped for their size get another chance under a new limit, and the reverse.
    for (const doc of documents.all()) {
      const { path: p } = uriToPath(doc.uri);
      const text = doc.getText();
      if (workspace.documentVersion(p) !== undefined && (!workspace.getDocument(p) || text.length > settings.maxFileSize)) {
        workspace.openDocument(p, text, doc.version);
      }
    }
  }

  // ------------------------------------------------------------ documents

  documents.onDidOpen((e) => {
    if (shutDown) return;
    const { path: p } = uriToPath(e.document.uri);
    uriByPath.set(p, e.document.uri);
    const dir = path.dirname(p);
    let inDir = openByDir.get(dir);
    if (!inDir) openByDir.set(dir, (inDir = new Set()));
    inDir.add(e.document.uri);
    workspace.openDocument(p, e.document.getText(), e.document.version);
    justOpened.add(e.document.uri);
    // Debounced like a change: a burst of opens (and closes) must not pile up analyses.
    schedule(e.document.uri, debounceMs, { siblings: true });
  });

  documents.onDidChangeContent((e) => {
    if (shutDown) return;
    const { path: p } = uriToPath(e.document.uri);
    if (workspace.documentVersion(p) === undefined) return;
    // TextDocuments fires this right after onDidOpen too: that open is not an edit.
    if (justOpened.delete(e.document.uri)) return;
    workspace.updateDocument(p, e.document.getText(), e.document.version);
    schedule(e.document.uri, debounceMs, { siblings: true, edit: true, carry: true });
  });

  documents.onDidClose((e) => {
    const { path: p } = uriToPath(e.document.uri);
    scheduler.cancel(e.document.uri);
    workspace.closeDocument(p);
    uriByPath.delete(p);
    const inDir = openByDir.get(path.dirname(p));
    inDir?.delete(e.document.uri);
    if (inDir?.size === 0) openByDir.delete(path.dirname(p));
    if (published.delete(e.document.uri)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    // Siblings may have depended on the buffer's unsaved text.
    for (const other of openSiblings(e.document.uri)) schedule(other, 0, { siblings: false });
  });

  /** The other open documents of the directory of `uri` (one URI parse, not one per open document). */
  function openSiblings(uri: string): string[] {
    const inDir = openByDir.get(path.dirname(uriToPath(uri).path));
    return inDir ? [...inDir].filter((u) => u !== uri) : [];
  }

  /** Analyse and publish `uri` (and with `siblings` the other open files of its driver) after `delay` ms. */
  function schedule(uri: string, delay: number, job: Job): void {
    // Nothing is published with the defaults while the client's settings are on their way
    // (a finding could flash and vanish); onInitialized analyses every open document then.
    if (settingsPending) return;
    scheduler.schedule(uri, delay, job);
  }

  /** Publishes `uri` now and queues the other open documents of its driver (findings cross files). */
  function publishDriver(uri: string, carry: boolean): void {
    const carried = publishOne(uri, carry);
    if (uri.startsWith('file:')) for (const other of openSiblings(uri)) schedule(other, 0, { siblings: false, carry });
    // Flow findings carried while typing: the flow rules run again once typing pauses.
    if (carried) schedule(uri, FLOW_PAUSE_MS, { siblings: true });
  }

  function publishOne(uri: string, carry: boolean): boolean {
    const doc = documents.get(uri);
    return doc ? publish(doc, carry) : false;
  }

  function findingsFor(
    doc: TextDocument,
    carryFlow = false,
  ): {
    findings: Finding[];
    notices: ReturnType<Workspace['findings']>['notices'];
    filePath: string;
    standalone: boolean;
    carried: boolean;
  } {
    const { path: filePath, onDisk } = uriToPath(doc.uri);
    const r = workspace.findings(filePath, { standalone: !onDisk, carryFlow });
    // vfioVariant.scope changedSince: only what the change since vfioVariant.baseRef makes (changeScope.ts).
    const findings = changeScope.active && onDisk ? changeScope.filter(r.model, r.findings, workspace) : r.findings;
    return { findings, notices: r.notices, filePath, standalone: !onDisk, carried: r.carried };
  }

  /**
   * LSP ends lines at \n, \r\n and a bare \r; the engine (and tree-sitter) at \n
   * only. For open files with bare CRs, positions go through the offset.
   */
  function bareCrDoc(filePath: string): { doc: TextDocument; file: NonNullable<ReturnType<Workspace['getDocument']>> } | undefined {
    const file = workspace.getDocument(filePath);
    const uri = uriByPath.get(filePath);
    const doc = uri ? documents.get(uri) : undefined;
    if (!file || !doc || !hasBareCr(file) || doc.getText() !== file.text) return undefined;
    return { doc, file };
  }

  /** Asked for every position sent: scanning the text each time cost a millisecond per publish. */
  const bareCr = new WeakMap<object, boolean>();
  function hasBareCr(file: { text: string }): boolean {
    let known = bareCr.get(file);
    if (known === undefined) bareCr.set(file, (known = BARE_CR.test(file.text)));
    return known;
  }

  const toLsp: PositionMap = (filePath, line, character) => {
    const m = bareCrDoc(filePath);
    return m ? m.doc.positionAt(m.file.lines.offsetAt({ line, character })) : samePosition(filePath, line, character);
  };

  function fromLsp(filePath: string, pos: { line: number; character: number }): { line: number; character: number } {
    const m = bareCrDoc(filePath);
    return m ? m.file.lines.positionAt(m.doc.offsetAt(pos)) : pos;
  }

  /** Publishes the document's diagnostics; true when flow findings in them were carried over. */
  function publish(doc: TextDocument, carryFlow: boolean): boolean {
    try {
      if (shutDown) return false;
      const { path: filePath } = uriToPath(doc.uri);
      if (workspace.documentVersion(filePath) !== doc.version) return false; // a newer version is on its way
      const { findings, notices, carried } = findingsFor(doc, carryFlow);
      published.add(doc.uri);
      void connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version,
        diagnostics: [...notices.map(noticeDiagnostic), ...findings.map((f) => toDiagnostic(f, uriByPath, toLsp))],
      });
      return carried;
    } catch (e) {
      log(`analysis failed for ${doc.uri}: ${(e as Error).stack ?? e}`);
      return false;
    }
  }

  // -------------------------------------------------------------- features

  connection.onCodeAction((params) => {
    if (shutDown) return refused();
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    try {
      const { findings, filePath, standalone } = findingsFor(doc);
      const file = workspace.getDocument(filePath);
      if (!file || file.version !== doc.version) return [];
      const actions = [];
      const wantsFixAll = !params.context.only || params.context.only.some((k) => FIX_ALL_KIND.startsWith(k));
      const wantsQuick = !params.context.only || params.context.only.some((k) => CodeActionKind.QuickFix.startsWith(k));
      if (wantsQuick) {
        for (const d of params.context.diagnostics) {
          if (d.source !== SOURCE) continue;
          const data = d.data as DiagnosticData | undefined;
          const at = fromLsp(filePath, d.range.start);
          const f = findings.find((x) => x.rule === (data?.rule ?? d.code) && x.line === at.line && x.column === at.character);
          if (!f) continue;
          for (const fix of workspace.fixes(filePath, f, standalone)) actions.push(toCodeAction(fix, file, doc.uri, [d], snippetEdits));
        }
      }
      if (wantsFixAll) {
        const all = workspace.fixAll(filePath, standalone);
        if (all) actions.push(toCodeAction(all, file, doc.uri, []));
      }
      return actions;
    } catch (e) {
      log(`code actions failed: ${(e as Error).stack ?? e}`);
      return [];
    }
  });

  connection.onExecuteCommand(async (params) => {
    if (shutDown) return refused();
    if (params.command === SHOW_COMMAND) {
      const [uri, line, character] = (params.arguments ?? []) as [string, number, number?];
      const pos = { line: line ?? 0, character: character ?? 0 };
      if (uri) await connection.window.showDocument({ uri, takeFocus: true, selection: { start: pos, end: pos } });
      return undefined;
    }
    if (params.command !== FIX_ALL_COMMAND) return undefined;
    const uri = params.arguments?.[0] as string | undefined;
    const doc = uri ? documents.get(uri) : undefined;
    if (!doc) return undefined;
    const { path: filePath, onDisk } = uriToPath(doc.uri);
    const fix = workspace.fixAll(filePath, !onDisk);
    const file = workspace.getDocument(filePath);
    if (fix && file) await connection.workspace.applyEdit({ label: fix.title, edit: toCodeAction(fix, file, doc.uri, []).edit! });
    return undefined;
  });

  registerDriverViews({ connection, workspace, uriByPath, toLsp, isShutDown: () => shutDown });

  connection.onHover((params): Hover | null | ResponseError => {
    if (shutDown) return refused();
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const { path: filePath, onDisk } = uriToPath(doc.uri);
    const at = fromLsp(filePath, params.position);
    const { findings, model } = workspace.findings(filePath, { standalone: !onDisk });
    // Each rule explains its own findings here; an item without a finding (documented) gets its description.
    const here = findings.filter(
      (f) => f.line <= at.line && at.line <= f.endLine && f.column <= at.character && at.character <= f.endColumn,
    );
    const parts = workspace.explain(here);
    if (!parts.length) {
      const item = itemAt(model, filePath, at.line, at.character);
      if (item) parts.push(describeItem(item));
    }
    return parts.length ? { contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') } } : null;
  });

  connection.onCodeLens((params): CodeLens[] | ResponseError => {
    if (shutDown) return refused();
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const { path: filePath, onDisk } = uriToPath(doc.uri);
    const { model } = workspace.driverFor(filePath, !onDisk);
    return model.handlers
      .filter((h) => h.file.path === filePath)
      .map((h) => {
        const w = h.wiring[0];
        const more = h.wiring.length > 1 ? ` (+${h.wiring.length - 1} more)` : '';
        const title = `vfio: ${w.ops}.${w.member}${w.variable ? ` in ${w.variable}` : ''} · ${path.basename(w.file.path)}:${w.line + 1}${more}`;
        const pos = toLsp(filePath, h.fn.startLine, 0);
        // A click shows the ops initializer that wires the handler (the server's show command).
        const at = toLsp(w.file.path, w.line, w.column);
        return {
          range: { start: pos, end: pos },
          command: { title, command: SHOW_COMMAND, arguments: [pathToUri(w.file.path, uriByPath), at.line, at.character] },
        };
      });
  });

  documents.listen(connection);
  connection.listen();
}

const BARE_CR = /\r(?!\n)/;

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isInside(p: string, folder: string): boolean {
  const rel = path.relative(folder, path.resolve(p));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

if (require.main === module) startServer();
