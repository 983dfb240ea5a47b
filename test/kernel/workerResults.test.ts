/**
 * What a worker thread of `check` sends back crosses threads by structured clone: no
 * engine objects (syntax nodes, review items) may be left in it. On a whole tree the
 * analysis is shared out to workers (cli/parallel.ts), and one finding holding a
 * review item made the whole check fail with "could not be cloned".
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkTargets } from '../../server/src/cli/parallel';
import { Workspace } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { ensureKernel } from '../support/kernel';

describe('worker results', () => {
  for (const all of [false, true]) {
    it(`of every 6.12 variant driver can cross threads${all ? ' (--all)' : ''}`, () => {
      const pci = path.join(ensureKernel(), 'drivers/vfio/pci');
      const targets = ['hisilicon', 'mlx5', 'nvgrace-gpu', 'pds', 'qat', 'virtio'].map((d) => ({ dir: path.join(pci, d) }));
      const results = checkTargets(new Workspace(nodeFileSystem), targets, all);
      assert.ok(results.every((r) => r.isVariantDriver));
      assert.ok(results.reduce((n, r) => n + r.findings.length, 0) > 50);
      assert.deepEqual(structuredClone(results), results);
    });
  }
});
