/**
 * The acceptance report as a read-only webview, one per driver: created on
 * demand, refreshed while open when the driver's diagnostics change or a file is
 * saved, gone when closed (nothing to save). Links to source lines open the file
 * at that line; the report's HTML comes from the server (`vfioVariant/report`).
 */
import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { REPORT_REQUEST, type ReportParams, type ReportResult } from '../../server/src/protocol';

export const REPORT_VIEW_TYPE = 'vfioVariant.report';

interface Panel {
  panel: vscode.WebviewPanel;
  /** A file of the driver, for the server's request. */
  uri: string;
  timer?: NodeJS.Timeout;
}

export class ReportPanels implements vscode.Disposable {
  private readonly panels = new Map<string, Panel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.languages.onDidChangeDiagnostics((e) => {
        for (const [dir, p] of this.panels) if (e.uris.some((u) => path.dirname(u.fsPath) === dir)) this.refreshSoon(p);
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        for (const [dir, p] of this.panels)
          if (path.dirname(doc.uri.fsPath) === dir || path.basename(doc.uri.fsPath) === 'MAINTAINERS') this.refreshSoon(p);
      }),
    );
  }

  /** Shows the report of the driver holding `uri`, in its own panel. */
  async show(uri: vscode.Uri): Promise<void> {
    const client = this.client();
    if (!client?.isRunning()) throw new Error('the language server is not running');
    const report = await this.fetch(client, uri.toString());
    if (!report.driver) throw new Error(report.markdown);
    let entry = this.panels.get(report.driver);
    if (!entry) {
      const panel = vscode.window.createWebviewPanel(
        REPORT_VIEW_TYPE,
        `Report: ${path.basename(report.driver)}`,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, enableFindWidget: true, localResourceRoots: [] },
      );
      entry = { panel, uri: uri.toString() };
      const created = entry;
      this.panels.set(report.driver, entry);
      panel.onDidDispose(() => {
        clearTimeout(created.timer);
        if (this.panels.get(report.driver) === created) this.panels.delete(report.driver);
      });
      panel.webview.onDidReceiveMessage((m: { open?: string }) => {
        if (typeof m?.open === 'string') void openLink(m.open);
      });
    } else entry.panel.reveal(undefined, false);
    entry.uri = uri.toString();
    entry.panel.webview.html = page(entry.panel.webview, report);
  }

  private async fetch(client: LanguageClient, uri: string): Promise<ReportResult> {
    const params: ReportParams = { uri, format: 'html' };
    return client.sendRequest<ReportResult>(REPORT_REQUEST, params);
  }

  private refreshSoon(p: Panel): void {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => void this.refresh(p), 400);
  }

  private async refresh(p: Panel): Promise<void> {
    const client = this.client();
    if (!client?.isRunning()) return;
    try {
      const report = await this.fetch(client, p.uri);
      if (report.driver && this.panels.get(report.driver) === p) p.panel.webview.html = page(p.panel.webview, report);
    } catch (e) {
      this.log.warn(`report refresh failed: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** `file:///path#L20` -> the file, line 20 selected; other links go to the default opener. */
async function openLink(href: string): Promise<void> {
  const uri = vscode.Uri.parse(href);
  if (uri.scheme !== 'file') {
    await vscode.env.openExternal(uri);
    return;
  }
  const line = /^L(\d+)$/.exec(uri.fragment)?.[1];
  const target = uri.with({ fragment: '' });
  const pos = new vscode.Position(Math.max(0, Number(line ?? 1) - 1), 0);
  await vscode.window.showTextDocument(target, {
    viewColumn: vscode.ViewColumn.One,
    selection: line ? new vscode.Range(pos, pos) : undefined,
    preview: false,
  });
}

/**
 * The server's self-contained HTML with a CSP, the editor's colours, and a
 * script that hands link clicks to the extension (a webview cannot open files).
 */
function page(webview: vscode.Webview, report: ReportResult): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const csp = `default-src 'none'; style-src ${webview.cspSource} 'unsafe-inline'; script-src 'nonce-${nonce}';`;
  const theme = `<style>
body{color:var(--vscode-foreground);background:var(--vscode-editor-background);font-family:var(--vscode-font-family)}
a{color:var(--vscode-textLink-foreground)}
code,pre{background:var(--vscode-textCodeBlock-background);color:var(--vscode-foreground)}
td,th{border-color:var(--vscode-panel-border)}
blockquote{background:var(--vscode-textBlockQuote-background);border-color:var(--vscode-textBlockQuote-border)}
</style>`;
  const script = `<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
  if (!a) return;
  e.preventDefault();
  vscode.postMessage({ open: a.getAttribute('href') });
});
</script>`;
  const head = `<meta http-equiv="Content-Security-Policy" content="${csp}">`;
  return report.content
    .replace(/<head>/, `<head>${head}`)
    .replace(/<\/head>/, `${theme}</head>`)
    .replace(/<\/body>/, `${script}</body>`);
}
