/**
 * Issue 5's guarantee: diagnostics are never computed from a stale version, and
 * work superseded by a newer edit is dropped rather than published.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ensureKernel } from '../support/kernel';
import { TestClient } from '../support/lspClient';

const ours = (ds: Diagnostic[]) =>
  ds
    .filter((d) => d.source === 'vfio-variant')
    .map((d) => `${d.range.start.line}:${d.range.start.character}:${d.code}`)
    .sort();

describe('stale versions and superseded work', () => {
  let root: string;
  let client: TestClient;
  let fresh: TestClient;

  before(async () => {
    root = ensureKernel();
    client = new TestClient();
    await client.initialize(pathToFileURL(root).href, { debounceMs: 40 });
    fresh = new TestClient();
    await fresh.initialize(pathToFileURL(root).href, { debounceMs: 0 });
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
    if (fresh) assert.equal(await fresh.shutdown(), 0);
  });

  it('a burst of edits publishes once, for the last version, with what a fresh analysis of that text gives', async () => {
    const file = path.join(root, 'drivers/vfio/pci/pds/lm.c');
    const uri = pathToFileURL(file).href;
    let doc = TextDocument.create(uri, 'c', 1, fs.readFileSync(file, 'utf8'));
    await client.open(uri, doc.getText(), 1);
    await client.diagnostics(uri, (p) => p.version === 1);

    // Type a comment line above a function, one character at a time: until the last
    // keystrokes close it, the open `/*` swallows the rest of the file, so every
    // intermediate version analyses differently from the last one.
    const at = doc.positionAt(doc.getText().indexOf('pds_vfio_get_lm_file('));
    const line = doc.getText().split('\n')[at.line];
    const typed = `${/^\s*/.exec(line)![0]}/* Asks the PF for the state size. */\n`;
    const seen: PublishDiagnosticsParams[] = [];
    const last = typed.length + 1;
    const done = client.diagnostics(uri, (p) => {
      seen.push(p);
      return p.version === last;
    });
    for (let i = 0; i < typed.length; i++) {
      const change = { range: { start: { line: at.line, character: i }, end: { line: at.line, character: i } }, text: typed[i] };
      doc = TextDocument.update(doc, [change], i + 2);
      await client.change(uri, i + 2, [change]);
    }
    const final = await done;
    const versions = seen.map((p) => p.version!);
    assert.ok(
      versions.every((v, i) => i === 0 || v > versions[i - 1]),
      `versions only grow: ${versions}`,
    );
    assert.ok(seen.length < typed.length / 2, `superseded versions were dropped (${seen.length} publishes for ${typed.length} edits)`);

    const freshUri = pathToFileURL(path.join(root, 'drivers/vfio/pci/pds/lm.c')).href;
    await fresh.open(freshUri, doc.getText(), 7);
    const reference = await fresh.diagnostics(freshUri, (p) => p.version === 7);
    assert.deepEqual(ours(final.diagnostics), ours(reference.diagnostics));
    assert.ok(ours(final.diagnostics).length > 0);
  });
});
