/** Reaching definitions of a function's locals, for calls through tables (tableCalls.ts). */
import { buildCfg, type FlowNode } from '../flow/cfg';
import { sets, solveForward } from '../flow/dataflow';
import type { SyntaxNode } from '../syntax/cParser';
import type { FunctionFact } from './facts';
import type { SourceFile } from './sourceFile';

/**
 * Reaching definitions of the function's locals over its control-flow graph: for
 * a call, the values of the assignments that can reach it (a parameter's bound
 * values when none has, on some path, since the entry).
 */
export function reachingDefinitions(
  file: SourceFile,
  fn: FunctionFact,
  defs: { name: string; node: SyntaxNode; values: Set<string> }[],
  entryValues: (name: string) => Set<string> | undefined,
): (call: SyntaxNode) => ReadonlyMap<string, Set<string>> {
  const cfg = buildCfg(file.parsed.tree, fn);
  if (!cfg) return () => new Map();
  const smallest = (start: number, end: number) => {
    let best: FlowNode | undefined;
    for (const n of cfg.nodes) {
      const s = n.syntax;
      if (!s || s.startIndex > start || s.endIndex < end) continue;
      if (!best || s.endIndex - s.startIndex < best.syntax!.endIndex - best.syntax!.startIndex) best = n;
    }
    return best;
  };
  const defsAt = new Map<number, number[]>();
  defs.forEach((d, i) => {
    const n = smallest(d.node.startIndex, d.node.endIndex);
    if (n) (defsAt.get(n.id) ?? defsAt.set(n.id, []).get(n.id)!).push(i);
  });
  type State = Map<string, Set<number>>;
  const ENTRY = -1;
  const initial: State = new Map([...new Set(defs.map((d) => d.name))].map((name) => [name, new Set([ENTRY])]));
  const result = solveForward<State>(cfg, {
    initial,
    transfer(node, before) {
      const mine = defsAt.get(node.id);
      if (!mine) return before;
      const after = new Map(before);
      for (const i of mine) after.set(defs[i].name, new Set([i])); // document order: the last one wins
      return after;
    },
    join(a, b) {
      const out = new Map(a);
      for (const [k, v] of b) out.set(k, out.has(k) ? sets.union(out.get(k)!, v) : v);
      return out;
    },
    equals(a, b) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !sets.equal(v, b.get(k)!)) return false;
      return true;
    },
  });
  return (call) => {
    const values = new Map<string, Set<string>>();
    const n = smallest(call.startIndex, call.endIndex);
    const state = n && result.before[n.id];
    if (!state) return values;
    for (const [name, ids] of state) {
      const set = new Set<string>();
      for (const i of ids) for (const v of (i === ENTRY ? entryValues(name) : defs[i].values) ?? []) set.add(v);
      values.set(name, set);
    }
    return values;
  };
}
