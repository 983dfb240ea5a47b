/**
 * `npm run bench:startup`: what each start-up mechanism of the CLI saves, as paired,
 * alternating whole-process runs (21 pairs by default, BENCH_PAIRS to change), on 6.12
 * drivers/vfio/pci and on the whole tree (drivers/ + include/):
 *  - the launcher (server/bin/vfio-variant.js: the bundle's stamps checked, then the
 *    bundle required) against the bundle run by node directly: what the check costs;
 *  - the bundle (and the stamps that let the launcher trust it): the bundle run directly
 *    against the modules tsc compiles to out/;
 *  - the worker pool: the launcher's default (one thread per core) against `--jobs 1`.
 * A mechanism stays only where it saves at least 5% of its run (issue 12).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ensureKernel, REPO } from '../test/support/kernel';
import { ensureFullKernel } from './kernelFull';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 21);
const LAUNCHER = path.join(REPO, 'server', 'bin', 'vfio-variant.js');
const BUNDLE = path.join(REPO, 'out', 'cli', 'vfio-variant.js');
const MODULES = path.join(REPO, 'out', 'server', 'src', 'cli', 'main.js');

function wallMs(args: string[], cwd: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-400)}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface Paired {
  label: string;
  withMs: number;
  withoutMs: number;
  /** Share of the run without the mechanism that the mechanism saves (negative: it costs). */
  saving: number;
  /** Pairs in which the mechanism was faster. */
  wins: number;
}

/** `withIt` and `without` alternately, PAIRS times after one warm-up each; medians and the per-pair win count. */
export function paired(label: string, withIt: string[], without: string[], cwd: string): Paired {
  wallMs(withIt, cwd);
  wallMs(without, cwd);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which goes first, so drift and cache effects hit both alike.
    if (i % 2 === 0) {
      a.push(wallMs(withIt, cwd));
      b.push(wallMs(without, cwd));
    } else {
      b.push(wallMs(without, cwd));
      a.push(wallMs(withIt, cwd));
    }
  }
  const withMs = median(a);
  const withoutMs = median(b);
  return { label, withMs, withoutMs, saving: 1 - withMs / withoutMs, wins: a.filter((x, i) => x < b[i]).length };
}

export function startupMechanisms(): Paired[] {
  const small = ensureKernel();
  const full = ensureFullKernel();
  const targets: [string, string, string][] = [
    ['drivers/vfio/pci', small, 'drivers/vfio/pci'],
    ['whole tree', full, '.'],
  ];
  const out: Paired[] = [];
  for (const [name, cwd, target] of targets) {
    out.push(
      paired(`${name}: launcher's stamp check (launcher vs bundle alone)`, [LAUNCHER, 'check', target], [BUNDLE, 'check', target], cwd),
    );
    out.push(paired(`${name}: bundle (bundle vs tsc's modules)`, [BUNDLE, 'check', target], [MODULES, 'check', target], cwd));
    out.push(
      paired(`${name}: worker pool (default vs --jobs 1)`, [LAUNCHER, 'check', target], [LAUNCHER, 'check', '--jobs', '1', target], cwd),
    );
  }
  return out;
}

export function startupRows(results: Paired[]): string[] {
  return results.map(
    (r) =>
      `| ${r.label} | ${r.withMs.toFixed(0)} ms | ${r.withoutMs.toFixed(0)} ms | ${(100 * r.saving).toFixed(1)}% | ${r.wins} of ${PAIRS} |`,
  );
}

if (require.main === module) {
  const results = startupMechanisms();
  console.log(`| mechanism (median of ${PAIRS} alternating pairs) | with | without | saving | pairs won |`);
  console.log('|---|---|---|---|---|');
  for (const row of startupRows(results)) console.log(row);
}
