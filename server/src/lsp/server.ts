/**
 * The language server: LSP in, engine calls, LSP out. Documents are synced
 * incrementally; each change re-parses one file incrementally and re-publishes
 * diagnostics for the open files of that driver (findings cross files).
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
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
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  buildReport,
  describeItem,
  itemAt,
  normalizeSettings,
  renderReport,
  Workspace,
  type Finding,
  type ReportFormat,
  type Settings,
} from '../engine';
import { nodeFileSystem } from '../node/fsHost';
import { toolVersion } from '../node/docs';
import { collectGarbage } from '../node/gc';
import { Scheduler } from './scheduler';
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

export const FIX_ALL_COMMAND = 'vfio-variant.fixAll';
/** Custom request: the acceptance report (engine/report.ts) of the driver holding `uri`. */
export const REPORT_REQUEST = 'vfioVariant/report';

export interface ReportResult {
  driver: string;
  format: ReportFormat;
  /** Always the Markdown rendering (for a preview); `content` is the requested format. */
  markdown: string;
  content: string;
}
/** Custom request: review state of the driver holding a file (all its files, open or not). */
export const DRIVER_SUMMARY_REQUEST = 'vfioVariant/driverSummary';

export interface DriverSummary {
  driver: string;
  isVariantDriver: boolean;
  /** Distinct review items lacking any documentation (not counting suppressed or disabled ones). */
  undocumented: number;
  /** All findings, as diagnostics would show them. */
  findings: number;
  files: { uri: string; undocumented: number; findings: number }[];
}

interface InitOptions {
  /** Delay between the last change and analysis, in ms (0: analyse on every change). */
  debounceMs?: number;
  settings?: unknown;
  /** Untrusted workspace: ignore settings that point outside the workspace folders. */
  restricted?: boolean;
}

/** Superseded syntax trees tolerated before a collection frees them (see node/gc.ts). */
const TREES_PER_COLLECTION = 32;

