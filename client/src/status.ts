/**
 * Status-bar item: how many items of the current driver (every file of its
 * directory, open or not) still lack documentation. The count comes from the
 * server's `vfioVariant/driverSummary` request.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { DRIVER_SUMMARY_REQUEST, type DriverSummary } from '../../server/src/protocol';

export class DriverStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vfioVariant.driverStatus', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Ignores answers that arrive after a newer request was sent. */
  private generation = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly selector: vscode.DocumentSelector,
  ) {
    this.item.name = 'VFIO Variant: undocumented items';
    this.item.command = 'vfioVariant.showFindings';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      // Our diagnostics change after every analysis of an open file of the driver.
      vscode.languages.onDidChangeDiagnostics((e) => {
        const current = this.currentDocument();
        if (current && e.uris.some((u) => path.dirname(u.fsPath) === path.dirname(current.uri.fsPath))) this.refresh(300);
      }),
      vscode.workspace.onDidSaveTextDocument(() => this.refresh(300)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('vfioVariant') && this.refresh(500)),
    );
  }

  private currentDocument(): vscode.TextDocument | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && vscode.languages.match(this.selector, doc) > 0 ? doc : undefined;
  }

  refresh(delayMs = 0): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), delayMs);
  }

  private async update(): Promise<void> {
    const doc = this.currentDocument();
    const client = this.client();
    const generation = ++this.generation;
    if (!doc || !client?.isRunning()) {
      this.item.hide();
      return;
    }
    let summary: DriverSummary;
    try {
      summary = await client.sendRequest<DriverSummary>(DRIVER_SUMMARY_REQUEST, { uri: doc.uri.toString() });
    } catch {
      if (generation === this.generation) this.item.hide();
      return;
    }
    if (generation !== this.generation) return;
    if (!summary.isVariantDriver) {
      this.item.hide();
      return;
    }
    const name = path.basename(summary.driver);
    this.item.text = summary.undocumented
      ? `$(book) VFIO ${name}: ${summary.undocumented} undocumented`
      : `$(check) VFIO ${name}: documented`;
    this.item.tooltip = tooltip(summary);
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function tooltip(s: DriverSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`**${s.driver}**: ${s.undocumented} undocumented item(s), ${s.findings} finding(s)\n\n`);
  for (const f of s.files) {
    md.appendMarkdown(`- \`${path.basename(vscode.Uri.parse(f.uri).fsPath)}\`: ${f.undocumented} undocumented, ${f.findings} finding(s)\n`);
  }
  md.appendMarkdown(
    '\nClick for the *VFIO driver findings* view: every finding of the driver, open files or not (the Problems view lists open files only).',
  );
  return md;
}
