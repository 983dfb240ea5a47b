/**
 * The VS Code client: starts the bundled language server over Node IPC and adds
 * what LSP has no words for (commands, the status bar, workspace trust). All
 * analysis stays in the server.
 */
import * as fs from 'fs';
import * as vscode from 'vscode';
import { REPORT_REQUEST, type ReportParams, type ReportResult } from '../../server/src/protocol';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { DriverStatus } from './status';
import { ReportPanels } from './report';
import { FindingsView, FINDINGS_VIEW } from './findings';

/** Also the prefix of the `vfioVariant.trace.server` setting the client library reads. */
export const CLIENT_ID = 'vfioVariant';
/** Server-side command (executeCommandProvider) that applies fix-all to one document. */
const SERVER_FIX_ALL = 'vfio-variant.fixAll';
const SETTING_KEYS = ['enable', 'extraParents', 'ignore', 'kernelTree', 'maxFileSize', 'severity'] as const;

/**
 * C sources on disk and untitled C buffers. VS Code gives `.h` files the `cpp`
 * language by default, so driver headers are matched by extension.
 */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'c' },
  { scheme: 'untitled', language: 'c' },
  { scheme: 'file', language: 'cpp', pattern: '**/*.h' },
];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: DriverStatus | undefined;
let reports: ReportPanels | undefined;
let findingsView: FindingsView | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('VFIO Variant', { log: true });
  status = new DriverStatus(() => client, DOCUMENT_SELECTOR);
  reports = new ReportPanels(() => client, output);
  findingsView = new FindingsView(() => client, DOCUMENT_SELECTOR);
  context.subscriptions.push(
    output,
    status,
    reports,
    findingsView,
    vscode.commands.registerCommand('vfioVariant.showFindings', showFindings),
    vscode.commands.registerCommand('vfioVariant.copyReportText', copyReportText),
    vscode.commands.registerCommand('vfioVariant.fixAllInFile', fixAllInFile),
    vscode.commands.registerCommand('vfioVariant.restartServer', () => restart(context)),
    vscode.commands.registerCommand('vfioVariant.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('vfioVariant.showProblems', showProblems),
    vscode.commands.registerCommand('vfioVariant.showReport', showReport),
    // Restricted mode ends when the user trusts the workspace: restart without it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

/** The bundled server inside the .vsix, or the tsc output when run from a checkout. */
function serverModule(context: vscode.ExtensionContext): string {
  const bundled = context.asAbsolutePath('dist/server/server.js');
  return fs.existsSync(bundled) ? bundled : context.asAbsolutePath('out/server/src/lsp/server.js');
}

function currentSettings(): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration('vfioVariant');
  return Object.fromEntries(SETTING_KEYS.map((k) => [k, cfg.get(k)]));
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const module = serverModule(context);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const restricted = !vscode.workspace.isTrusted;
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // Makes the client send didChangeConfiguration; the server then pulls the section again.
    synchronize: { configurationSection: 'vfioVariant' },
    initializationOptions: { restricted, settings: currentSettings() },
    outputChannel: output,
    diagnosticCollectionName: 'vfio-variant',
  };
  client = new LanguageClient(CLIENT_ID, 'VFIO Variant', serverOptions, clientOptions);
  output.info(`starting ${module}${restricted ? ' (restricted: untrusted workspace)' : ''}`);
  try {
    await client.start();
    status?.refresh();
    findingsView?.refresh();
  } catch (e) {
    output.error(`server failed to start: ${(e as Error).message}`);
    void vscode.window
      .showErrorMessage('VFIO Variant: the language server failed to start; see the output.', 'Show output')
      .then((choice) => choice && output.show(true));
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c?.needsStop()) await c.stop();
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

async function fixAllInFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !vscode.languages.match(DOCUMENT_SELECTOR, editor.document)) {
    void vscode.window.showInformationMessage('VFIO Variant: open a C file of a vfio-pci variant driver first.');
    return;
  }
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('VFIO Variant: the language server is not running.');
    return;
  }
  // Registered by the client library from the server's executeCommandProvider.
  await vscode.commands.executeCommand(SERVER_FIX_ALL, editor.document.uri.toString());
}

/**
 * The Problems view. VS Code (up to 1.100 at least) has no command that sets the
 * view's filter text, so the filter box gets focus; typing `vfio-variant` there
 * matches our diagnostics' source.
 */
async function showProblems(): Promise<void> {
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  try {
    await vscode.commands.executeCommand('problems.action.focusFilter');
  } catch {
    // Older or trimmed-down workbenches lack it; the view is open anyway.
  }
}

/** Every finding of the active file's driver (open files or not): what the status bar counts. */
async function showFindings(): Promise<void> {
  await vscode.commands.executeCommand(`${FINDINGS_VIEW}.focus`);
  findingsView?.refresh();
}

/** The driver of the active C file, or a message why there is none. */
function activeDriverFile(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (
    !editor ||
    editor.document.uri.scheme !== 'file' ||
    !vscode.languages.match(DOCUMENT_SELECTOR, editor.document) ||
    !client?.isRunning()
  ) {
    void vscode.window.showInformationMessage('VFIO Variant: open a C file of a vfio-pci variant driver first.');
    return undefined;
  }
  return editor.document.uri;
}

/** The server's acceptance report for the driver of the active file, in a read-only view of its own. */
async function showReport(): Promise<void> {
  const uri = activeDriverFile();
  if (!uri) return;
  try {
    await reports!.show(uri);
  } catch (e) {
    output.error(`report failed: ${(e as Error).message}`);
    void vscode.window.showErrorMessage(`VFIO Variant: no acceptance report (${(e as Error).message}).`);
  }
}

/** The report as plain text (`report --format text`) on the clipboard, for a cover letter. */
async function copyReportText(): Promise<void> {
  const uri = activeDriverFile();
  if (!uri || !client) return;
  try {
    const r = await client.sendRequest<ReportResult>(REPORT_REQUEST, { uri: uri.toString(), format: 'text' } satisfies ReportParams);
    await vscode.env.clipboard.writeText(r.content || r.markdown);
    void vscode.window.showInformationMessage(`VFIO Variant: the acceptance report of ${r.driver || 'this file'} is on the clipboard.`);
  } catch (e) {
    void vscode.window.showErrorMessage(`VFIO Variant: no acceptance report (${(e as Error).message}).`);
  }
}
