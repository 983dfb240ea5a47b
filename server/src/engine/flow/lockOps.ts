/**
 * Lock operations read from the calls of a flow node: lock API calls (tables/locks.ts),
 * `guard()` and `scoped_guard()` scopes, conditional acquisitions and the condition that
 * tests them, and a driver helper's summary applied at its call site. The types of
 * holds and lock states shared by the lock analysis (locks.ts) and its queries.
 */
import type { FunctionFact } from '../model/facts';
import type { SourceFile } from '../model/sourceFile';
import type { SyntaxNode } from '../syntax/cParser';
import { GUARD_CLASSES, LOCK_FAMILIES, type LockApi } from '../tables/locks';
import { normalizeExpr, type FlowCall } from './calls';
import type { Cfg, FlowNode } from './cfg';
import type { ForwardAnalysis } from './dataflow';

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
export interface HelperSummary {
  releases: { key: string; family: string }[];
  acquires: { key: string; family: string; side?: 'read' | 'write' }[];
}

export function holdId(h: HeldLock): string {
  return `${h.key}@${h.offset}`;
}

/** The lock a call's first argument names, normalized. */
export function lockKey(text: string): string {
  return normalizeExpr(text);
}

/** Ids of holds a release of `key` ends: the same expression, or (for a helper) the same last member of the same family. */
export function releasedBy(held: LockSet, key: string, family: string, loose: boolean): string[] {
  const exact = [...held].filter(([, h]) => h.key === key && (h.family === family || family === '?')).map(([id]) => id);
  if (exact.length || !loose) return exact;
  const last = lastMember(key);
  return [...held].filter(([, h]) => lastMember(h.key) === last && h.family === family).map(([id]) => id);
}

export function lastMember(key: string): string {
  const m = /(?:->|\.)?(\w+)$/.exec(key);
  return m ? m[1] : key;
}

export function apiOp(file: SourceFile, call: FlowCall, api: LockApi): LockOp | undefined {
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

export function negate(text: string): string {
  return text.startsWith('!') ? normalizeExpr(text.slice(1)) : `!${text}`;
}

/** `guard(mutex)(&lock);` — held to the end of the enclosing block. */
export function guardOp(file: SourceFile, call: FlowCall): LockOp | undefined {
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
export function isScopedGuard(file: SourceFile, owner: SyntaxNode): boolean {
  return owner.type === 'while_statement' && /^scoped_(?:cond_)?guard\b/.test(file.text.slice(owner.startIndex, owner.startIndex + 20));
}

export function scopedGuardOps(file: SourceFile, node: FlowNode): LockOp[] {
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

export function applySummary(sum: HelperSummary, helper: FunctionFact, call: FlowCall): LockOp[] {
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
export function isTested(call: FlowCall): boolean {
  const p = call.node.parent;
  return !!p && p.type !== 'expression_statement';
}

export interface CondTest {
  /** The call tested directly (`if (!mutex_trylock(l))`). */
  call?: SyntaxNode;
  /** The variable tested (`if (ret)`, `if (ret < 0)`, `if (!ret)`). */
  variable?: string;
  /** True when the condition is true exactly when the value is zero. */
  negated: boolean;
}

export function condTest(syntax: SyntaxNode | undefined): CondTest {
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
