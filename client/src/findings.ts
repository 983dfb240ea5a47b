/**
 * The "VFIO driver findings" view: every finding of the active file's driver,
 * open files or not, grouped by file. It is what the status-bar count is made
 * of (the Problems view lists open files only). From `vfioVariant/driverFindings`.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DRIVER_FINDINGS_REQUEST, type DriverFinding, type DriverFindings } from '../../server/src/protocol';

export const FINDINGS_VIEW = 'vfioVariant.findings';

type Node = { kind: 'file'; uri: string; findings: DriverFinding[] } | { kind: 'finding'; finding: DriverFinding };

const ICON: Record<DriverFinding['severity'], string> = {
  error: 'error',
  warning: 'warning',
  information: 'info',
  hint: 'lightbulb',
};

export class FindingsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  private data: DriverFindings | undefined;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly selector: vscode.DocumentSelector,
  ) {
    this.view = vscode.window.createTreeView(FINDINGS_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh(100)),
      vscode.languages.onDidChangeDiagnostics(() => this.refresh(400)),
      vscode.workspace.onDidSaveTextDocument(() => this.refresh(400)),
      this.view.onDidChangeVisibility((e) => e.visible && this.refresh(0)),
    );
  }

  refresh(delayMs = 0): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.update(), delayMs);
  }

  private async update(): Promise<void> {
    if (!this.view.visible) return;
    const doc = vscode.window.activeTextEditor?.document;
    const client = this.client();
    const generation = ++this.generation;
    // Another editor (or none): keep showing the last driver.
    if (!doc || !vscode.languages.match(this.selector, doc) || !client?.isRunning()) return;
    let data: DriverFindings;
    try {
      data = await client.sendRequest<DriverFindings>(DRIVER_FINDINGS_REQUEST, { uri: doc.uri.toString() });
    } catch {
      return;
    }
    if (generation !== this.generation) return;
    this.data = data;
    const name = path.basename(data.driver);
    this.view.description = data.isVariantDriver ? `${name}: ${data.findings.length}` : undefined;
    this.view.message = !data.isVariantDriver
      ? `${name} is not a vfio-pci variant driver.`
      : data.findings.length
        ? undefined
        : `${name}: nothing to report.`;
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!this.data?.isVariantDriver) return [];
    if (!node) {
      const byFile = new Map<string, DriverFinding[]>();
      for (const f of this.data.findings) byFile.set(f.uri, [...(byFile.get(f.uri) ?? []), f]);
      return [...byFile].map(([uri, findings]) => ({ kind: 'file', uri, findings }));
    }
    return node.kind === 'file'
      ? [...node.findings].sort((a, b) => a.range.start.line - b.range.start.line).map((finding) => ({ kind: 'finding', finding }))
      : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'file') {
      const uri = vscode.Uri.parse(node.uri);
      const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.findings.length}`;
      item.contextValue = 'file';
      return item;
    }
    const f = node.finding;
    const item = new vscode.TreeItem(`${f.name}: ${f.rule}`, vscode.TreeItemCollapsibleState.None);
    item.description = `line ${f.range.start.line + 1}`;
    item.tooltip = f.message;
    item.iconPath = new vscode.ThemeIcon(ICON[f.severity]);
    const start = new vscode.Position(f.range.start.line, f.range.start.character);
    item.command = {
      title: 'Go to finding',
      command: 'vscode.open',
      arguments: [vscode.Uri.parse(f.uri), { selection: new vscode.Range(start, start), preview: true }],
    };
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
