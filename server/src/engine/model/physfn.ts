/** PF lookups written as `pdev->physfn` (see parentTables.ts). */
import { anchorLinesOf, resultTarget, type CallContext, type CallFact } from './facts';
import type { SourceFile } from './sourceFile';

const PHYSFN = /(?:->|\.)\s*physfn\b/g;

/**
 * `pdev->physfn`: the VF's PF read from `struct pci_dev` directly, as drivers
 * written for older kernels do; a PF lookup like pci_physfn(). Reads only, in functions.
 */
export function physfnLookups(file: SourceFile): { call: CallFact; context: CallContext; span: number }[] {
  const text = file.parsed.masked;
  if (!text.includes('physfn')) return [];
  const out: { call: CallFact; context: CallContext; span: number }[] = [];
  const root = file.parsed.tree.rootNode;
  for (const m of text.matchAll(PHYSFN)) {
    const at = m.index + m[0].length - 'physfn'.length;
    const id = root.descendantForIndex(at, at + 'physfn'.length);
    const expr = id.parent;
    if (id.type !== 'field_identifier' || expr?.type !== 'field_expression' || expr.childForFieldName('field')?.id !== id.id) continue;
    const up = expr.parent;
    if (up?.type === 'assignment_expression' && up.childForFieldName('left')?.id === expr.id) continue;
    const fn = file.facts.functions.find((f) => f.start <= at && at < f.end);
    if (!fn) continue;
    const pos = id.startPosition;
    const target = resultTarget(expr);
    out.push({
      call: { callee: 'physfn', start: at, line: pos.row, column: pos.column, fn: fn.name, args: [], throughPointer: false },
      context: { anchorLines: anchorLinesOf(expr), resultLocal: target.local, resultField: target.field },
      span: 'physfn'.length,
    });
  }
  return out;
}
