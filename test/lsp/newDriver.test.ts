/**
 * Issue 13, the server's half: a driver directory made before the server starts, opened
 * after another driver, is published at once with the CLI's findings. The client is set
 * up like VS Code's (settings pulled, files watched, the default debounce) and sends
 * what code-server sent before the open (a watched-file change of another driver).
 * In code-server the findings were published within ~150 ms; the Problems view did not
 * show the file's row because a file with an error sorts first and only rows in view are
 * rendered (the e2e test now closes the other drivers first).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { checkJson } from '../support/cli';
import { REPO } from '../support/kernel';
import { TestClient } from '../support/lspClient';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'generalization', 'kernel-a');
const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'vfio-variant');

describe('a new driver directory in a running editor', () => {
  let tree: string;
  let client: TestClient;

  before(async () => {
    fs.mkdirSync(path.join(REPO, 'test-output', 'tmp'), { recursive: true });
    tree = fs.mkdtempSync(path.join(REPO, 'test-output', 'tmp', 'lsp-new-driver-'));
    fs.cpSync(FIXTURE, tree, { recursive: true });
    fs.mkdirSync(path.join(tree, 'drivers/vfio/pci/e2e-acme'));
    fs.copyFileSync(path.join(REPO, 'examples/acme-vfio/main.c'), path.join(tree, 'drivers/vfio/pci/e2e-acme/main.c'));
    client = new TestClient();
    client.settings = {}; // the defaults, as the CLI runs
    await client.initialize(pathToFileURL(tree).href, {}, true, { didChangeWatchedFiles: { dynamicRegistration: true } });
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it("is published with the CLI's findings right after its open", async () => {
    const other = path.join(tree, 'drivers/vfio/pci/acme/main.c');
    const otherUri = pathToFileURL(other).href;
    await client.open(otherUri, fs.readFileSync(other, 'utf8'), 1);
    await client.diagnostics(otherUri, (p) => p.version === 1);
    await client.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: otherUri, type: FileChangeType.Changed }],
    });

    const file = path.join(tree, 'drivers/vfio/pci/e2e-acme/main.c');
    const uri = pathToFileURL(file).href;
    const expected = checkJson([file], REPO).filter((f) => path.resolve(REPO, f.file) === file);
    assert.ok(
      expected.some((f) => f.rule === 'maintainers-entry-missing'),
      'the new driver has no MAINTAINERS entry',
    );
    const published: number[] = [];
    client.onPublish.push((p) => p.uri === uri && published.push(ours(p.diagnostics).length));
    await client.open(uri, fs.readFileSync(file, 'utf8'), 1);
    const got = await client.diagnostics(uri, (p) => p.version === 1, 5000);
    assert.deepEqual(
      ours(got.diagnostics)
        .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code}`)
        .sort(),
      expected.map((f) => `${f.line}:${f.column} ${f.rule}`).sort(),
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(published, [expected.length], 'published once, with every finding');
  });
});
