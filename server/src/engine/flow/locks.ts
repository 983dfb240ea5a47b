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
import { GUARD_CLASSES, LOCK_APIS, LOCK_FAMILIES, LOCK_TEXT, type LockApi } from '../tables/locks';
import { callsIn, normalizeExpr, TreeCall, type FlowCall } from './calls';
import type { Cfg, FlowNode } from './cfg';
import { solveForward, type ForwardAnalysis } from './dataflow';
import type { FlowQueries } from './index';

/** One hold of a lock on some path. */
export interface HeldLock {
  /** Normalized lock expression (`mvdev->state_mutex`; `<rcu>` for RCU). */
  key: string;
  family: string;
  side?: 'read' | 'write';
  /** The acquiring call (`spin_lock_irqsave`), or the driver helper that took it. */
  api: string;
  /** The release that pairs with `api` (undefined when taken by a helper). */
  unlock?: string;
  /** The saved-flags argument of an `_irqsave` acquisition. */
  flags?: string;
  /** The lock argument as written (user's text), for fixes that add the release. */
  arg?: string;
  /** Where it was taken (0-based), in this function. */
  line: number;
  column: number;
  offset: number;
  /** A guard: released automatically when control leaves [scopeStart, scopeEnd). */
  scope?: [number, number];
  /** Taken through a driver helper. */
  via?: string;
  /**
   * The conditions of the `if`s the acquisition sits in (`!C` in an else branch). A later
   * `if` on the same condition text takes the same branch: its other edge drops this hold.
   */
  under?: string[];
  /** A conditional acquisition not yet known to have succeeded: the variable holding its result. */
  pending?: { variable: string; successWhenZero: boolean };
}

/** A function's lock flow kept with its file version, and the helper effects it was computed with. */
interface KeptLocks {
  fn: FunctionFact;
  result: FunctionLocks | null;
  helpers: Map<string, string>;
}

/** Held locks: id (`key@offset`) -> hold. */
export type LockSet = ReadonlyMap<string, HeldLock>;

export type LockOp =
  | { kind: 'acquire'; hold: HeldLock; call: FlowCall; apiInfo?: LockApi }
  /** A conditional acquisition (trylock, interruptible): held only where its result says so. */
  | { kind: 'cond-acquire'; hold: HeldLock; call: FlowCall; apiInfo: LockApi; successWhenZero: boolean; variable?: string }
  | { kind: 'release'; key: string; family: string; api: string; call: FlowCall; apiInfo?: LockApi; via?: string };

export interface FunctionLocks {
  file: SourceFile;
  fn: FunctionFact;
  cfg: Cfg;
  /** Lock operations of each node, in source order. */
  ops: LockOp[][];
  /** Locks held before each node (undefined: unreachable). */
  before: (LockSet | undefined)[];
  after: (LockSet | undefined)[];
  /** The analysis itself, for variants (must-hold: the same transfer, intersection at joins). */
  analysis: ForwardAnalysis<LockSet>;
  must?: (LockSet | undefined)[];
}

