/**
 * The acceptance report on Linux 6.12: names what the tree's own MAINTAINERS
 * says (checked against scripts/get_maintainer.pl), lists every labelled
 * handler, and says so when there is no MAINTAINERS at all.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { normalizeSettings, Workspace } from '../../server/src/engine';
import { parseMaintainers, recipientsFor } from '../../server/src/engine/maintainers/maintainers';
import { buildReport } from '../../server/src/engine/report/report';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { runCli, type JsonFinding } from '../support/cli';
import { ensureKernel, REPO } from '../support/kernel';

const labels: JsonFinding[] = JSON.parse(fs.readFileSync(path.join(REPO, 'test', 'labels', 'linux-6.12.json'), 'utf8')).findings;

interface Json {
  driver: { displayDir: string; files: { path: string }[] };
  parents: {
    name: string;
    headers: string[];
    ackFrom: { address: string }[];
    entries: { title: string }[];
    callees: { name: string; calls: unknown[] }[];
  }[];
  migration: { handlers: { name: string; roles: string[]; documented: boolean }[] };
  questions: { id: string; state: string }[];
  maintainers: {
    found: boolean;
    inTree: boolean;
    notes: string[];
    cc: string[];
    ownEntry?: { title: string; maintainers: { address: string }[] };
    acceptance?: { title: string; reviewers: { address: string }[] };
    vfio?: { maintainers: { address: string }[] };
    driverEntries: { title: string }[];
  };
}

/** An entry's title and its lines of one type, read straight from the text (independent of the engine's parser). */
function entryLines(text: string, where: (block: string[]) => boolean, type: string): { title: string; values: string[] } | undefined {
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l && !l.startsWith('#'));
    if (lines.length > 1 && /^[A-Z]:/.test(lines[1]) && where(lines)) {
      return { title: lines[0], values: lines.filter((l) => l.startsWith(`${type}:`)).map((l) => l.slice(2).trim()) };
    }
  }
  return undefined;
}
const address = (v: string) => (/<([^>]+)>/.exec(v)?.[1] ?? v).toLowerCase();

