/**
 * Parent functions reached through tables of function pointers, and PF lookups
 * written as `pdev->physfn`.
 *
 * Out-of-tree drivers (and drivers designed for unit tests) often never call the
 * parent by name: they fill a `static const struct` with the parent's exported
 * functions (nested members too: `.ggtt.load = ...`), store `&table` in their
 * device struct and call through it: `vdev->pf_ops->pause(pf, vfid)`, or
 * `ops = &vdev->pf_ops->ggtt; ... ops->load(...)`. Each entry of such a table is a
 * parent interaction, and so is each call through it.
 *
 * The tables come from the struct initializers the facts already list (file scope
 * or local), read again from the tree for their nested members. Where a table's
 * address goes is followed flow-insensitively across the driver: struct fields
 * (by name, as the handle data flow in driver.ts does), locals, parameters of the
 * driver's own functions (`helper(pf, &vdev->pf_ops->ggtt)`) and their return
 * values. A call through a member then stands for every parent function the
 * member can hold. Only drivers with a table holding a parent function pay for
 * the walk over their functions' trees.
 */
import type { CallFact, FunctionFact } from './facts';
import type { SourceFile } from './sourceFile';
import { callsThroughTables, type TableInteraction } from './tableCalls';
import { tablesOf, type Table, type TableEntry } from './tableEntries';

export { physfnLookups } from './physfn';
export type { TableInteraction } from './tableCalls';
export type { TableEntry } from './tableEntries';

/** What driver.ts says about a name: a parent API (with its evidence), the driver's own, or neither. */
export type NameVerdict<C> = C | 'local' | undefined;

/** Tables of unit tests: `kestrel_pf_ops_mock`, `fake_pf_ops`, `xe_kunit_ops`. */
const MOCK = /(?:^|_)(?:mock|fake|stub|kunit|test)s?(?:_|$)/i;

/**
 * Table entries holding parent functions, and calls through tables that reach
 * parent functions. `classify` is the driver's callee classification.
 */
export function tableInteractions<C>(
  files: SourceFile[],
  functions: ReadonlyMap<string, { file: SourceFile; fn: FunctionFact }>,
  classify: (name: string) => NameVerdict<C>,
): TableInteraction<C>[] {
  const tables: Table[] = [];
  for (const file of files) {
    for (const t of tablesOf(file)) {
      const byPath = new Map<string, TableEntry>();
      const prefixes = new Set<string>(['']);
      for (const e of t.entries) {
        byPath.set(e.path, e);
        const parts = e.path.split('.');
        for (let i = 1; i <= parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
      }
      // A unit test's stand-in for the parent, whatever it is filled with: followed, never reported.
      tables.push({ ...t, id: tables.length, file, byPath, prefixes, mock: MOCK.test(t.variable) });
    }
  }
  // The driver's own data (`.id_table = acme_vf_pci_table`, `.pf_ops = &tbl`): never a function of the parent.
  const data = new Set<string>();
  for (const file of files) for (const name of file.facts.structVars.keys()) data.add(name);
  for (const t of tables) data.add(t.variable);
  const out: TableInteraction<C>[] = [];
  const parentOf = (name: string): C | undefined => {
    if (data.has(name)) return undefined;
    const v = classify(name);
    return v === 'local' ? undefined : v;
  };
  let anyParent = false;
  /** The members (last part of their path) that hold a parent function. */
  const reached = new Set<string>();
  for (const t of tables) {
    if (t.mock) continue;
    for (const e of t.entries) {
      const verdict = parentOf(e.fn);
      if (!verdict) continue;
      anyParent = true;
      reached.add(e.path.slice(e.path.lastIndexOf('.') + 1));
      const call: CallFact = { callee: e.fn, start: e.start, line: e.line, column: e.column, fn: t.fn, args: [], throughPointer: false };
      out.push({
        file: t.file,
        call,
        context: { anchorLines: e.anchorLines },
        verdict,
        entry: { table: t.variable, member: e.path },
        span: e.fn.length,
      });
    }
  }
  if (anyParent && membersUsed(files, reached)) out.push(...callsThroughTables(files, functions, tables, parentOf));
  return out;
}

/**
 * Whether some function reads one of `members` as a field (`->load`, `.load`): a call
 * through a table can reach a parent function only through a member that holds one,
 * so without such a read the walk over the functions' trees would find nothing. Code
 * broken while typing often makes a table entry look like a parent function.
 */
function membersUsed(files: SourceFile[], members: ReadonlySet<string>): boolean {
  const read = new RegExp(`(?:->|\\.)\\s*(?:${[...members].join('|')})\\b`);
  for (const file of files) for (const fn of file.facts.functions) if (read.test(file.parsed.masked.slice(fn.start, fn.end))) return true;
  return false;
}