/** What a driver helper does to its caller's locks, in terms of its parameters. */
interface HelperSummary {
  releases: { key: string; family: string }[];
  acquires: { key: string; family: string; side?: 'read' | 'write' }[];
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

export function holdId(h: HeldLock): string {
  return `${h.key}@${h.offset}`;
}

/** Non-scoped locks held at the function's returns (and its end): those held at every one of them. */
export function heldOnEveryReturn(fl: FunctionLocks): HeldLock[] {
  const exits = returnStates(fl);
  if (exits.length === 0) return [];
  const first = exits[0].held;
  const out: HeldLock[] = [];
  for (const h of first.values()) {
    if (h.scope || h.pending) continue;
    if (exits.every((e) => [...e.held.values()].some((o) => o.key === h.key && !o.scope && !o.pending))) out.push(h);
  }
  return out;
}

/** The lock state at each way out of the function: return statements (after their own calls) and falling off the end. */
export function returnStates(fl: FunctionLocks): { node: FlowNode; held: LockSet }[] {
  const out: { node: FlowNode; held: LockSet }[] = [];
  for (const n of fl.cfg.nodes) {
    if (n.kind === 'return') {
      const s = fl.after[n.id];
      if (s) out.push({ node: n, held: s });
    }
  }
  // Falling off the end: predecessors of exit that are not return statements.
  for (const n of fl.cfg.nodes) {
    if (n.kind === 'return' || !n.succ.includes(fl.cfg.exit)) continue;
    const s = fl.after[n.id];
    if (s) out.push({ node: n, held: s });
  }
  return out;
}

/**
 * Every lock operation of a function with the locks held just before it (earlier
 * operations of the same statement applied; pending conditional holds left out).
 */
export function forEachLockOp(fl: FunctionLocks, visit: (node: FlowNode, op: LockOp, held: HeldLock[]) => void): void {
  for (const node of fl.cfg.nodes) {
    const s = fl.before[node.id];
    if (!s || fl.ops[node.id].length === 0) continue;
    const cur = new Map(s);
    for (const op of fl.ops[node.id]) {
      visit(
        node,
        op,
        [...cur.values()].filter((h) => !h.pending && inScope(h, node)),
      );
      if (op.kind === 'acquire') cur.set(holdId(op.hold), op.hold);
      else if (op.kind === 'release') for (const id of releasedBy(cur, op.key, op.family, !!op.via)) cur.delete(id);
    }
  }
}

/** The calls of a node that runs code (no labels, no loop head standing for its whole statement). */
export function nodeCallsOf(node: FlowNode, file: SourceFile): FlowCall[] {
  if (!node.syntax || (node.kind !== 'stmt' && node.kind !== 'cond' && node.kind !== 'return')) return [];
  if (node.kind === 'cond' && node.syntax === node.owner) return [];
  return callsIn(node.syntax, file.parsed.masked);
}

/**
 * Every call of a function whose callee `want` accepts, with the locks (may-)held at
 * it: the node's state with the lock operations of earlier calls of the same statement applied.
 */
export function forEachCallHeld(
  fl: FunctionLocks,
  want: (callee: string) => boolean,
  visit: (node: FlowNode, call: FlowCall, held: HeldLock[]) => void,
): void {
  for (const node of fl.cfg.nodes) {
    const s = fl.before[node.id];
    if (!s) continue;
    const calls = nodeCallsOf(node, fl.file).filter((c) => want(c.callee));
    if (calls.length === 0) continue;
    for (const call of calls) {
      const cur = new Map(s);
      for (const op of fl.ops[node.id]) {
        if (op.call.node.startIndex >= call.node.startIndex) break;
        if (op.kind === 'acquire') cur.set(holdId(op.hold), op.hold);
        else if (op.kind === 'release') for (const id of releasedBy(cur, op.key, op.family, !!op.via)) cur.delete(id);
      }
      visit(
        node,
        call,
        [...cur.values()].filter((h) => !h.pending && inScope(h, node)),
      );
    }
  }
}

/** Locks held before `nodeId` on every path that reaches it (by lock expression). */
export function mustHeldBefore(fl: FunctionLocks, nodeId: number): HeldLock[] {
  fl.must ??= solveForward<LockSet>(fl.cfg, {
    ...fl.analysis,
    join: (a, b) => {
      const keys = new Set([...b.values()].map((h) => h.key));
      let out: Map<string, HeldLock> | undefined;
      for (const [id, h] of a) if (!keys.has(h.key)) (out ??= new Map(a)).delete(id);
      return out ?? a;
    },
  }).before;
  const s = fl.must[nodeId];
  const node = fl.cfg.nodes[nodeId];
  return s ? [...s.values()].filter((h) => !h.pending && inScope(h, node)) : [];
}

/** The locks held before `node`, ignoring holds still pending on an untested result. */
export function heldBefore(fl: FunctionLocks, nodeId: number): HeldLock[] {
  const s = fl.before[nodeId];
  if (!s) return [];
  const node = fl.cfg.nodes[nodeId];
  return [...s.values()].filter((h) => !h.pending && inScope(h, node));
}

/** A guard's hold ends where its scope does: the state before a node may still carry it. */
function inScope(h: HeldLock, node: FlowNode): boolean {
  const start = node.syntax?.startIndex;
  return !h.scope || start === undefined || (start >= h.scope[0] && start < h.scope[1]);
}

/** The lock a call's first argument names, normalized. */
export function lockKey(text: string): string {
  return normalizeExpr(text);
}

/** Ids of holds a release of `key` ends: the same expression, or (for a helper) the same last member of the same family. */
function releasedBy(held: LockSet, key: string, family: string, loose: boolean): string[] {
  const exact = [...held].filter(([, h]) => h.key === key && (h.family === family || family === '?')).map(([id]) => id);
  if (exact.length || !loose) return exact;
  const last = lastMember(key);
  return [...held].filter(([, h]) => lastMember(h.key) === last && h.family === family).map(([id]) => id);
}

export function lastMember(key: string): string {
  const m = /(?:->|\.)?(\w+)$/.exec(key);
  return m ? m[1] : key;
}

function apiOp(file: SourceFile, call: FlowCall, api: LockApi): LockOp | undefined {
  const key = api.noArg ? '<rcu>' : call.argNodes[0] ? lockKey(call.args[0]) : undefined;
  if (key === undefined) return undefined;
  if (api.kind === 'unlock') return { kind: 'release', key, family: api.family, api: api.name, call, apiInfo: api };
  const hold: HeldLock = {
    key,
    family: api.family,
    side: api.side,
    api: api.name,
    unlock: api.unlock,
    flags: api.flagsArg !== undefined ? call.args[api.flagsArg] : undefined,
    arg: call.argNodes[0] ? file.text.slice(call.argNodes[0].startIndex, call.argNodes[0].endIndex) : undefined,
    line: call.line,
    column: call.column,
    offset: call.node.startIndex,
    under: enclosingConditions(call.node),
  };
  if (api.kind === 'lock') return { kind: 'acquire', hold, call, apiInfo: api };
  return { kind: 'cond-acquire', hold, call, apiInfo: api, successWhenZero: api.kind === 'lock-or-error', variable: assignedTo(call) };
}

/** The innermost loop statement around `node` (a masked `scoped_guard` is no loop), if any. */
export function enclosingLoop(file: SourceFile, node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p && p.type !== 'function_definition'; p = p.parent) {
    if ((p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'do_statement') && !isScopedGuard(file, p)) return p;
  }
  return undefined;
}