/** `get_maintainer.pl --nogit --nogit-fallback --norolestats -f FILES`, addresses lower-cased. */
function getMaintainer(root: string, files: string[]): string[] {
  const out = execFileSync(
    'perl',
    [path.join(root, 'scripts', 'get_maintainer.pl'), '--no-tree', '--nogit', '--nogit-fallback', '--norolestats', '-f', ...files],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out.split('\n').filter(Boolean).map(address);
}

const DRIVERS = fs
  .readdirSync(path.join(ensureKernel(), 'drivers/vfio/pci'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('acceptance report on Linux 6.12', () => {
  let root: string;
  let maintainersText: string;
  const reports = new Map<string, Json>();
  before(() => {
    root = ensureKernel();
    maintainersText = fs.readFileSync(path.join(root, 'MAINTAINERS'), 'utf8');
    for (const d of DRIVERS) {
      const r = runCli(['report', '--format', 'json', `drivers/vfio/pci/${d}`], root);
      assert.equal(r.status, 0, r.stderr);
      reports.set(d, JSON.parse(r.stdout));
    }
  });

  it('finds the variant drivers of the tree', () => assert.ok(DRIVERS.length >= 6 && DRIVERS.includes('mlx5'), DRIVERS.join()));

  for (const d of ['mlx5', 'qat', 'pds', 'hisilicon']) {
    it(`${d}: own entry, acceptance reviewers, vfio maintainer and every labelled handler`, () => {
      const r = reports.get(d)!;
      const own = entryLines(maintainersText, (b) => b.some((l) => /^F:\s*drivers\/vfio\/pci\/(\S+?)\/?$/.exec(l)?.[1] === d), 'M')!;
      assert.ok(own, `MAINTAINERS has an entry for ${d}`);
      assert.equal(r.maintainers.ownEntry?.title, own.title);
      assert.deepEqual(
        r.maintainers.ownEntry!.maintainers.map((p) => p.address.toLowerCase()),
        own.values.map(address),
      );
      const acc = entryLines(
        maintainersText,
        (b) => b.some((l) => l.startsWith('P:') && l.includes('vfio-pci-device-specific-driver-acceptance.rst')),
        'R',
      )!;
      assert.equal(r.maintainers.acceptance?.title, acc.title);
      assert.deepEqual(
        r.maintainers.acceptance!.reviewers.map((p) => p.address.toLowerCase()),
        acc.values.map(address),
      );
      const vfio = entryLines(maintainersText, (b) => b[0] === 'VFIO DRIVER', 'M')!;
      assert.deepEqual(
        r.maintainers.vfio!.maintainers.map((p) => p.address.toLowerCase()),
        vfio.values.map(address),
      );
      const expected = labels
        .filter((l) => l.kind === 'migration-handler' && l.file.startsWith(`drivers/vfio/pci/${d}/`))
        .map((l) => l.name)
        .sort();
      assert.ok(expected.length > 0);
      assert.deepEqual(r.migration.handlers.map((h) => h.name).sort(), [...new Set(expected)].sort());
      const calls = labels.filter((l) => l.kind === 'parent-call' && l.file.startsWith(`drivers/vfio/pci/${d}/`)).length;
      assert.equal(
        r.parents.reduce((n, p) => n + p.callees.reduce((m, c) => m + c.calls.length, 0), 0),
        calls,
      );
      // No 6.12 driver has a DOC: overview yet: nothing may claim a question is answered by a template prompt.
      assert.ok(r.questions.every((q) => q.state !== 'prompt-only'));
    });
  }

  it('mlx5 names mlx5_core and the maintainers of the headers that declare its API', () => {
    const p = reports.get('mlx5')!.parents.find((x) => x.name === 'mlx5_core')!;
    assert.ok(p && p.headers.includes('include/linux/mlx5/driver.h'), JSON.stringify(p?.headers));
    const core = entryLines(maintainersText, (b) => b.some((l) => l === 'F:\tinclude/linux/mlx5/') && b[0].includes('core'), 'M')!;
    assert.ok(
      p.entries.some((e) => e.title === core.title),
      `${core.title} in ${p.entries.map((e) => e.title)}`,
    );
    for (const m of core.values)
      assert.ok(
        p.ackFrom.some((a) => a.address.toLowerCase() === address(m)),
        m,
      );
  });

  it('markdown: every handler and the Cc lines; tables and fences well formed', () => {
    const r = runCli(['report', 'drivers/vfio/pci/mlx5'], root);
    assert.equal(r.status, 0, r.stderr);
    const md = r.stdout;
    for (const h of reports.get('mlx5')!.migration.handlers)
      assert.ok(md.includes(`[${h.name.replace(/_/g, '\\_')}()](drivers/vfio/pci/mlx5/`), h.name);
    assert.match(md, /^Cc: Yishai Hadas <yishaih@nvidia\.com>$/m);
    assert.equal((md.match(/^```/gm) ?? []).length % 2, 0);
    const lines = md.split('\n');
    let inFence = false;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].startsWith('```')) inFence = !inFence;
      if (inFence) continue;
      // Outside code, `<` only appears escaped (no accidental HTML).
      assert.doesNotMatch(lines[i].replace(/`[^`]*`/g, ''), /(^|[^\\])</, `line ${i + 1}: ${lines[i]}`);
      if (lines[i].startsWith('| ---')) {
        const cols = (lines[i - 1].match(/(?<!\\)\|/g) ?? []).length;
        for (let j = i + 1; lines[j]?.startsWith('|'); j++) assert.equal((lines[j].match(/(?<!\\)\|/g) ?? []).length, cols, `row ${j + 1}`);
      }
    }
  });

  it('html: self-contained, escaped, links to source lines', () => {
    const r = runCli(['report', '--format', 'html', 'drivers/vfio/pci/virtio'], root);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^<!DOCTYPE html>/);
    assert.doesNotMatch(r.stdout, /<script|<link|src=|href="https?:/);
    assert.match(r.stdout, /<a href="drivers\/vfio\/pci\/virtio\/main\.c#L\d+">/);
    assert.match(r.stdout, /Yishai Hadas &lt;yishaih@nvidia\.com&gt;/);
  });

  it('who must look agrees with get_maintainer.pl for every variant driver and parent header', () => {
    const mf = parseMaintainers(maintainersText, path.join(root, 'MAINTAINERS'), root);
    const ours = (files: string[]) => {
      const r = recipientsFor(mf, files, nodeFileSystem);
      return [...r.people.map((p) => p.person.address.toLowerCase()), ...r.lists.map((l) => l.list.address.toLowerCase())];
    };
    let compared = 0;
    for (const d of DRIVERS) {
      const r = reports.get(d)!;
      const files = r.driver.files.map((f) => f.path);
      assert.ok(files.length > 0, d);
      const perl = getMaintainer(root, files);
      assert.deepEqual(new Set(ours(files)), new Set(perl), `driver ${d}`);
      // The report's Cc lines carry everyone get_maintainer.pl names for the driver.
      const cc = new Set(r.maintainers.cc.map((l) => address(l.replace(/^Cc:\s*/, ''))));
      for (const a of perl) assert.ok(cc.has(a), `${d}: ${a} missing from Cc`);
      for (const p of r.parents) {
        if (!p.headers.length) continue;
        const perlParent = getMaintainer(root, p.headers);
        assert.deepEqual(new Set(ours(p.headers)), new Set(perlParent), `${d} parent ${p.name}: ${p.headers}`);
        for (const a of p.ackFrom) assert.ok(perlParent.includes(a.address.toLowerCase()), `${d} ${p.name}: ${a.address}`);
        for (const a of perlParent) assert.ok(cc.has(a), `${d} ${p.name}: ${a} missing from Cc`);
        compared++;
      }
    }
    assert.ok(compared >= 5, `parents compared: ${compared}`);
  });

  it('a driver copied outside any tree: MAINTAINERS was not found', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-report-'));
    try {
      fs.cpSync(path.join(root, 'drivers/vfio/pci/mlx5'), path.join(dir, 'mlx5'), { recursive: true });
      const json = runCli(['report', '--format', 'json', 'mlx5'], dir);
      assert.equal(json.status, 0, json.stderr);
      const r: Json = JSON.parse(json.stdout);
      assert.equal(r.maintainers.found, false);
      assert.deepEqual(r.maintainers.cc, []);
      assert.ok(r.migration.handlers.length > 0);
      const md = runCli(['report', 'mlx5'], dir).stdout;
      assert.match(md, /MAINTAINERS was not found/);
      // With --kernel-tree, reviewers and parent owners come from that tree, the driver itself is uncovered.
      const withTree: Json = JSON.parse(runCli(['report', '--format', 'json', '--kernel-tree', root, 'mlx5'], dir).stdout);
      assert.equal(withTree.maintainers.found, true);
      assert.equal(withTree.maintainers.inTree, false);
      assert.ok(withTree.maintainers.acceptance!.reviewers.length > 0);
      assert.deepEqual(withTree.maintainers.driverEntries, []);
      assert.ok(withTree.parents.find((p) => p.name === 'mlx5_core')!.ackFrom.length > 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the engine builds the same report from a Workspace (as the language server does)', () => {
    const ws = new Workspace(nodeFileSystem, normalizeSettings(undefined));
    const model = buildReport(ws, path.join(root, 'drivers/vfio/pci/qat'));
    assert.equal(model.maintainers.ownEntry?.title, reports.get('qat')!.maintainers.ownEntry?.title);
    assert.deepEqual(
      model.migration.handlers.map((h) => h.name),
      reports.get('qat')!.migration.handlers.map((h) => h.name),
    );
  });
});
