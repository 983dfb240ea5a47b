/**
 * Queries over one function's lock flow (a FunctionLocks): each lock operation or call
 * with the locks held at it, the may- and must-held locks before a node, and the lock
 * state at the function's returns.
 */
import type { SourceFile } from '../model/sourceFile';
import { callsIn, type FlowCall } from './calls';
import type { FlowNode } from './cfg';
import { solveForward } from './dataflow';
import { holdId, releasedBy, type FunctionLocks, type HeldLock, type LockOp, type LockSet } from './lockOps';

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
