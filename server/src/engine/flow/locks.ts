/**
 * Locks per function: the lock and unlock calls of each CFG node (normalized lock
 * expression, API variant from tables/locks.ts), and the locks held before each
 * node from the forward solver. `guard()`/`scoped_guard()` hold until their scope
 * ends; `*_trylock`/`*_interruptible` acquire only on the branch where they
 * succeeded. The driver's own helpers that take or drop a lock for their caller
 * (`foo_state_mutex_unlock(mvdev)`) are summarized and applied at their call sites,
 * with the caller's argument in place of the helper's parameter.
 */
import type { DriverModel } from '../model/driver';
import type { FunctionFact } from '../model/facts';
import type { SourceFile } from '../model/sourceFile';
import type { SyntaxNode } from '../syntax/cParser';
import { LOCK_APIS, LOCK_TEXT } from '../tables/locks';
import { normalizeExpr, TreeCall, type FlowCall } from './calls';
import type { FlowNode } from './cfg';
import { solveForward, type ForwardAnalysis } from './dataflow';
import type { FlowQueries } from './index';
import {
  apiOp,
  applySummary,
  condTest,
  guardOp,
  holdId,
  isScopedGuard,
  isTested,
  negate,
  releasedBy,
  scopedGuardOps,
  type CondTest,
  type FunctionLocks,
  type HeldLock,
  type HelperSummary,
  type LockOp,
  type LockSet,
} from './lockOps';
import { heldOnEveryReturn } from './lockQueries';

/** A function's lock flow kept with its file version, and the helper effects it was computed with. */
interface KeptLocks {
  fn: FunctionFact;
  result: FunctionLocks | null;
  helpers: Map<string, string>;
}

