/**
 * A forward dataflow solver over a Cfg: the one fixpoint loop that lock, free and
 * taint analyses share. States must form a finite lattice under `join` (sets of
 * names, small maps), so the worklist terminates.
 */
import type { Cfg, FlowNode } from './cfg';

export interface ForwardAnalysis<S> {
  /** State at the function's entry. */
  initial: S;
  /** State after `node`, given the state before it. */
  transfer(node: FlowNode, before: S): S;
  /** State on the edge to `node.succ[index]` (conditions refine: `if (!p)`, `if (IS_ERR(p))`). */
  edge?(node: FlowNode, index: number, after: S): S;
  join(a: S, b: S): S;
  equals(a: S, b: S): boolean;
}

export interface ForwardResult<S> {
  /** State before each node (undefined: unreachable). */
  before: (S | undefined)[];
  after: (S | undefined)[];
}

/** Worklist iteration in reverse post-order; each node is revisited at most `limit` times. */
export function solveForward<S>(cfg: Cfg, a: ForwardAnalysis<S>, limit = 64): ForwardResult<S> {
  const n = cfg.nodes.length;
  const before: (S | undefined)[] = new Array(n);
  const after: (S | undefined)[] = new Array(n);
  const rank = new Int32Array(n).fill(n);
  cfg.order.forEach((id, i) => (rank[id] = i));
  const visits = new Uint16Array(n);
  const queued = new Uint8Array(n);
  const work: number[] = [cfg.entry];
  before[cfg.entry] = a.initial;
  queued[cfg.entry] = 1;
  while (work.length) {
    // Lowest rank first: predecessors settle before successors.
    let best = 0;
    for (let i = 1; i < work.length; i++) if (rank[work[i]] < rank[work[best]]) best = i;
    const id = work.splice(best, 1)[0];
    queued[id] = 0;
    if (++visits[id] > limit) continue;
    const node = cfg.nodes[id];
    const out = a.transfer(node, before[id] as S);
    after[id] = out;
    node.succ.forEach((s, i) => {
      const incoming = a.edge ? a.edge(node, i, out) : out;
      const old = before[s];
      const merged = old === undefined ? incoming : a.join(old, incoming);
      if (old === undefined || !a.equals(old, merged)) {
        before[s] = merged;
        if (!queued[s]) {
          queued[s] = 1;
          work.push(s);
        }
      }
    });
  }
  return { before, after };
}

/** Set helpers for the common lattice of name sets. */
export const sets = {
  union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> {
    const out = new Set(a);
    for (const x of b) out.add(x);
    return out;
  },
  equal<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
    if (a.size !== b.size) return false;
    for (const x of a) if (!b.has(x)) return false;
    return true;
  },
};
