/**
 * The editor agrees with itself (issue 13, point 4), over LSP: MAINTAINERS
 * watched and re-read without a restart, every finding of a driver on request
 * (open files or not), a code lens that jumps to the ops initializer, and quick
 * fixes whose TODO: prompts are snippet tab stops for clients that take them.
 * The scratch tree lives under test-output/.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { REPO } from '../support/kernel';
import { TestClient } from '../support/lspClient';
import { DRIVER_FINDINGS_REQUEST, DRIVER_SUMMARY_REQUEST, type DriverFindings, type DriverSummary } from '../../server/src/protocol';
import { promptSnippet } from '../../server/src/lsp/convert';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'generalization', 'kernel-a');
const ENTRY = /\nACME VFIO PCI DRIVER\n(?:[A-Z]:\t.*\n)+/;
const rules = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'vfio-variant').map((d) => d.code);

describe('the editor agrees with itself', () => {
  let tree: string;
  let client: TestClient;
  let mainUri: string;
  let mainText: string;
  let maintainers: string;
  let original: string;

  before(async () => {
    fs.mkdirSync(path.join(REPO, 'test-output', 'tmp'), { recursive: true });
    tree = fs.mkdtempSync(path.join(REPO, 'test-output', 'tmp', 'lsp-agree-'));
    fs.cpSync(FIXTURE, tree, { recursive: true });
    maintainers = path.join(tree, 'MAINTAINERS');
    original = fs.readFileSync(maintainers, 'utf8');
    assert.match(original, ENTRY);
    const main = path.join(tree, 'drivers/vfio/pci/acme/main.c');
    mainUri = pathToFileURL(main).href;
    mainText = fs.readFileSync(main, 'utf8');
    client = new TestClient();
    await client.initialize(pathToFileURL(tree).href, { debounceMs: 0 }, true, {
      didChangeWatchedFiles: { dynamicRegistration: true },
      workspaceEdit: { documentChanges: true, snippetEditSupport: true },
    });
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('registers file watchers for MAINTAINERS and headers', async () => {
    for (let i = 0; i < 50 && !client.registrations.length; i++) await new Promise((r) => setTimeout(r, 100));
    const reg = client.registrations.find((r) => r.method === DidChangeWatchedFilesNotification.method);
    assert.ok(reg, 'a didChangeWatchedFiles registration');
    const globs = (reg.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern);
    assert.ok(globs.includes('**/MAINTAINERS'));
    assert.ok(globs.includes('**/*.h'));
  });

  it('a MAINTAINERS entry removed, added and created on disk is seen without a restart', async () => {
    await client.open(mainUri, mainText, 1);
    const first = await client.diagnostics(mainUri, (p) => rules(p.diagnostics).length > 0);
    assert.ok(!rules(first.diagnostics).includes('maintainers-entry-missing'));
    const notify = (type: FileChangeType) =>
      client.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(maintainers).href, type }] });

    fs.writeFileSync(maintainers, original.replace(ENTRY, '\n'));
    await notify(FileChangeType.Changed);
    await client.diagnostics(mainUri, (p) => rules(p.diagnostics).includes('maintainers-entry-missing'));

    fs.writeFileSync(maintainers, original);
    await notify(FileChangeType.Changed);
    await client.diagnostics(mainUri, (p) => !rules(p.diagnostics).includes('maintainers-entry-missing'));

    // No MAINTAINERS: not a kernel tree, so no such finding; one created while the server runs counts at once.
    fs.rmSync(maintainers);
    await notify(FileChangeType.Deleted);
    await client.diagnostics(mainUri, (p) => !rules(p.diagnostics).includes('maintainers-entry-missing'));
    fs.writeFileSync(maintainers, original.replace(ENTRY, '\n'));
    await notify(FileChangeType.Created);
    await client.diagnostics(mainUri, (p) => rules(p.diagnostics).includes('maintainers-entry-missing'));
    fs.writeFileSync(maintainers, original);
    await notify(FileChangeType.Changed);
    await client.diagnostics(mainUri, (p) => !rules(p.diagnostics).includes('maintainers-entry-missing'));
  });

  it("lists every finding of the driver, unopened files too, as many as the status bar's summary counts", async () => {
    const all = await client.conn.sendRequest<DriverFindings>(DRIVER_FINDINGS_REQUEST, { uri: mainUri });
    const summary = await client.conn.sendRequest<DriverSummary>(DRIVER_SUMMARY_REQUEST, { uri: mainUri });
    assert.equal(all.isVariantDriver, true);
    assert.equal(all.findings.length, summary.findings);
    const files = new Set(all.findings.map((f) => path.basename(new URL(f.uri).pathname)));
    assert.ok(files.has('migrate.c'), `findings of the unopened migrate.c: ${[...files]}`);
    for (const f of all.findings) assert.ok(f.range.start.line >= 0 && f.message && f.rule);
  });

  it("a handler's code lens runs the show command on the ops initializer's line", async () => {
    const lenses = await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: mainUri } });
    assert.ok(lenses && lenses.length > 0, 'code lenses on the handlers of main.c');
    for (const l of lenses) {
      assert.equal(l.command?.command, 'vfio-variant.show');
      const [uri, line] = l.command!.arguments as [string, number];
      const m = /· (\S+):(\d+)/.exec(l.command!.title)!;
      assert.equal(path.basename(new URL(uri).pathname), m[1]);
      assert.equal(line + 1, Number(m[2]), 'the title and the jump agree');
      const text = fs.readFileSync(new URL(uri), 'utf8').split('\n')[line];
      assert.match(text, /\.\w+\s*=/, `the line wires a member: ${text}`);
    }
  });

  it("a quick fix's TODO: prompts are snippet placeholders (fix-all stays plain text)", async () => {
    const diags = (await client.diagnostics(mainUri)).diagnostics.filter((d) => d.code === 'parent-call-undocumented');
    assert.ok(diags.length);
    const actions = await client.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: mainUri },
      range: diags[0].range,
      context: { diagnostics: [diags[0]] },
    });
    const quick = (actions ?? []).find((a) => 'kind' in a && a.kind === 'quickfix' && !/Suppress/.test(a.title));
    assert.ok(quick && 'edit' in quick, JSON.stringify(actions));
    const edit = (quick.edit!.documentChanges![0] as { edits: { snippet?: { kind: string; value: string } }[] }).edits[0];
    assert.equal(edit.snippet?.kind, 'snippet', JSON.stringify(edit));
    assert.match(edit.snippet!.value, /\$\{1:TODO: [^}]*\}/);
    const fixAll = (actions ?? []).find((a) => 'kind' in a && a.kind?.startsWith('source.fixAll'));
    if (fixAll && 'edit' in fixAll) {
      for (const e of (fixAll.edit!.documentChanges![0] as { edits: object[] }).edits) assert.ok(!('snippet' in e));
    }
  });

  it('promptSnippet escapes the literal text and numbers the prompts', () => {
    assert.equal(promptSnippet('/* no prompt */\n'), undefined);
    assert.equal(
      promptSnippet('\t/*\n\t * Request: TODO: what is asked. $x {y}\n\t * Why: TODO: why */\n'),
      '\t/*\n\t * Request: ${1:TODO: what is asked. \\$x {y\\}}\n\t * Why: ${2:TODO: why} */\n',
    );
  });
});
