/**
 * Drivers the rules were not written against: invented parents found only from
 * #includes and data flow (test/fixtures/generalization, see its README).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkJson, runCli, score, type JsonFinding } from '../support/cli';
import { REPO } from '../support/kernel';

const BASE = path.join(REPO, 'test', 'fixtures', 'generalization');

describe('generalization fixtures', () => {
  for (const tree of ['kernel-a', 'kernel-b', 'kernel-c']) {
    it(`${tree}: every label found, nothing else, documented flags agree`, () => {
      const dir = path.join(BASE, tree);
      const labels: JsonFinding[] = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')).findings;
      if (tree === 'kernel-c') {
        // No variant driver in the tree: an error that says what was found, in a valid document.
        const r = runCli(['check', '--format', 'json', '--all', '.'], dir);
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /\.: no vfio-pci variant driver here; found 1 directory with C files that never mention vfio_pci_core/);
        const doc = JSON.parse(r.stdout);
        assert.deepEqual([doc.findings, doc.drivers, doc.errors.length], [labels, [], 1]);
        return;
      }
      const found = checkJson(['--all', '.'], dir);
      for (const kind of ['parent-call', 'migration-handler'] as const) {
        const s = score(labels, found, kind);
        assert.deepEqual(
          { kind, missed: s.missed, extra: s.extra, documentedAccuracy: s.documentedAccuracy },
          { kind, missed: [], extra: [], documentedAccuracy: 1 },
        );
      }
      assert.ok(found.length > 10);
    });
  }
});