export function startServer(given?: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(nodeFileSystem);
  const uriByPath = new Map<string, string>();
  let collectedAt = 0;
  // Analyses are queued (scheduler.ts); when the queue runs dry, superseded trees are freed.
  const scheduler = new Scheduler(
    (uri, job) => (job.siblings ? publishDriver(uri) : publishOne(uri)),
    () => {
      if (workspace.treesMade - collectedAt < TREES_PER_COLLECTION) return;
      collectedAt = workspace.treesMade;
      collectGarbage();
    },
  );
  const connection = given ?? createConnection(ProposedFeatures.all, { messageStrategy: scheduler.messageStrategy });
  let debounceMs = 50;
  let pullConfig = false;
  let restricted = false;
  let folders: string[] = [];
  let initSettings: unknown;
  // After `shutdown` the spec allows only `exit`: requests get InvalidRequest, notifications are dropped.
  let shutDown = false;
  const refused = () => new ResponseError(ErrorCodes.InvalidRequest, 'the server is shut down; only exit is accepted');

  const log = (m: string) => connection.console.log(`[vfio-variant] ${m}`);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    restricted = !!opts.restricted;
    initSettings = opts.settings;
    pullConfig = !!params.capabilities.workspace?.configuration;
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

  connection.onInitialized(async () => {
    if (!pullConfig) return;
    await refreshSettings();
    // Documents opened while the settings were on their way were analysed with the defaults.
    for (const doc of documents.all()) schedule(doc.uri, 0, false);
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (shutDown) return;
    if (pullConfig) await refreshSettings();
    else applySettings((change.settings as { vfioVariant?: unknown } | undefined)?.vfioVariant ?? change.settings);
    for (const doc of documents.all()) schedule(doc.uri, 0, false);
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
    workspace.openDocument(p, e.document.getText(), e.document.version);
    // Debounced like a change: a burst of opens (and closes) must not pile up analyses.
    schedule(e.document.uri, debounceMs);
  });

  documents.onDidChangeContent((e) => {
    if (shutDown) return;
    const { path: p } = uriToPath(e.document.uri);
    if (workspace.documentVersion(p) === undefined) return; // handled by onDidOpen
    workspace.updateDocument(p, e.document.getText(), e.document.version);
    schedule(e.document.uri, debounceMs);
  });

  documents.onDidClose((e) => {
    const { path: p } = uriToPath(e.document.uri);
    scheduler.cancel(e.document.uri);
    workspace.closeDocument(p);
    uriByPath.delete(p);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    // Siblings may have depended on the buffer's unsaved text.
    for (const other of openSiblings(e.document.uri)) schedule(other, 0, false);
  });

  /** The other open documents of the directory of `uri` (one URI parse, not one per open document). */
  function openSiblings(uri: string): string[] {
    const dir = path.dirname(uriToPath(uri).path);
    const out: string[] = [];
    for (const [p, u] of uriByPath) if (u !== uri && path.dirname(p) === dir) out.push(u);
    return out;
  }

  /** Analyse and publish `uri` and the other open files of its driver after `delay` ms. */
  function schedule(uri: string, delay: number, siblings = true): void {
    scheduler.schedule(uri, delay, { siblings });
  }

  /** Publishes `uri` now and queues the other open documents of its driver (findings cross files). */
  function publishDriver(uri: string): void {
    publishOne(uri);
    if (!uri.startsWith('file:')) return;
    for (const other of openSiblings(uri)) schedule(other, 0, false);
  }

  function publishOne(uri: string): void {
    const doc = documents.get(uri);
    if (doc) publish(doc);
  }

  function findingsFor(doc: TextDocument): {
    findings: Finding[];
    notices: ReturnType<Workspace['findings']>['notices'];
    filePath: string;
    standalone: boolean;
  } {
    const { path: filePath, onDisk } = uriToPath(doc.uri);
    const r = workspace.findings(filePath, { standalone: !onDisk });
    return { findings: r.findings, notices: r.notices, filePath, standalone: !onDisk };
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

  function publish(doc: TextDocument): void {
    try {
      if (shutDown) return;
      const { path: filePath } = uriToPath(doc.uri);
      if (workspace.documentVersion(filePath) !== doc.version) return; // a newer version is on its way
      const { findings, notices } = findingsFor(doc);
      void connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version,
        diagnostics: [...notices.map(noticeDiagnostic), ...findings.map((f) => toDiagnostic(f, uriByPath, toLsp))],
      });
    } catch (e) {
      log(`analysis failed for ${doc.uri}: ${(e as Error).stack ?? e}`);
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
          for (const fix of workspace.fixes(filePath, f, standalone)) actions.push(toCodeAction(fix, file, doc.uri, [d]));
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
      const [uri, line] = (params.arguments ?? []) as [string, number];
      const pos = { line: line ?? 0, character: 0 };
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

  // The acceptance report of the driver holding a file; links are file URIs with #Lline.
  connection.onRequest(REPORT_REQUEST, (params: { uri: string; format?: ReportFormat }): ReportResult | ResponseError => {
    if (shutDown) return refused();
    const { path: filePath, onDisk } = uriToPath(params.uri);
    if (!onDisk) return { driver: '', format: 'markdown', markdown: 'No report: the document is not a file on disk.', content: '' };
    const report = buildReport(workspace, path.dirname(filePath));
    const href = (p: string) => pathToFileURL(p).href;
    const format = params.format && ['markdown', 'json', 'html'].includes(params.format) ? params.format : 'markdown';
    const markdown = renderReport(report, 'markdown', { href });
    return {
      driver: report.driver.dir,
      format,
      markdown,
      content: format === 'markdown' ? markdown : renderReport(report, format, { href }),
    };
  });

  // For the client's status bar: the whole driver of a file, open or not.
  connection.onRequest(DRIVER_SUMMARY_REQUEST, (params: { uri: string }): DriverSummary | ResponseError => {
    if (shutDown) return refused();
    const { path: filePath, onDisk } = uriToPath(params.uri);
    const { findings, model } = onDisk
      ? workspace.driverFindings(path.dirname(filePath))
      : workspace.findings(filePath, { standalone: true });
    const files = new Map<string, { uri: string; undocumented: number; findings: number }>();
    const undocumentedItems = new Set<unknown>();
    for (const f of findings) {
      const e = files.get(f.path) ?? { uri: pathToUri(f.path, uriByPath), undocumented: 0, findings: 0 };
      e.findings++;
      if (!f.documented && !undocumentedItems.has(f.item)) {
        undocumentedItems.add(f.item);
        e.undocumented++;
      }
      files.set(f.path, e);
    }
    return {
      driver: model.dir,
      isVariantDriver: model.isVariantDriver,
      undocumented: undocumentedItems.size,
      findings: findings.length,
      files: [...files.values()],
    };
  });

  connection.onHover((params): Hover | null | ResponseError => {
    if (shutDown) return refused();
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    const { path: filePath, onDisk } = uriToPath(doc.uri);
    const { model } = workspace.driverFor(filePath, !onDisk);
    const at = fromLsp(filePath, params.position);
    const item = itemAt(model, filePath, at.line, at.character);
    return item ? { contents: { kind: MarkupKind.Markdown, value: describeItem(item) } } : null;
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
        return { range: { start: pos, end: pos }, command: { title, command: '' } };
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