/** Conditions of the `if`s whose branches contain `node`, innermost first. */
function enclosingConditions(node: SyntaxNode): string[] | undefined {
  let out: string[] | undefined;
  let child = node;
  for (let p = node.parent; p && p.type !== 'function_definition'; child = p, p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const cond = p.childForFieldName('condition');
    if (!cond || cond.id === child.id) continue;
    const text = normalizeExpr(cond.text);
    (out ??= []).push(child.type === 'else_clause' || p.childForFieldName('alternative')?.id === child.id ? negate(text) : text);
  }
  return out;
}

function negate(text: string): string {
  return text.startsWith('!') ? normalizeExpr(text.slice(1)) : `!${text}`;
}

/** `guard(mutex)(&lock);` — held to the end of the enclosing block. */
function guardOp(file: SourceFile, call: FlowCall): LockOp | undefined {
  const outer = call.node.parent;
  if (!outer || outer.type !== 'call_expression' || outer.childForFieldName('function')?.id !== call.node.id) return undefined;
  const cls = GUARD_CLASSES.get(call.args[0] ?? '');
  if (!cls) return undefined;
  const lockArg = outer.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment')[0];
  const key = cls.family === 'rcu' ? '<rcu>' : lockArg ? lockKey(lockArg.text) : undefined;
  if (key === undefined) return undefined;
  let block: SyntaxNode | null = outer.parent;
  while (block && block.type !== 'compound_statement' && block.type !== 'case_statement') block = block.parent;
  if (!block) return undefined;
  const hold: HeldLock = {
    key,
    family: cls.family,
    side: cls.side,
    api: `guard(${call.args[0]})`,
    line: call.line,
    column: call.column,
    offset: call.node.startIndex,
    scope: [outer.startIndex, block.endIndex],
  };
  return { kind: 'acquire', hold, call };
}

/** Masking turned `scoped_guard(CLASS, &lock) {` into `while(CLASS, &lock) {`: the original text tells. */
function isScopedGuard(file: SourceFile, owner: SyntaxNode): boolean {
  return owner.type === 'while_statement' && /^scoped_(?:cond_)?guard\b/.test(file.text.slice(owner.startIndex, owner.startIndex + 20));
}

function scopedGuardOps(file: SourceFile, node: FlowNode): LockOp[] {
  const owner = node.owner!;
  const cond = node.syntax!;
  const inner = cond.type === 'parenthesized_expression' ? cond.namedChildren[0] : cond;
  const parts: SyntaxNode[] = [];
  const flatten = (n: SyntaxNode) => {
    if (n.type === 'comma_expression') n.namedChildren.forEach(flatten);
    else parts.push(n);
  };
  if (inner) flatten(inner);
  const cls = GUARD_CLASSES.get(parts[0]?.text.trim() ?? '');
  if (!cls) return [];
  const lockArg = parts[parts.length - 1];
  const key = cls.family === 'rcu' ? '<rcu>' : parts.length > 1 ? lockKey(lockArg.text) : undefined;
  if (key === undefined) return [];
  const line = file.lines.positionAt(owner.startIndex);
  const hold: HeldLock = {
    key,
    family: cls.family,
    side: cls.side,
    api: `scoped_guard(${parts[0].text.trim()})`,
    line: line.line,
    column: line.character,
    offset: owner.startIndex,
    scope: [owner.startIndex, owner.endIndex],
  };
  const fake = {
    callee: 'scoped_guard',
    args: parts.map((p) => p.text),
    argNodes: parts,
    node: owner,
    line: line.line,
    column: line.character,
  };
  return [{ kind: 'acquire', hold, call: fake }];
}

