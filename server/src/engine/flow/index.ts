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

  cfg(file: SourceFile, fn: FunctionFact): Cfg | undefined {
    let perFile = this.cfgs.get(file);
    if (!perFile) this.cfgs.set(file, (perFile = new Map()));
    let cfg = perFile.get(fn.start);
    if (cfg === undefined) perFile.set(fn.start, (cfg = buildCfg(file.parsed.tree, fn) ?? null));
    return cfg ?? undefined;
  }
}
