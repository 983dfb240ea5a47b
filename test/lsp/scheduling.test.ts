/**
 * Issue 18: analyses are queued, not run inside the notification that asked for them.
 * A document closed before its turn is never analysed afterwards, and a request sent
 * after a burst of opens and closes is answered. No timing thresholds: only order.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DidCloseTextDocumentNotification, HoverRequest, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { ensureKernel } from '../support/kernel';
import { TestClient } from '../support/lspClient';

describe('scheduling of analyses', () => {
  let root: string;
  let client: TestClient;

  before(async () => {
    root = ensureKernel();
    client = new TestClient();
    await client.initialize(pathToFileURL(root).href, { debounceMs: 0 });
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
  });

  it('after a burst of opens and closes, a hover is answered and no closed document is published again', async () => {
    const main = path.join(root, 'drivers/vfio/pci/mlx5/main.c');
    const mainUri = pathToFileURL(main).href;
    const mainText = fs.readFileSync(main, 'utf8');
    await client.open(mainUri, mainText, 1);
    await client.diagnostics(mainUri, (p) => p.version === 1);

    const pci = path.join(root, 'drivers/vfio/pci');
    const files = fs
      .readdirSync(pci, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.[ch]$/.test(f))
      .map((f) => path.join(pci, f))
      .filter((f) => f !== main);
    assert.ok(files.length > 20);
    const uris = files.map((f) => pathToFileURL(f).href);
    const seen = new Map<string, PublishDiagnosticsParams[]>();
    client.onPublish.push((p) => seen.get(p.uri)?.push(p));
    for (const u of uris) seen.set(u, []);

    // Every open, then every close, then the hover: all queued at the server at once.
    const sends = files.map((f, i) => client.open(uris[i], fs.readFileSync(f, 'utf8'), 1));
    for (const u of uris) sends.push(client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } }));
    const line = mainText.slice(0, mainText.indexOf('\nmlx5vf_pci_set_device_state(') + 1).split('\n').length - 1;
    const hover = client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: mainUri }, position: { line, character: 3 } });
    await Promise.all(sends);
    const h = await hover;
    assert.ok(h, 'the hover on a handler is answered with its description');
    assert.match(JSON.stringify(h.contents), /mlx5vf_pci_set_device_state/);

    // Whatever the server still does for main.c comes after the closes: once main.c
    // is published again, every publish for a closed file has been sent.
    const edit = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' };
    await client.change(mainUri, 2, [edit]);
    await client.diagnostics(mainUri, (p) => p.version === 2);
    // A document that was published is cleared at close, and nothing comes after the
    // clear; one never analysed gets nothing at all (there is nothing to clear).
    for (const u of uris) {
      const ps = seen.get(u)!;
      if (ps.length === 0) continue;
      assert.ok(ps.length >= 2, `${u}: published, then cleared at close`);
      assert.deepEqual(ps[ps.length - 1].diagnostics, [], `${u}: nothing published after the clear at close`);
    }
    // Most closed documents were never analysed at all.
    const analysed = uris.filter((u) => seen.get(u)!.length > 0).length;
    assert.ok(analysed < uris.length / 2, `${analysed} of ${uris.length} closed documents were analysed`);
  });
});
