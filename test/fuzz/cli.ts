/**
 * CLI fuzzing as a process, the way CI runs it: a scratch copy of the 6.12
 * vfio-pci tree where one driver file is replaced by mutated bytes, then
 * `vfio-variant check` with a random format and mode. Every run must end with
 * exit status 0, 1 or 2, valid output, no stack trace, within a time bound;
 * `--fix` may only add comments, `--fix-dry-run` may not write.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffLines } from 'diff';
import { CLI } from '../support/cli';
import { scratchKernelCopy } from '../support/kernel';
import { runCases, type FuzzReport } from './engine';
import { caseRng, loadCorpus, mutateBytes, mutateText } from './mutate';

export const CLI_CASE_BOUND_MS = Number(process.env.FUZZ_CLI_BOUND_MS ?? 60000);

let scratch: string | undefined;
/** One scratch tree per process; each case restores the driver it mutates. */
function scratchTree(): string {
  scratch ??= scratchKernelCopy(['drivers/vfio/pci']);
  return scratch;
}

export function removeScratch(): void {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

const COMMENT_LINE = /^\s*(\/\*.*|\*.*|.*\*\/\s*)?$/;

/** The change --fix made: only comment lines added, only comment lines replaced. */
export function checkOnlyComments(before: string, after: string): void {
  for (const part of diffLines(before, after)) {
    if (!part.added && !part.removed) continue;
    for (const line of part.value.split(/\r?\n/)) {
      if (part.added && !COMMENT_LINE.test(line)) throw new Error(`--fix added a non-comment line: ${JSON.stringify(line.slice(0, 200))}`);
      if (part.removed && !COMMENT_LINE.test(line))
        throw new Error(`--fix removed a non-comment line: ${JSON.stringify(line.slice(0, 200))}`);
    }
  }
}

function snapshot(dir: string): Map<string, { bytes: Buffer; mtimeMs: number }> {
  const m = new Map<string, { bytes: Buffer; mtimeMs: number }>();
  for (const n of fs.readdirSync(dir)) {
    const p = path.join(dir, n);
    const st = fs.lstatSync(p);
    if (st.isFile()) m.set(n, { bytes: fs.readFileSync(p), mtimeMs: st.mtimeMs });
  }
  return m;
}

export function runCliCase(seed: number, index: number, opts: { heavy?: boolean } = {}): { ms: number; ops: string[]; file: string } {
  const rng = caseRng(seed, index);
  const all = loadCorpus();
  const base = rng.pick(all);
  const root = scratchTree();
  const dir = path.join(root, base.driver);
  // Restore the driver from the pristine tree.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.dirname(base.path), dir, { recursive: true });
  const file = path.join(dir, path.basename(base.path));

  const m = mutateText(base, rng, all, opts);
  const ops = [...m.ops];
  let bytes: Buffer = Buffer.from(m.text, 'utf8');
  if (!opts.heavy && rng.chance(0.4)) {
    const b = mutateBytes(m.text, rng);
    bytes = b.bytes;
    ops.push(...b.ops);
  }
  fs.writeFileSync(file, bytes);
  const format = rng.pick(['text', 'json', 'sarif', 'json']);
  const mode = rng.pick(['', '', '--all', '--fix-dry-run', '--fix']);
  const target = rng.chance(0.5) ? dir : file;
  const args = ['check', '--format', format, ...(mode ? [mode] : []), path.relative(root, target)];
  ops.push(`args: ${args.join(' ')}`);
  const before = snapshot(dir);

  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: CLI_CASE_BOUND_MS,
  });
  const ms = performance.now() - t0;
  try {
    if (r.error) throw new Error(`did not finish: ${r.error.message}`);
    if (![0, 1, 2].includes(r.status ?? -1)) throw new Error(`exit status ${r.status} signal ${r.signal}\n${r.stderr.slice(0, 2000)}`);
    if (/\n\s+at .+:\d+:\d+\)?$/m.test(r.stderr) || /internal error/.test(r.stderr))
      throw new Error(`stack trace or internal error on stderr:\n${r.stderr.slice(0, 2000)}`);
    if (r.status === 2 && !/^vfio-variant: /m.test(r.stderr)) throw new Error(`exit 2 without a message: ${r.stderr.slice(0, 500)}`);
    if (mode !== '--fix-dry-run' && r.status !== 2) {
      if (format === 'json') {
        const out = JSON.parse(r.stdout) as { findings: unknown[]; notices: unknown[] };
        if (!Array.isArray(out.findings) || !Array.isArray(out.notices)) throw new Error('json without findings/notices');
        if ((r.status === 1) !== out.findings.some((f) => (f as { severity: string }).severity !== 'none'))
          throw new Error(`exit ${r.status} disagrees with the findings`);
      } else if (format === 'sarif') {
        const log = JSON.parse(r.stdout) as { version: string; runs: unknown[] };
        if (log.version !== '2.1.0' || log.runs.length !== 1) throw new Error('not SARIF 2.1.0');
      } else {
        for (const line of r.stdout.split('\n').filter(Boolean)) {
          if (!/^[^:]+:(\d+:\d+: (error|warning|note): .+ \[[a-z-]+\]| note: .+)$/.test(line))
            throw new Error(`not gcc-style: ${line.slice(0, 300)}`);
        }
      }
    }
    const after = snapshot(dir);
    if (mode === '--fix') {
      for (const [name, b] of before) {
        const a = after.get(name);
        if (!a) throw new Error(`--fix removed ${name}`);
        if (!a.bytes.equals(b.bytes)) checkOnlyComments(b.bytes.toString('utf8'), a.bytes.toString('utf8'));
      }
      if ([...after.keys()].some((n) => !before.has(n)))
        throw new Error(`--fix left files behind: ${[...after.keys()].filter((n) => !before.has(n))}`);
    } else {
      for (const [name, b] of before) {
        const a = after.get(name);
        if (!a || !a.bytes.equals(b.bytes) || a.mtimeMs !== b.mtimeMs) throw new Error(`${mode || 'check'} modified ${name}`);
      }
    }
    if (mode === '--fix-dry-run' && r.status === 0 && r.stdout && !/^--- a\//m.test(r.stdout))
      throw new Error('dry run printed something that is not a diff');
  } catch (e) {
    Object.assign(e as object, { ops, file });
    throw e;
  }
  return { ms, ops, file };
}

export function fuzzCli(seed: number, count: number, opts: { heavyEvery?: number; log?: (s: string) => void } = {}): FuzzReport {
  return runCases('cli', seed, count, opts, (i, heavy) => runCliCase(seed, i, { heavy }));
}
