/** The shared intra-procedural layer: control-flow graphs per function, calls per node, a forward solver. */
import type { FunctionFact } from '../model/facts';
import type { SourceFile } from '../model/sourceFile';
import { buildCfg, type Cfg } from './cfg';

export { buildCfg, functionNode, type Cfg, type FlowNode, type FlowNodeKind } from './cfg';
export { callsIn, nodeCalls, normalizeExpr, type FlowCall } from './calls';
export { sets, solveForward, type ForwardAnalysis, type ForwardResult } from './dataflow';

/** CFGs built on demand and kept as long as their file version lives (owned by the Workspace). */
export class FlowQueries {
  private readonly cfgs = new WeakMap<SourceFile, Map<number, Cfg | null>>();
  private readonly memos = new WeakMap<SourceFile, Map<string, Map<number, unknown>>>();

  /**
   * Results of the analysis `kind` for one file version, by function start, kept as long
   * as the version lives: a later driver model (after an edit of another file) reuses
   * them once it has checked what they depended on (see LockIndex.of).
   */
  perFile<T>(file: SourceFile, kind: string): Map<number, T> {
    let kinds = this.memos.get(file);
    if (!kinds) this.memos.set(file, (kinds = new Map()));
    let memo = kinds.get(kind);
    if (!memo) kinds.set(kind, (memo = new Map()));
    return memo as Map<number, T>;
  }

  cfg(file: SourceFile, fn: FunctionFact): Cfg | undefined {
    let perFile = this.cfgs.get(file);
    if (!perFile) this.cfgs.set(file, (perFile = new Map()));
    let cfg = perFile.get(fn.start);
    if (cfg === undefined) perFile.set(fn.start, (cfg = buildCfg(file.parsed.tree, fn) ?? null));
    return cfg ?? undefined;
  }
}
