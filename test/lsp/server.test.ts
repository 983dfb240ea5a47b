/** The language server end to end, as a process over stdio, on a real 6.12 driver. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CodeLensRequest,
  HoverRequest,
  ExecuteCommandRequest,
  DidChangeConfigurationNotification,
  type CodeAction,
  type TextEdit,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RULES } from '../../server/src/engine';
import { checkJson } from '../support/cli';
import { ensureKernel } from '../support/kernel';
import { TestClient } from '../support/lspClient';

const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'vfio-variant' && d.code !== 'not-analysed');

describe('language server over stdio', () => {
  let root: string;
  let client: TestClient;
  const file = () => path.join(root, 'drivers/vfio/pci/qat/main.c');
  const uri = () => pathToFileURL(file()).href;

  before(async () => {
    root = ensureKernel();
    client = new TestClient();
    await client.initialize(pathToFileURL(root).href);
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
  });

  it('publishes the same findings as the CLI for an opened driver file', async () => {
    const text = fs.readFileSync(file(), 'utf8');
    await client.open(uri(), text, 1);
    const published = await client.diagnostics(uri(), (p) => p.version === 1);
    const cli = checkJson(['--per-call', 'drivers/vfio/pci/qat/main.c'], root);
    assert.equal(ours(published.diagnostics).length, cli.length);
    assert.ok(cli.length > 10);
    const d = ours(published.diagnostics).find((x) => String(x.message).endsWith(': qat_vfmig_open()'))!;
    assert.equal(d.code, 'parent-call-undocumented');
    assert.match(d.codeDescription!.href, /docs\/rules\/parent-call-undocumented\.md$/);
    const handler = ours(published.diagnostics).find((x) => x.code === 'migration-handler-undocumented')!;
    assert.ok(handler.relatedInformation?.length, 'handlers point at the ops member that wires them');
    assert.match(handler.relatedInformation![0].message, /wired as/);
  });

  it("hover explains a parent call; code lenses name each handler's ops member", async () => {
    const doc = TextDocument.create(uri(), 'c', 1, fs.readFileSync(file(), 'utf8'));
    const off = doc.getText().indexOf('qat_vfmig_open(');
    const hover = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uri() }, position: doc.positionAt(off + 3) });
    assert.match(JSON.stringify(hover?.contents), /Parent-driver interaction.*qat/);
    const lenses = await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: uri() } });
    assert.ok(lenses && lenses.some((l) => /vfio_migration_ops\.migration_set_state/.test(l.command!.title)));
  });

  it('incremental edits re-analyse; a quick fix applies to its version and removes its diagnostic', async () => {
    let doc = TextDocument.create(uri(), 'c', 1, fs.readFileSync(file(), 'utf8'));
    const before = ours((await client.diagnostics(uri(), (p) => p.version === 1)).diagnostics);
    // A one-character edit inside a comment changes nothing but the version.
    const at = doc.positionAt(doc.getText().indexOf('Copyright') + 1);
    const edit1 = [{ range: { start: at, end: at }, text: 'x' }];
    doc = TextDocument.update(doc, edit1, 2);
    await client.change(uri(), 2, edit1);
    const v2 = ours((await client.diagnostics(uri(), (p) => p.version === 2)).diagnostics);
    assert.equal(v2.length, before.length);

    const target = v2.find((d) => d.code === 'migration-handler-undocumented')!;
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri() },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.isPreferred)!;
    assert.match(fix.title, /kernel-doc/);
    const change = fix.edit!.documentChanges![0] as { textDocument: { version: number }; edits: TextEdit[] };
    assert.equal(change.textDocument.version, 2, 'the edit names the version it was computed for');
    doc = TextDocument.create(uri(), 'c', 3, TextDocument.applyEdits(doc, change.edits));
    assert.match(doc.getText(), /\/\*\*\n \* \w+\(\) - /);
    await client.change(uri(), 3, [{ text: doc.getText() }]);
    const v3 = ours((await client.diagnostics(uri(), (p) => p.version === 3)).diagnostics);
    assert.ok(!v3.some((d) => d.message === target.message), 'the fixed diagnostic is gone');
    // The template's prompts are findings of their own (doc-template-unfilled); the rest went down.
    const notPrompts = (ds: typeof v3) => ds.filter((d) => d.code !== 'doc-template-unfilled');
    assert.ok(notPrompts(v3).length < notPrompts(v2).length);

    // Fix-all as a source action, then nothing is left.
    const all = (await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri() },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.equal(all.length, 1);
    const allChange = all[0].edit!.documentChanges![0] as { edits: TextEdit[] };
    doc = TextDocument.create(uri(), 'c', 4, TextDocument.applyEdits(doc, allChange.edits));
    await client.change(uri(), 4, [{ text: doc.getText() }]);
    // What is left is the templates' prompts, for the author to answer.
    const v4 = ours((await client.diagnostics(uri(), (p) => p.version === 4)).diagnostics);
    // Left: the templates' prompts, and code problems fix-all does not touch (ops-incomplete on qat).
    const problems = new Set(RULES.filter((r) => r.meta.type === 'problem').map((r) => r.meta.id));
    const docs = v4.filter((d) => !problems.has(String(d.code)));
    assert.ok(docs.length > 0);
    assert.deepEqual([...new Set(docs.map((d) => d.code))], ['doc-template-unfilled']);
  });

  it('settings from the client take effect without a restart', async () => {
    client.settings = {
      parentCallFindings: 'call',
      severity: { 'parent-call-undocumented': 'off', 'migration-handler-undocumented': 'error', 'migration-overview-missing': 'off' },
    };
    const other = pathToFileURL(path.join(root, 'drivers/vfio/pci/mlx5/main.c')).href;
    await client.open(other, fs.readFileSync(path.join(root, 'drivers/vfio/pci/mlx5/main.c'), 'utf8'), 1);
    await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const p = await client.diagnostics(
      other,
      (x) => ours(x.diagnostics).length > 0 && ours(x.diagnostics).every((d) => d.code !== 'parent-call-undocumented'),
    );
    assert.ok(
      ours(p.diagnostics).every((d) => d.severity === 1),
      'handlers are errors now',
    );
    client.settings = { parentCallFindings: 'call' };
    await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await client.diagnostics(other, (x) => ours(x.diagnostics).some((d) => d.code === 'parent-call-undocumented'));
  });

  it('untitled buffers are analysed alone; unknown documents and commands do not hurt', async () => {
    const untitled = 'untitled:Untitled-1';
    const text =
      '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n';
    await client.open(untitled, text, 1);
    const p = await client.diagnostics(untitled, (x) => x.version === 1);
    assert.equal(ours(p.diagnostics).length, 1);
    const hover = await client.conn.sendRequest(HoverRequest.type, {
      textDocument: { uri: 'file:///nope.c' },
      position: { line: 0, character: 0 },
    });
    assert.equal(hover, null);
    const lenses = await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: 'file:///nope.c' } });
    assert.deepEqual(lenses, []);
    await client.conn.sendRequest(ExecuteCommandRequest.type, { command: 'vfio-variant.fixAll', arguments: [untitled] });
    assert.equal(client.appliedEdits.length, 1);
  });

  it('a buffer above maxFileSize is not parsed; a notice says so', async () => {
    const big = 'untitled:Huge-1';
    const text = '#include <linux/vfio_pci_core.h>\n' + 'int x;\n'.repeat(400_000);
    await client.open(big, text, 1);
    const p = await client.diagnostics(big, (x) => x.version === 1);
    assert.equal(p.diagnostics.length, 1);
    assert.match(String(p.diagnostics[0].message), /above vfioVariant\.maxFileSize/);
  });
});
