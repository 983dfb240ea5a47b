/** The report request and the MAINTAINERS quick fix over LSP, with the server as a process. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CodeActionRequest, ExecuteCommandRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { ensureKernel } from '../support/kernel';
import { TestClient } from '../support/lspClient';

describe('vfioVariant/report and maintainers-entry-missing over LSP', () => {
  let client: TestClient;
  let tree: string;
  const shown: unknown[] = [];
  before(async () => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-lsp-report-'));
    fs.mkdirSync(path.join(tree, 'include/linux'), { recursive: true });
    fs.mkdirSync(path.join(tree, 'drivers/vfio/pci/acme'), { recursive: true });
    fs.writeFileSync(
      path.join(tree, 'MAINTAINERS'),
      'AAA\nM:\tA <a@example.org>\nF:\tdrivers/aaa/\n\nVFIO DRIVER\nM:\tV <v@example.org>\nF:\tdrivers/vfio/\n\n' +
        'ZZZ\nM:\tZ <z@example.org>\nF:\tdrivers/zzz/\n\nTHE REST\nL:\tlinux-kernel@vger.kernel.org\nF:\t*\nF:\t*/\n',
    );
    fs.writeFileSync(
      path.join(tree, 'drivers/vfio/pci/acme/main.c'),
      '#include <linux/vfio_pci_core.h>\n\n' + 'static struct pci_driver acme_vfio_pci_driver = {\n\t.name = "acme",\n};\n',
    );
    client = new TestClient();
    client.conn.onRequest('window/showDocument', (p) => {
      shown.push(p);
      return { success: true };
    });
    await client.initialize(pathToFileURL(tree).href);
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('answers vfioVariant/report with Markdown linking to file URIs', async () => {
    const root = ensureKernel();
    const uri = pathToFileURL(path.join(root, 'drivers/vfio/pci/mlx5/main.c')).href;
    const r = (await client.conn.sendRequest('vfioVariant/report', { uri })) as { markdown: string; content: string; format: string };
    assert.equal(r.format, 'markdown');
    assert.equal(r.content, r.markdown);
    assert.match(r.markdown, /VFIO MLX5 PCI DRIVER/);
    assert.ok(r.markdown.includes(`](${pathToFileURL(path.join(root, 'drivers/vfio/pci/mlx5/main.c')).href}#L`));
    const html = (await client.conn.sendRequest('vfioVariant/report', { uri, format: 'html' })) as { content: string };
    assert.match(html.content, /^<!DOCTYPE html>/);
  });

  it('offers a fix that adds the MAINTAINERS entry in alphabetical order, then shows it', async () => {
    const file = path.join(tree, 'drivers/vfio/pci/acme/main.c');
    const uri = pathToFileURL(file).href;
    await client.open(uri, fs.readFileSync(file, 'utf8'), 1);
    const pub = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'maintainers-entry-missing'));
    const d = pub.diagnostics.find((x) => x.code === 'maintainers-entry-missing') as Diagnostic;
    assert.equal(d.range.start.line, 2);
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    assert.match(fix.title, /VFIO ACME PCI DRIVER/);
    const change = fix.edit!.documentChanges![0] as {
      textDocument: { uri: string };
      edits: { range: { start: { line: number } }; newText: string }[];
    };
    assert.equal(change.textDocument.uri, pathToFileURL(path.join(tree, 'MAINTAINERS')).href);
    // After AAA, before VFIO DRIVER (line 4): "VFIO ACME ..." sorts before "VFIO DRIVER".
    assert.equal(change.edits[0].range.start.line, 4);
    assert.match(
      change.edits[0].newText,
      /^VFIO ACME PCI DRIVER\nM:\t.*\n(?:L:\t.*\n)*S:\tMaintained\nF:\tdrivers\/vfio\/pci\/acme\/\n\n$/,
    );
    assert.equal(fix.command?.command, 'vfio-variant.show');
    await client.conn.sendRequest(ExecuteCommandRequest.type, { command: fix.command!.command, arguments: fix.command!.arguments });
    assert.equal((shown[0] as { uri: string }).uri, change.textDocument.uri);
  });
});
