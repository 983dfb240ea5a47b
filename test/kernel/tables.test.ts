/**
 * Parents reached through tables of function pointers, and drivers written for
 * other kernels (test/fixtures/tables, see its README): every table entry, every
 * call through a table (with `via`), pre-6.0 handlers in vfio_device_ops,
 * vfio.h members read from the tree, `pdev->physfn`; mock tables are not parents.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { describeItem, itemAt, normalizeSettings, Workspace } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { checkJson, runCli, score, type JsonFinding } from '../support/cli';
import { REPO } from '../support/kernel';

const BASE = path.join(REPO, 'test', 'fixtures', 'tables');

type Labelled = JsonFinding & { via?: string };

const labelsOf = (tree: string): Labelled[] => JSON.parse(fs.readFileSync(path.join(BASE, tree, 'expected.json'), 'utf8')).findings;

describe('parent tables fixtures', () => {
  for (const tree of ['kestrel-oot', 'kernel-d']) {
    it(`${tree}: every label found, nothing else, documented flags and via agree`, () => {
      const labels = labelsOf(tree);
      const found = checkJson(['--all', '.'], path.join(BASE, tree)) as Labelled[];
      for (const kind of ['parent-call', 'migration-handler'] as const) {
        const s = score(labels, found, kind);
        assert.deepEqual(
          { kind, missed: s.missed, extra: s.extra, documentedAccuracy: s.documentedAccuracy },
          { kind, missed: [], extra: [], documentedAccuracy: 1 },
        );
      }
      const key = (f: Labelled) => `${f.file}:${f.line}:${f.column}:${f.name}`;
      const via = (fs: Labelled[]) =>
        fs
          .filter((f) => f.kind === 'parent-call')
          .map((f) => `${key(f)}:${f.via ?? ''}`)
          .sort();
      assert.deepEqual(via(found), via(labels));
    });
  }

  it('kestrel-oot: the mock table and the vfio_device_ops callbacks are not parent interactions', () => {
    const found = checkJson(['--all', '.'], path.join(BASE, 'kestrel-oot'));
    assert.ok(!found.some((f) => /mock/.test(f.name)));
    assert.ok(!found.some((f) => f.name.startsWith('vfio_pci_core_')));
    const handlers = found.filter((f) => f.kind === 'migration-handler' && f.role?.startsWith('migration_'));
    assert.deepEqual(
      handlers.map((f) => [f.name, f.role, (f as unknown as { ops: string }).ops]),
      [
        ['kestrel_vfio_set_device_state', 'migration_set_state', 'vfio_device_ops'],
        ['kestrel_vfio_get_device_state', 'migration_get_state', 'vfio_device_ops'],
      ],
    );
  });

  it('kestrel-oot: --fix documents tables and calls through them; a second --fix changes nothing', () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tables-'));
    try {
      for (const f of fs.readdirSync(path.join(BASE, 'kestrel-oot'))) {
        if (/\.[ch]$/.test(f)) fs.copyFileSync(path.join(BASE, 'kestrel-oot', f), path.join(scratch, f));
      }
      // Without the table's comment, its entries are open items.
      const main = path.join(scratch, 'kestrel_main.c');
      const text = fs.readFileSync(main, 'utf8');
      const stripped = text.replace(/\/\*\n \* The parent's side of migration\.[\s\S]*?\*\/\n/, '');
      assert.notEqual(stripped, text);
      fs.writeFileSync(main, stripped);
      const before = checkJson(['--all', '.'], scratch);
      assert.ok(before.filter((f) => f.kind === 'parent-call' && !f.documented).length > 14);
      // Exit 1: the templates' prompts are left for the author (doc-template-unfilled).
      const first = runCli(['check', '--fix', '.'], scratch);
      assert.equal(first.status, 1, first.stdout + first.stderr);
      const after = checkJson(['--all', '.'], scratch);
      assert.deepEqual(
        after.filter((f) => (f.kind === 'parent-call' || f.kind === 'migration-handler') && !f.documented),
        [],
      );
      const items = (fs: JsonFinding[]) => fs.filter((f) => f.kind === 'parent-call' || f.kind === 'migration-handler').length;
      assert.equal(items(after), items(before));
      // One comment on the table names all its entries.
      const fixed = fs.readFileSync(main, 'utf8');
      assert.match(
        fixed,
        /Parent calls \(kestrel\): kestrel_pf_get\(\), kestrel_pf_put\(\),[\s\S]*?\*\/\nconst struct kestrel_pf_ops kestrel_pf_ops_real = \{/,
      );
      const snapshot = fs.readdirSync(scratch).map((f) => fs.readFileSync(path.join(scratch, f), 'utf8'));
      const second = runCli(['check', '--fix', '.'], scratch);
      assert.equal(second.status, 1);
      assert.deepEqual(
        fs.readdirSync(scratch).map((f) => fs.readFileSync(path.join(scratch, f), 'utf8')),
        snapshot,
      );
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('hover names the parent function(s) behind a call through a table', () => {
    const ws = new Workspace(nodeFileSystem, normalizeSettings({}));
    const file = path.join(BASE, 'kestrel-oot', 'kestrel_mig.c');
    const model = ws.driverFor(file).model;
    // `ret = ops->size(...)` in kestrel_vfio_load_state(): the sub-table depends on the tile.
    const item = itemAt(model, file, 85, 15);
    assert.ok(item?.kind === 'parent-call');
    const text = describeItem(item);
    assert.match(text, /`ops->size\(\)` is `kestrel_pf_ops_real\.(?:media_)?ggtt\.size`/);
    assert.match(
      text,
      /one of `kestrel_pf_ggtt_size\(\)`, `kestrel_pf_media_ggtt_size\(\)`|one of `kestrel_pf_media_ggtt_size\(\)`, `kestrel_pf_ggtt_size\(\)`/,
    );
    const entry = itemAt(model, path.join(BASE, 'kestrel-oot', 'kestrel_main.c'), 30, 12);
    assert.ok(entry?.kind === 'parent-call');
    assert.match(describeItem(entry), /Table entry: `kestrel_pf_ops_real\.pause`/);
  });
});
