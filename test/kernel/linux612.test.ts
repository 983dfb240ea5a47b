/**
 * The yardstick: the vfio-pci variant drivers of Linux 6.12 (Debian's
 * linux-source-6.12), against hand-made labels of every parent call and
 * migration handler (test/labels/linux-6.12.json, see its README).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { checkJson, runCli, score, type JsonFinding } from '../support/cli';
import { ensureKernel, kernelDocWarnings, REPO, scratchKernelCopy } from '../support/kernel';

const labels: JsonFinding[] = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'labels', 'linux-6.12.json'), 'utf8')).findings;

describe('Linux 6.12 drivers/vfio/pci', () => {
  let root: string;
  let all: JsonFinding[];
  before(() => {
    root = ensureKernel();
    all = checkJson(['--all', 'drivers/vfio/pci'], root);
  });

  for (const kind of ['parent-call', 'migration-handler'] as const) {
    it(`${kind}: precision, recall and documented flag against the labels`, () => {
      const s = score(labels, all, kind);
      assert.deepEqual({ missed: s.missed, extra: s.extra }, { missed: [], extra: [] });
      assert.equal(s.precision, 1);
      assert.equal(s.recall, 1);
      assert.equal(s.documentedAccuracy, 1);
    });
  }

  it('names the parent of each call', () => {
    const parentsOf = (dir: string) =>
      new Set(all.filter((f) => f.kind === 'parent-call' && f.file.includes(`/${dir}/`)).map((f) => f.parent));
    assert.deepEqual(parentsOf('mlx5'), new Set(['mlx5_core']));
    assert.deepEqual(parentsOf('hisilicon'), new Set(['hisi_qm']));
    assert.deepEqual(parentsOf('pds'), new Set(['pds_core']));
    assert.deepEqual(parentsOf('qat'), new Set(['qat']));
    assert.deepEqual(parentsOf('virtio'), new Set(['virtio_pci']));
  });

  it('finds concrete items in each driver', () => {
    const has = (file: string, name: string, extra: Partial<JsonFinding> = {}) =>
      assert.ok(
        all.some(
          (f) =>
            f.file === `drivers/vfio/pci/${file}` &&
            f.name === name &&
            Object.entries(extra).every(([k, v]) => (f as unknown as Record<string, unknown>)[k] === v),
        ),
        `${file}: ${name}`,
      );
    has('mlx5/cmd.c', 'mlx5_vf_get_core_dev', { parent: 'mlx5_core', documented: false });
    has('mlx5/cmd.c', 'mlx5vf_start_page_tracker', { kind: 'migration-handler', role: 'log_start' });
    has('mlx5/main.c', 'mlx5vf_pci_set_device_state', { kind: 'migration-handler', role: 'migration_set_state' });
    has('hisilicon/hisi_acc_vfio_pci.c', 'pci_iov_get_pf_drvdata', { parent: 'hisi_qm' });
    has('hisilicon/hisi_acc_vfio_pci.c', 'hisi_qm_wait_mb_ready', { documented: true });
    has('pds/cmds.c', 'pds_client_register', { parent: 'pds_core' });
    has('pds/dirty.c', 'pds_vfio_dma_logging_start', { kind: 'migration-handler', role: 'log_start' });
    has('pds/lm.c', 'pds_vfio_save_read', { kind: 'migration-handler', role: 'read' });
    has('qat/main.c', 'qat_vfmig_suspend', { documented: true });
    has('qat/main.c', 'pci_physfn', { parent: 'qat' });
    has('virtio/main.c', 'virtio_pci_admin_legacy_io_notify_info', { parent: 'virtio_pci' });
  });

  it('driver-level rules: every driver has its own MAINTAINERS entry; those with vfio_migration_ops lack a DOC: overview', () => {
    assert.deepEqual(
      all.filter((f) => f.rule === 'maintainers-entry-missing'),
      [],
    );
    const dirOf = (f: { file: string }) => f.file.split('/')[3];
    const overview = all
      .filter((f) => f.rule === 'migration-overview-missing')
      .map(dirOf)
      .sort();
    const withOps = [
      ...new Set(labels.filter((l) => l.kind === 'migration-handler' && !!l.role?.startsWith('migration_')).map(dirOf)),
    ].sort();
    assert.ok(withOps.length >= 4);
    assert.deepEqual(overview, withOps);
  });

  it('reports nothing for nvgrace-gpu and vfio-pci core', () => {
    assert.deepEqual(
      all.filter((f) => f.file.includes('/nvgrace-gpu/')),
      [],
    );
    assert.deepEqual(
      all.filter((f) => f.file === 'drivers/vfio/pci/vfio_pci.c' || f.file === 'drivers/vfio/pci/vfio_pci_core.c'),
      [],
    );
    const r = runCli(['check', 'drivers/vfio/pci/nvgrace-gpu'], root);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
  });

  it('--fix leaves no kernel-doc warnings and nothing undocumented; a second --fix changes nothing', () => {
    const scratch = scratchKernelCopy(['drivers/vfio/pci']);
    try {
      // Documentation is what --fix writes; code problems it cannot fix (ops-incomplete: qat_vf_pci_ops has no
      // .device_feature, a justified finding on 6.12) are set aside so the exit status speaks of documentation.
      fs.writeFileSync(path.join(scratch, '.vfio-variant.json'), JSON.stringify({ severity: { 'ops-incomplete': 'off' } }));
      const first = runCli(['check', '--fix', 'drivers/vfio/pci'], scratch);
      assert.equal(first.status, 0, first.stdout + first.stderr);
      const files = fs
        .readdirSync(path.join(scratch, 'drivers/vfio/pci'), { recursive: true, encoding: 'utf8' })
        .filter((f) => /\.[ch]$/.test(f))
        .map((f) => path.join(scratch, 'drivers/vfio/pci', f));
      const snapshot = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
      for (const f of files) assert.equal(kernelDocWarnings(f), '', `kernel-doc warnings in ${f}`);
      const changed = files.filter((f) => snapshot.get(f) !== fs.readFileSync(path.join(root, path.relative(scratch, f)), 'utf8'));
      assert.ok(changed.length >= 10, `--fix changed ${changed.length} files`);
      const after = checkJson(['--all', 'drivers/vfio/pci'], scratch);
      assert.equal(after.filter((f) => !f.documented && (f.kind as string) !== 'code').length, 0);
      // Driver-level findings (the DOC: overview the fix inserts) go away; calls and handlers stay.
      const items = (fs: JsonFinding[]) => fs.filter((f) => f.kind === 'parent-call' || f.kind === 'migration-handler').length;
      assert.equal(items(after), items(all), 'fixing adds documentation, not items');
      assert.ok(all.some((f) => f.rule === 'migration-overview-missing') && !after.some((f) => f.rule === 'migration-overview-missing'));
      const second = runCli(['check', '--fix', 'drivers/vfio/pci'], scratch);
      assert.equal(second.status, 0);
      for (const f of files) assert.equal(fs.readFileSync(f, 'utf8'), snapshot.get(f), `second --fix changed ${f}`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('works without a kernel tree around (headers unread): prefixes and catalog still find the parents', () => {
    const scratch = fs.mkdtempSync(path.join(REPO, '.kernel', 'notree-'));
    try {
      fs.cpSync(path.join(root, 'drivers/vfio/pci'), path.join(scratch, 'pci'), { recursive: true });
      const found = checkJson(['--all', '.'], scratch).map((f) => ({ ...f, file: `drivers/vfio/${f.file}` }));
      const calls = score(labels, found, 'parent-call');
      const handlers = score(labels, found, 'migration-handler');
      assert.ok(calls.precision >= 0.95 && calls.recall >= 0.95, JSON.stringify(calls));
      assert.equal(handlers.recall, 1);
      // Without include/, only static inlines of the parent's headers with no parent prefix are missed.
      assert.deepEqual(calls.missed.map((k) => k.split(':')[4]).sort(), ['get_cqe_opcode', 'get_cqe_opcode', 'wq_get_byte_sz']);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
