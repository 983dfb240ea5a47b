/**
 * `vfioVariant.scope: changedSince`: the server shows only what the buffers
 * change against `vfioVariant.baseRef` (unsaved edits included), on a scratch
 * git repository of Linux 6.12's drivers/vfio/pci; in a restricted workspace
 * the setting is ignored (git is not run there).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { checkJson } from '../support/cli';
import { scratchRepo, type ScratchRepo } from '../support/gitRepo';
import { ensureKernel } from '../support/kernel';
import { TestClient } from '../support/lspClient';

const ORIGINAL = '\tmutex_lock(&mvdev->state_mutex);\n\t*curr_state = mvdev->mig_state;';
const EDITED =
  // No early return while state_mutex is held: lock-imbalance would rightly report that too.
  '\tmutex_lock(&mvdev->state_mutex);\n\tif (!mlx5_sriov_is_enabled(mvdev->mdev))\n\t\tmvdev->mig_state = VFIO_DEVICE_STATE_ERROR;\n\t*curr_state = mvdev->mig_state;';

describe('vfioVariant.scope changedSince', () => {
  let repo: ScratchRepo;
  const clients: TestClient[] = [];
  const file = (rel: string) => path.join(repo.root, 'drivers/vfio/pci/mlx5', rel);

  before(() => {
    ensureKernel();
    repo = scratchRepo();
  });
  after(async () => {
    try {
      for (const c of clients) assert.equal(await c.shutdown(), 0);
    } finally {
      repo?.cleanup();
    }
  });

  async function client(restricted = false): Promise<TestClient> {
    const c = new TestClient();
    clients.push(c);
    c.settings = { scope: 'changedSince', baseRef: 'HEAD' };
    await c.initialize(pathToFileURL(repo.root).href, { debounceMs: 0, restricted });
    return c;
  }

  it('shows the findings of the unsaved change only, and none for an unchanged file', async () => {
    const c = await client();
    const main = pathToFileURL(file('main.c')).href;
    const text = fs.readFileSync(file('main.c'), 'utf8');
    assert.ok(text.includes(ORIGINAL));
    await c.open(main, text.replace(ORIGINAL, EDITED), 1);
    const p = await c.diagnostics(main, (d) => d.version === 1 && d.diagnostics.length === 1);
    assert.match(String(p.diagnostics[0].message), /^undocumented call into parent driver mlx5_core: mlx5_sriov_is_enabled\(\)$/);
    assert.equal(
      p.diagnostics[0].range.start.line,
      text.split('\n').findIndex((l) => l === '\t*curr_state = mvdev->mig_state;'),
    );

    const cmd = pathToFileURL(file('cmd.c')).href;
    await c.open(cmd, fs.readFileSync(file('cmd.c'), 'utf8'), 1);
    const none = await c.diagnostics(cmd, (d) => d.version === 1 && d.diagnostics.length === 0);
    assert.deepEqual(none.diagnostics, []);

    // Undoing the edit in the buffer empties the list.
    const lines = text.replace(ORIGINAL, EDITED).split('\n');
    const at = lines.findIndex((l) => l.includes('mlx5_sriov_is_enabled'));
    await c.change(main, 2, [{ range: { start: { line: at, character: 0 }, end: { line: at + 2, character: 0 } }, text: '' }]);
    const undone = await c.diagnostics(main, (d) => d.version === 2);
    assert.deepEqual(undone.diagnostics, []);
  });

  it('is ignored in a restricted workspace: every finding shows', async () => {
    const c = await client(true);
    const main = pathToFileURL(file('main.c')).href;
    await c.open(main, fs.readFileSync(file('main.c'), 'utf8'), 1);
    const all = checkJson([file('main.c')], repo.root).length;
    assert.ok(all >= 10);
    const p = await c.diagnostics(main, (d) => d.version === 1 && d.diagnostics.length === all);
    assert.equal(p.diagnostics.length, all);
  });
});
