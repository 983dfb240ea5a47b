/**
 * Engine fuzzing in-process: a mutated driver file is opened as an editor buffer
 * at its real place in the 6.12 tree (its siblings and the kernel headers come
 * from disk), analysed, fixed, and edited incrementally. Used by the fixed-seed
 * test and by `npm run fuzz`.
 */
import { applyEdits, normalizeSettings, ruleById, Workspace, type Finding } from '../../server/src/engine';

const insertsCommentsOnly = (rule: string) => ruleById(rule)?.meta.type === 'documentation' && rule !== 'kernel-doc-invalid';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { checkFixAllEdits, checkFixEdits, checkPositions, findingKey, InvariantError } from './invariants';
import { caseRng, loadCorpus, mutateText, type Rng } from './mutate';

export interface CaseFailure {
  seed: number;
  index: number;
  target: string;
  file: string;
  ops: string[];
  error: string;
}

export interface FuzzReport {
  cases: number;
  failures: CaseFailure[];
  slowestMs: number;
}

/**
 * Every analysis step (open or edit, then findings) must finish within this. Generous:
 * two shared cores; a 2 MB line holding 120,000 parent calls takes about 5 s here.
 */
export const ENGINE_STEP_BOUND_MS = Number(process.env.FUZZ_STEP_BOUND_MS ?? 20000);

const SETTINGS = normalizeSettings({ maxFileSize: 8 * 1024 * 1024 });

function ours(findings: Finding[], file: string): Finding[] {
  return findings.filter((f) => f.path === file);
}

/** A random edit of `text` the way a user types: insert, delete or replace a short range. */
function typingEdit(text: string, rng: Rng): string {
  const i = rng.int(text.length + 1);
  const del = rng.chance(0.5) ? rng.int(Math.min(40, text.length - i) + 1) : 0;
  const ins = rng.pick(['', 'x', '}', '{', '(', ');', '\n', '/*', '*/', ' mlx5_cmd_exec(m);', '\r\n', '😀', 'é']);
  return text.slice(0, i) + ins + text.slice(i + del);
}

export function runEngineCase(
  seed: number,
  index: number,
  opts: { heavy?: boolean; force?: string; light?: boolean } = {},
): { ms: number; ops: string[]; file: string } {
  const rng = caseRng(seed, index);
  const all = loadCorpus();
  const base = rng.pick(all);
  const { text, ops } = mutateText(base, rng, all, opts);
  const file = base.path;
  let slowest = 0;
  /** One analysis step, timed. */
  const step = <T>(f: () => T): T => {
    const t0 = performance.now();
    const r = f();
    slowest = Math.max(slowest, performance.now() - t0);
    return r;
  };
  try {
    // 1. The mutated text as an editor buffer, fresh.
    const ws = new Workspace(nodeFileSystem, SETTINGS);
    const first = step(() => {
      ws.openDocument(file, text, 1);
      return ws.findings(file).findings;
    });
    checkPositions(text, ours(first, file), file);
    step(() => ws.findings(file, { standalone: true }));
    for (const f of ours(first, file).slice(0, 5)) {
      for (const fix of ws.fixes(file, f)) {
        // Documentation fixes only add comments at line starts; a problem rule's fix
        // (IS_ERR(x), the matching unlock) and kernel-doc repairs edit inside a line.
        if (insertsCommentsOnly(f.rule)) checkFixEdits(text, fix.edits, file);
        else
          applyEdits(
            text,
            fix.edits.filter((e) => e.path === file),
          );
      }
    }

    // 2. Fix-all: only comments are added, and what it fixed is gone.
    const all1 = step(() => ws.fixAll(file));
    let fixed = text;
    if (all1) {
      fixed = checkFixAllEdits(text, all1.edits, file);
      if (fixed !== applyEdits(text, all1.edits)) throw new InvariantError('applyEdits disagrees with the edits');
      const after = step(() => {
        ws.updateDocument(file, fixed, 2);
        return ours(ws.findings(file).findings, file);
      });
      checkPositions(fixed, after, file);
      // What fix-all answers: the presence rules. Prompts it inserts and code problems are not its business.
      const documentation = (fs: Finding[]) =>
        fs.filter((f) => f.rule !== 'migration-handler-not-kernel-doc' && f.rule !== 'doc-template-unfilled' && f.kind !== 'code');
      const open = documentation(after);
      if (open.length >= documentation(ours(first, file)).length && open.length) {
        throw new InvariantError(`fix-all resolved nothing: ${open.slice(0, 3).map(findingKey).join(', ')}`);
      }
    }

    // 3. Typing on top, incrementally; then the same text fresh must give the same findings.
    if (opts.light) return { ms: slowest, ops, file };
    let cur = fixed;
    for (let v = 3; v < 3 + 4 + rng.int(6); v++) {
      cur = typingEdit(cur, rng);
      const found = step(() => {
        ws.updateDocument(file, cur, v);
        return ws.findings(file).findings;
      });
      checkPositions(cur, ours(found, file), file);
    }
    const incremental = ours(ws.findings(file).findings, file).map(findingKey);
    const fresh = new Workspace(nodeFileSystem, SETTINGS);
    const again = step(() => {
      fresh.openDocument(file, cur, 1);
      return ours(fresh.findings(file).findings, file).map(findingKey);
    });
    if (incremental.join('\n') !== again.join('\n')) {
      throw new InvariantError(
        `incremental and fresh analysis differ:\n  incremental: ${incremental.slice(0, 5).join(' ')}\n  fresh:       ${again.slice(0, 5).join(' ')}`,
      );
    }
  } catch (e) {
    Object.assign(e as object, { ops, file });
    throw e;
  }
  return { ms: slowest, ops, file };
}

export function fuzzEngine(seed: number, count: number, opts: { heavyEvery?: number; log?: (s: string) => void } = {}): FuzzReport {
  return runCases('engine', seed, count, { heavyEvery: 10, ...opts }, (i, heavy) => {
    const r = runEngineCase(seed, i, { heavy });
    if (r.ms > ENGINE_STEP_BOUND_MS) return { ...r, error: `an analysis step took ${Math.round(r.ms)} ms (bound ${ENGINE_STEP_BOUND_MS})` };
    return r;
  });
}

/**
 * Runs cases 0..count-1 of one target, every `heavyEvery`-th heavy, and collects
 * failures: a thrown error (carrying its ops and file) or an `error` the case returns.
 */
export function runCases(
  target: CaseFailure['target'],
  seed: number,
  count: number,
  opts: { heavyEvery?: number; log?: (s: string) => void },
  runCase: (index: number, heavy: boolean) => { ms: number; ops: string[]; file: string; error?: string },
): FuzzReport {
  const failures: CaseFailure[] = [];
  let slowestMs = 0;
  const heavyEvery = opts.heavyEvery ?? 0;
  for (let i = 0; i < count; i++) {
    const heavy = heavyEvery > 0 && i % heavyEvery === heavyEvery - 1;
    try {
      const r = runCase(i, heavy);
      slowestMs = Math.max(slowestMs, r.ms);
      if (r.error) failures.push({ seed, index: i, target, file: r.file, ops: r.ops, error: r.error });
    } catch (e) {
      const err = e as Error & { ops?: string[]; file?: string };
      failures.push({ seed, index: i, target, file: err.file ?? '', ops: err.ops ?? [], error: err.stack ?? String(e) });
      opts.log?.(`${target} case ${i} (seed ${seed}) failed: ${err.message.split('\n')[0]}`);
    }
  }
  return { cases: count, failures, slowestMs };
}
