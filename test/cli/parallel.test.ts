/** Work shared over worker threads gives exactly what one thread gives. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { normalizeSettings, Workspace } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { candidateDirs, mergeTargets, walkPaths } from '../../server/src/cli/discover';
import { balance, checkTargets, parallelCandidates, parallelCheck, SHARE_WHEN, WorkerPool } from '../../server/src/cli/parallel';
import { ensureKernel } from '../support/kernel';

describe('parallel check', () => {
  const saved = { ...SHARE_WHEN };
  let pool: WorkerPool | undefined;
  after(() => {
    Object.assign(SHARE_WHEN, saved);
    pool?.close();
  });

  it('balance puts the heaviest items first into the lightest share', () => {
    const shares = balance([5, 1, 4, 2, 3], (x) => x, 2, [0, 4]);
    assert.deepEqual(shares, [
      [5, 3, 2],
      [4, 1],
    ]); // loads 10 and 4 + 5
  });

  it('prefilter and analysis in a worker equal the single-thread run on 6.12 drivers/vfio', async () => {
    const root = ensureKernel();
    const settings = normalizeSettings(undefined);
    const errors: string[] = [];
    const walked = walkPaths([path.join(root, 'drivers/vfio')], errors);
    assert.deepEqual(errors, []);
    const single = candidateDirs(walked.dirs);
    // Share even this small job, so the worker path really runs.
    Object.assign(SHARE_WHEN, { analysisBytes: 0, prefilterFiles: 0 });
    pool = new WorkerPool(1, settings);
    const shared = await parallelCandidates(() => pool!, walked.dirs);
    assert.deepEqual(shared, single);
    assert.ok(single.some((d) => d.endsWith('mlx5')));
    const targets = mergeTargets(shared, walked.named);
    const one = checkTargets(new Workspace(nodeFileSystem, settings), targets, true);
    const many = await parallelCheck(() => pool!, new Workspace(nodeFileSystem, settings), targets, true);
    const plain = (r: typeof one) => JSON.stringify(r.map((t) => ({ ...t, findings: t.findings.map((f) => ({ ...f, item: undefined })) })));
    assert.equal(plain(many), plain(one));
    assert.ok(one.reduce((n, t) => n + t.findings.length, 0) > 100);
  });
});