const EMPTY: LockSet = new Map();
const CALL_NAME = /\b([A-Za-z_]\w*)\s*\(/g;

/** The lock analyses of one driver model, shared by every rule of a run. */
export class LockIndex {
  private readonly perFn = new Map<FunctionFact, FunctionLocks | null>();
  private readonly summaries = new Map<string, HelperSummary | null>();
  private readonly defs = new Map<string, { file: SourceFile; fn: FunctionFact }>();

  constructor(
    readonly model: DriverModel,
    private readonly flow: FlowQueries,
  ) {
    for (const file of model.files)
      for (const fn of file.facts.functions) if (!this.defs.has(fn.name)) this.defs.set(fn.name, { file, fn });
  }

  /** The driver's own definition of `name`, if any. */
  definition(name: string): { file: SourceFile; fn: FunctionFact } | undefined {
    return this.defs.get(name);
  }

  /** Whether the function's text could take or drop a lock (cheap: no tree walk). */
  mentionsLocks(_file: SourceFile, fn: FunctionFact): boolean {
    return this.lockyFunctions().has(fn.name);
  }

  private locky?: Set<string>;

  /**
   * Driver functions that may take or drop a lock: their text calls a lock API, or
   * they call (to any depth) a driver function that does. One pass over the facts.
   */
  private lockyFunctions(): Set<string> {
    if (this.locky) return this.locky;
    const locky = new Set<string>();
    const callers = new Map<string, Set<string>>();
    for (const file of this.model.files) {
      for (const fn of file.facts.functions) if (LOCK_TEXT.test(file.text.slice(fn.start, fn.end))) locky.add(fn.name);
      for (const c of file.facts.calls) {
        if (!c.fn || !this.defs.has(c.callee)) continue;
        let set = callers.get(c.callee);
        if (!set) callers.set(c.callee, (set = new Set()));
        set.add(c.fn);
      }
    }
    const work = [...locky];
    while (work.length) {
      for (const caller of callers.get(work.pop()!) ?? []) {
        if (!locky.has(caller)) {
          locky.add(caller);
          work.push(caller);
        }
      }
    }
    return (this.locky = locky);
  }

  /**
   * The calls of a statement that can change the held locks: found in its text
   * first, then looked up in the tree one by one (walking every call of the
   * statement through the native binding cost more than the whole lock analysis).
   */
  private lockCalls(file: SourceFile, syntax: SyntaxNode): FlowCall[] {
    const start = syntax.startIndex;
    const text = file.parsed.masked.slice(start, syntax.endIndex);
    const locky = this.lockyFunctions();
    const out: FlowCall[] = [];
    CALL_NAME.lastIndex = 0;
    for (let m = CALL_NAME.exec(text); m; m = CALL_NAME.exec(text)) {
      const name = m[1];
      if (!LOCK_APIS.has(name) && name !== 'guard' && !locky.has(name)) continue;
      const at = start + m.index;
      const id = file.parsed.tree.rootNode.descendantForIndex(at, at + name.length);
      const call = id.parent;
      // The name is the call's function when it starts the call (start offsets are read without the binding).
      if (id.type !== 'identifier' || call?.type !== 'call_expression' || call.startIndex !== at) continue;
      out.push(new TreeCall(name, call));
    }
    return out;
  }

  private readonly apisByFn = new Map<FunctionFact, Set<string>>();

  /** Lock API names `fn` calls directly (`guard` included), read from its text without the tree. */
  directLockApis(file: SourceFile, fn: FunctionFact): Set<string> {
    let out = this.apisByFn.get(fn);
    if (out) return out;
    out = new Set();
    const text = file.text.slice(fn.start, fn.end);
    CALL_NAME.lastIndex = 0;
    for (let m = CALL_NAME.exec(text); m; m = CALL_NAME.exec(text)) if (LOCK_APIS.has(m[1]) || m[1] === 'guard') out.add(m[1]);
    if (/\bscoped_(?:cond_)?guard\s*\(/.test(text)) out.add('guard');
    this.apisByFn.set(fn, out);
    return out;
  }

  /**
   * Lock flow of `fn`; undefined when it takes no lock (prefilter) or has no body.
   * Kept with the file version: while an edit elsewhere leaves the driver helpers it
   * calls as they were (lock effects and parameters), a new driver model reuses it.
   */
  of(file: SourceFile, fn: FunctionFact): FunctionLocks | undefined {
    const hit = this.perFn.get(fn);
    if (hit !== undefined) return hit ?? undefined;
    this.perFn.set(fn, null); // recursion guard
    const kept = this.flow.perFile<KeptLocks>(file, 'locks');
    const old = kept.get(fn.start);
    let result: FunctionLocks | undefined;
    if (old && old.fn === fn && this.helpersAsSeen(old.helpers)) result = old.result ?? undefined;
    else {
      const helpers = this.helpersOf(file, fn);
      result = this.mentionsLocks(file, fn) ? this.analyse(file, fn) : undefined;
      kept.set(fn.start, { fn, result: result ?? null, helpers });
    }
    this.perFn.set(fn, result ?? null);
    return result;
  }

  /** The driver functions `fn` calls, each with what its lock flow depends on. */
  private helpersOf(file: SourceFile, fn: FunctionFact): Map<string, string> {
    const out = new Map<string, string>();
    const text = file.parsed.masked.slice(fn.start, fn.end);
    CALL_NAME.lastIndex = 0;
    for (let m = CALL_NAME.exec(text); m; m = CALL_NAME.exec(text)) {
      const name = m[1];
      if (name !== fn.name && !out.has(name) && this.defs.has(name)) out.set(name, this.helperEffect(name));
    }
    return out;
  }

  /** Whether every helper still has the effect it had when a kept result was computed. */
  private helpersAsSeen(helpers: ReadonlyMap<string, string>): boolean {
    for (const [name, effect] of helpers) if (this.helperEffect(name) !== effect) return false;
    return true;
  }

  /** What a call to a driver helper contributes to its caller's lock flow, as a comparable string. */
  private helperEffect(name: string): string {
    const def = this.defs.get(name);
    if (!def) return '';
    const locky = this.lockyFunctions().has(name);
    const sum = locky ? this.summary(name) : undefined;
    return `${locky}|${def.fn.params.map((p) => p.name).join(',')}|${sum ? JSON.stringify(sum) : ''}`;
  }

  private analyse(file: SourceFile, fn: FunctionFact): FunctionLocks | undefined {
    const cfg = this.flow.cfg(file, fn);
    if (!cfg) return undefined;
    const ops = cfg.nodes.map((n) => this.opsOf(file, n));
    // Read from the tree only for the branches that matter (each query crosses into native code).
    const conds = new Map<number, CondTest | null>();
    const condOf = (n: FlowNode): CondTest | undefined => {
      let c = conds.get(n.id);
      if (c === undefined) conds.set(n.id, (c = n.owner && n.owner.type !== 'switch_statement' ? condTest(n.syntax) : null));
      return c ?? undefined;
    };
    const ifTexts = new Map<number, [string, string] | null>();
    const ifTextOf = (n: FlowNode): [string, string] | undefined => {
      let t = ifTexts.get(n.id);
      if (t === undefined) {
        const text = n.owner?.type === 'if_statement' && n.syntax ? normalizeExpr(n.syntax.text) : undefined;
        ifTexts.set(n.id, (t = text === undefined ? null : [text, negate(text)]));
      }
      return t ?? undefined;
    };
    const analysis: ForwardAnalysis<LockSet> = {
      initial: EMPTY,
      transfer: (node, inState) => {
        let s: Map<string, HeldLock> | undefined;
        const w = () => (s ??= new Map(inState));
        let scoped = false;
        for (const h of inState.values()) if (h.scope) scoped = true;
        const start = scoped ? node.syntax?.startIndex : undefined;
        if (start !== undefined) {
          for (const [id, h] of inState) if (h.scope && (start < h.scope[0] || start >= h.scope[1])) w().delete(id);
        }
        for (const op of ops[node.id]) {
          const cur: LockSet = s ?? inState;
          if (op.kind === 'acquire') w().set(holdId(op.hold), op.hold);
          else if (op.kind === 'release') {
            for (const id of releasedBy(cur, op.key, op.family, !!op.via)) w().delete(id);
          } else if (op.variable) {
            w().set(`?${op.variable}@${op.hold.offset}`, {
              ...op.hold,
              pending: { variable: op.variable, successWhenZero: op.successWhenZero },
            });
          } else if (node.kind !== 'cond' && !isTested(op.call)) {
            // A result nobody tests: assume it succeeded.
            w().set(holdId(op.hold), op.hold);
          }
        }
        return s ?? inState;
      },
      edge: (node, index, out) => {
        if (node.kind !== 'cond' || index > 1) return out;
        if (out.size === 0 && !ops[node.id].some((o) => o.kind === 'cond-acquire')) return out;
        const test = condOf(node);
        if (!test) return out;
        const taken = index === 0;
        let s: Map<string, HeldLock> | undefined;
        let under = false;
        for (const h of out.values()) if (h.under) under = true;
        const text = under ? ifTextOf(node) : undefined;
        if (text !== undefined) {
          // The branch not taken now was not taken when the lock was taken under the same condition.
          const excluded = taken ? text[1] : text[0];
          for (const [id, h] of out) if (h.under?.includes(excluded)) (s ??= new Map(out)).delete(id);
        }
        for (const op of ops[node.id]) {
          if (op.kind !== 'cond-acquire' || op.variable || op.call.node.id !== test.call?.id) continue;
          // Condition true means "returned non-zero" unless negated an odd number of times.
          const nonZero = taken !== test.negated;
          if (nonZero !== op.successWhenZero) (s ??= new Map(out)).set(holdId(op.hold), op.hold);
        }
        if (test.variable) {
          for (const [id, h] of out) {
            if (h.pending?.variable !== test.variable) continue;
            const nonZero = taken !== test.negated;
            s ??= new Map(out);
            s.delete(id);
            if (nonZero !== h.pending.successWhenZero) {
              const { pending: _p, ...held } = h;
              s.set(holdId(held), held);
            }
          }
        }
        return s ?? out;
      },
      join: (a, b) => {
        if (a === b || b.size === 0) return a;
        if (a.size === 0) return b;
        let out: Map<string, HeldLock> | undefined;
        for (const [id, h] of b) if (!a.has(id)) (out ??= new Map(a)).set(id, h);
        return out ?? a;
      },
      equals: (a, b) => {
        if (a === b) return true;
        if (a.size !== b.size) return false;
        for (const id of a.keys()) if (!b.has(id)) return false;
        return true;
      },
    };
    const { before, after } = solveForward<LockSet>(cfg, analysis);
    return { file, fn, cfg, ops, before, after, analysis };
  }

  /** Lock operations of one node: direct API calls, guards, and driver helpers that take or drop locks. */
  private opsOf(file: SourceFile, node: FlowNode): LockOp[] {
    if (!node.syntax || node.kind === 'label' || node.kind === 'entry' || node.kind === 'exit') return [];
    // A loop without a condition has the whole statement as its "condition": its body has nodes of its own.
    if (node.kind === 'cond' && node.syntax === node.owner) return [];
    if (node.kind === 'cond' && node.owner && isScopedGuard(file, node.owner)) return scopedGuardOps(file, node);
    const out: LockOp[] = [];
    for (const call of this.lockCalls(file, node.syntax)) {
      const api = LOCK_APIS.get(call.callee);
      if (api) {
        const op = apiOp(file, call, api);
        if (op) out.push(op);
        continue;
      }
      if (call.callee === 'guard') {
        const g = guardOp(file, call);
        if (g) out.push(g);
        continue;
      }
      const def = this.defs.get(call.callee);
      if (def) {
        const sum = this.summary(call.callee);
        if (sum) out.push(...applySummary(sum, def.fn, call));
      }
    }
    return out;
  }

  /** Locks a driver helper releases without taking, or holds on every return, as parameter paths. */
  private summary(name: string): HelperSummary | undefined {
    const hit = this.summaries.get(name);
    if (hit !== undefined) return hit ?? undefined;
    this.summaries.set(name, null);
    const def = this.defs.get(name)!;
    const fl = this.of(def.file, def.fn);
    let result: HelperSummary | undefined;
    if (fl) {
      const releases: HelperSummary['releases'] = [];
      fl.cfg.nodes.forEach((n, i) => {
        const held = fl.before[i];
        if (!held) return;
        let cur: LockSet = held;
        for (const op of fl.ops[i]) {
          if (op.kind === 'release') {
            if (releasedBy(cur, op.key, op.family, false).length === 0 && !releases.some((r) => r.key === op.key))
              releases.push({ key: op.key, family: op.family });
          } else if (op.kind === 'acquire') {
            cur = new Map(cur).set(holdId(op.hold), op.hold);
          }
        }
      });
      const acquires = heldOnEveryReturn(fl).map((h) => ({ key: h.key, family: h.family, side: h.side }));
      if (releases.length || acquires.length) result = { releases, acquires };
    }
    this.summaries.set(name, result ?? null);
    return result;
  }
}

const indexes = new WeakMap<DriverModel, LockIndex>();

/** The lock index of a driver model (one per model and run). */
export function lockIndex(model: DriverModel, flow: FlowQueries): LockIndex {
  let ix = indexes.get(model);
  if (!ix) indexes.set(model, (ix = new LockIndex(model, flow)));
  return ix;
}
