/**
 * `vfio-variant cc` on Linux 6.12's variant drivers against the real
 * scripts/get_maintainer.pl: every line it prints for the driver's files is
 * there, under several Perl hash seeds (get_maintainer.pl orders entries of
 * equal depth by Perl's randomized hash order, so the role it gives Yishai Hadas
 * or kvm@ differs between runs); then the parent driver's owners, marked.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { ensureKernel } from '../support/kernel';

/** The parent's entry the acceptance document wants an ack from; qat's header is covered by THE REST only. */
const PARENTS: Record<string, { parent: string; entry: string; probable?: boolean }> = {
  mlx5: { parent: 'mlx5_core', entry: 'MELLANOX MLX5 core VPI driver' },
  hisilicon: { parent: 'hisi_qm', entry: 'HISILICON QM DRIVER' },
  pds: { parent: 'pds_core', entry: 'AMD PDS CORE DRIVER' },
  virtio: { parent: 'virtio_pci', entry: 'VIRTIO CORE AND NET DRIVERS' },
  qat: { parent: 'qat', entry: 'QAT DRIVER', probable: true },
};
/** Perl hash seeds (hex) under which get_maintainer.pl orders mlx5's two depth-4 entries both ways. */
const SEEDS = ['0x1', '0x12345', '99', '7'];

function getMaintainer(root: string, files: string[], extra: string[] = [], seed?: string): string[] {
  const env = seed === undefined ? process.env : { ...process.env, PERL_HASH_SEED: seed };
  return execFileSync('perl', ['scripts/get_maintainer.pl', '--nogit', '--nogit-fallback', ...extra, '-f', ...files], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\n')
    .filter(Boolean);
}

/** M: lines of an entry, read straight from the MAINTAINERS text. */
function entryMaintainers(text: string, title: string): string[] {
  const block = text.split(/\n\n/).find((b) => b.startsWith(`${title}\n`));
  assert.ok(block, title);
  return block
    .split('\n')
    .filter((l) => l.startsWith('M:'))
    .map((l) => l.slice(2).trim());
}

describe('vfio-variant cc on Linux 6.12', () => {
  let root: string;
  let maintainers: string;
  before(() => {
    root = ensureKernel();
    maintainers = fs.readFileSync(path.join(root, 'MAINTAINERS'), 'utf8');
  });

  for (const driver of Object.keys(PARENTS)) {
    it(`${driver}: every line get_maintainer.pl prints, then the ${PARENTS[driver].parent} owners`, () => {
      const dir = `drivers/vfio/pci/${driver}`;
      const files = fs
        .readdirSync(path.join(root, dir))
        .sort()
        .map((f) => `${dir}/${f}`);
      const r = runCli(['cc', dir], root);
      assert.equal(r.status, 0, r.stderr);
      const ours = r.stdout.split('\n').filter(Boolean);
      const seen = new Set<string>();
      for (const seed of SEEDS) {
        const theirs = getMaintainer(root, files, [], seed);
        assert.ok(theirs.length >= 5);
        for (const l of theirs) assert.ok(ours.includes(l), `${driver} (PERL_HASH_SEED=${seed}): missing ${l}\n${r.stdout}`);
        seen.add(theirs.join('\n'));
      }
      if (driver === 'mlx5') assert.ok(seen.size > 1, "the seeds give both of get_maintainer.pl's orders");
      // The parent's maintainers, marked as the owners whose ack the acceptance document asks for.
      const { parent, entry, probable } = PARENTS[driver];
      for (const m of entryMaintainers(maintainers, entry)) {
        const mark = `${probable ? 'probable ' : ''}parent owner:${parent})`;
        assert.ok(
          ours.some(
            (l) =>
              l.startsWith(m.replace(/^"?([^"<]*?)"?\s*</, (_, n: string) => (/[^\w -]/.test(n) ? `"${n}" <` : `${n} <`))) &&
              l.includes(`:${entry},${mark}`),
          ),
          `${driver}: no "${m} (...:${entry},${mark}" line\n${r.stdout}`,
        );
      }
      // Without role stats: get_maintainer.pl's addresses, each once, then the parent's.
      const plain = runCli(['cc', '--no-rolestats', dir], root).stdout.split('\n').filter(Boolean);
      assert.equal(new Set(plain).size, plain.length, 'each address once');
      const theirsPlain = getMaintainer(root, files, ['--norolestats']);
      assert.deepEqual(
        plain.slice(0, theirsPlain.filter((l) => l.includes('<')).length).sort(),
        theirsPlain.filter((l) => l.includes('<')).sort(),
      );
      for (const l of theirsPlain) assert.ok(plain.includes(l), l);
    });
  }

  it("every other variant driver of 6.12 (nvgrace-gpu: no parent driver): get_maintainer.pl's lines and nothing marked", () => {
    const others = fs
      .readdirSync(path.join(root, 'drivers/vfio/pci'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !(d.name in PARENTS))
      .map((d) => d.name);
    assert.ok(others.includes('nvgrace-gpu'));
    for (const driver of others) {
      const dir = `drivers/vfio/pci/${driver}`;
      const files = fs
        .readdirSync(path.join(root, dir))
        .sort()
        .map((f) => `${dir}/${f}`);
      const ours = runCli(['cc', dir], root).stdout.split('\n').filter(Boolean);
      for (const seed of SEEDS.slice(0, 2))
        for (const l of getMaintainer(root, files, [], seed)) assert.ok(ours.includes(l), `${driver}: missing ${l}`);
      assert.ok(!ours.some((l) => l.includes('parent')), ours.join('\n'));
    }
  });

  it('--separator and --no-parents behave like get_maintainer.pl; the report shows the same list', () => {
    const dir = 'drivers/vfio/pci/mlx5';
    const one = runCli(['cc', '--no-rolestats', '--no-parents', '--separator', ', ', dir], root);
    assert.equal(one.stdout.split('\n').filter(Boolean).length, 1);
    const files = fs
      .readdirSync(path.join(root, dir))
      .sort()
      .map((f) => `${dir}/${f}`);
    assert.deepEqual(one.stdout.trim().split(', ').sort(), getMaintainer(root, files, ['--norolestats']).sort());
    const report = JSON.parse(runCli(['report', '--format', 'json', dir], root).stdout);
    assert.deepEqual(report.maintainers.toCc, runCli(['cc', dir], root).stdout.trim().split('\n'));
    const markdown = runCli(['report', dir], root).stdout;
    assert.match(markdown, /### To\/Cc \(`vfio-variant cc`, get_maintainer\.pl format\)/);
    assert.match(markdown, /^Saeed Mahameed <saeedm@nvidia\.com> \(supporter:MELLANOX MLX5 core VPI driver,parent owner:mlx5_core\)$/m);
  });

  it('a file of the driver stands for the driver; a missing path is an error', () => {
    const byFile = runCli(['cc', 'drivers/vfio/pci/pds/pci_drv.c'], root);
    assert.equal(byFile.stdout, runCli(['cc', 'drivers/vfio/pci/pds'], root).stdout);
    const missing = runCli(['cc', 'drivers/vfio/pci/nope'], root);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no such file or directory/);
  });
});
