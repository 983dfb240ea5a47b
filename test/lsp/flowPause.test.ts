/**
 * While the user types, the flow rules' findings are carried from their last run (moved
 * with unchanged functions, dropped from the edited one); once typing pauses the flow
 * rules run again and the same version is published once more, complete.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { REPO } from '../support/kernel';
import { TestClient } from '../support/lspClient';

const RULE = 'user-copy-under-state-mutex';
const caller = `
static int acmevf_report_state(struct acmevf_core_device *acme_vdev, char __user *buf)
{
\tint ret = 0;

\tmutex_lock(&acme_vdev->state_mutex);
\tif (copy_to_user(buf, &acme_vdev->mig_state, sizeof(acme_vdev->mig_state)))
\t\tret = -EFAULT;
\tmutex_unlock(&acme_vdev->state_mutex);
\treturn ret;
}
`;

const lines = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === RULE).map((d) => d.range.start.line);

describe('flow findings while typing', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    fs.mkdirSync(path.join(REPO, 'test-output', 'tmp'), { recursive: true });
    dir = fs.mkdtempSync(path.join(REPO, 'test-output', 'tmp', 'lsp-flow-'));
    client = new TestClient();
    await client.initialize(pathToFileURL(dir).href, { debounceMs: 0 });
  });
  after(async () => {
    if (client) assert.equal(await client.shutdown(), 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are carried with their function, dropped from the edited one, and complete again after a pause', async () => {
    const file = path.join(dir, 'main.c');
    const text = fs.readFileSync(path.join(REPO, 'examples/acme-vfio/main.c'), 'utf8') + caller;
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    const publishes: PublishDiagnosticsParams[] = [];
    client.onPublish.push((p) => p.uri === uri && publishes.push(p));

    await client.open(uri, text, 1);
    const [at] = lines(await client.diagnostics(uri, (p) => p.version === 1));
    assert.ok(at !== undefined, `${RULE} reported on open`);

    // Two lines typed at the top: the first publish already has the finding, moved.
    await client.change(uri, 2, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '/* a */\n/* b */\n' },
    ]);
    assert.deepEqual(lines(await client.diagnostics(uri, (p) => p.version === 2)), [at + 2]);

    // A statement typed inside the function: carried findings of that function are dropped
    // at once, and the flow rules' own run, after the pause, reports it again.
    const count = publishes.length;
    const inside = at + 2 - 1; // the mutex_lock() line, just above the copy
    await client.change(uri, 3, [{ range: { start: { line: inside, character: 0 }, end: { line: inside, character: 0 } }, text: '\t;\n' }]);
    await client.diagnostics(uri, (p) => p.version === 3 && lines(p).length > 0, 10000);
    const ofV3 = publishes.slice(count).filter((p) => p.version === 3);
    assert.ok(ofV3.length >= 2, `version 3 published ${ofV3.length} time(s)`);
    assert.deepEqual(lines(ofV3[0]), [], 'the edited function has no carried finding');
    assert.deepEqual(lines(ofV3[ofV3.length - 1]), [at + 3]);
  });
});