function applySummary(sum: HelperSummary, helper: FunctionFact, call: FlowCall): LockOp[] {
  const out: LockOp[] = [];
  for (const r of sum.releases) {
    const key = substitute(r.key, helper, call);
    if (key) out.push({ kind: 'release', key, family: r.family, api: call.callee, call, via: call.callee });
  }
  for (const a of sum.acquires) {
    const key = substitute(a.key, helper, call);
    if (!key) continue;
    out.push({
      kind: 'acquire',
      hold: {
        key,
        family: a.family,
        side: a.side,
        api: call.callee,
        via: call.callee,
        line: call.line,
        column: call.column,
        offset: call.node.startIndex,
        under: enclosingConditions(call.node),
      },
      call,
    });
  }
  return out;
}

/** `p->state_mutex` in helper(p) called as helper(mvdev) -> `mvdev->state_mutex`; globals stay. */
function substitute(key: string, helper: FunctionFact, call: FlowCall): string | undefined {
  const m = /^(\w+)(.*)$/.exec(key);
  if (!m) return key;
  const idx = helper.params.findIndex((p) => p.name === m[1]);
  if (idx < 0) return helper.locals.has(m[1]) ? undefined : key;
  const arg = call.args[idx];
  if (arg === undefined) return undefined;
  const raw = arg.replace(/\s+/g, '');
  let base = normalizeExpr(arg);
  let rest = m[2];
  if (raw.startsWith('&') && rest.startsWith('->')) rest = '.' + rest.slice(2);
  if (/[^\w.>-]/.test(base)) base = `(${base})`;
  return base + rest;
}

/** The variable a conditional lock's result is stored in: `ret = mutex_lock_interruptible(..)`, `int ret = ...`. */
function assignedTo(call: FlowCall): string | undefined {
  const p = call.node.parent;
  if (p?.type === 'assignment_expression' && p.childForFieldName('right')?.id === call.node.id) {
    const left = p.childForFieldName('left');
    if (left?.type === 'identifier') return left.text;
  }
  if (p?.type === 'init_declarator' && p.childForFieldName('value')?.id === call.node.id) {
    const d = p.childForFieldName('declarator');
    if (d?.type === 'identifier') return d.text;
  }
  return undefined;
}

/** A conditional lock whose result is used (not a bare statement) is resolved by the branch that tests it. */
function isTested(call: FlowCall): boolean {
  const p = call.node.parent;
  return !!p && p.type !== 'expression_statement';
}

interface CondTest {
  /** The call tested directly (`if (!mutex_trylock(l))`). */
  call?: SyntaxNode;
  /** The variable tested (`if (ret)`, `if (ret < 0)`, `if (!ret)`). */
  variable?: string;
  /** True when the condition is true exactly when the value is zero. */
  negated: boolean;
}

function condTest(syntax: SyntaxNode | undefined): CondTest {
  let n: SyntaxNode | null | undefined = syntax;
  let negated = false;
  for (;;) {
    if (!n) return { negated };
    if (n.type === 'parenthesized_expression') n = n.namedChildren[0];
    else if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
      negated = !negated;
      n = n.childForFieldName('argument');
    } else break;
  }
  if (n.type === 'call_expression') return { call: n, negated };
  if (n.type === 'identifier') return { variable: n.text, negated };
  if (n.type === 'binary_expression') {
    const op = n.childForFieldName('operator')?.text;
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if (l?.type === 'identifier' && r?.text === '0') {
      if (op === '!=' || op === '<') return { variable: l.text, negated };
      if (op === '==') return { variable: l.text, negated: !negated };
    }
    if (l?.type === 'call_expression' && r?.text === '0') {
      if (op === '!=' || op === '<') return { call: l, negated };
      if (op === '==') return { call: l, negated: !negated };
    }
  }
  return { negated };
}

/** Whether a family's holds make the context atomic (no sleeping). */
export function isAtomicFamily(family: string): boolean {
  const f = LOCK_FAMILIES[family];
  return !!f && !f.sleeps;
}
