/**
 * Driver-level review items: facts about the driver directory as a whole rather
 * than one call or handler. Two for now:
 *
 *  - `maintainers`: does the directory have a MAINTAINERS entry of its own? Only
 *    made when the driver sits in a kernel tree with MAINTAINERS. Its diagnostic
 *    lives on the `struct pci_driver` definition (the driver's identity), else on
 *    the first line of the driver's first .c file;
 *  - `overview`: does a `DOC:` block answer the acceptance questions? Only made
 *    when the driver implements vfio_migration_ops; the diagnostic lives on the
 *    ops struct, where the fix inserts the block.
 *
 * Computed per driver model and refreshed when MAINTAINERS changes.
 */
import * as path from 'path';
import { assessQuestions, docBlocks, type QuestionResult } from './acceptance';
import { MIGRATION_OPS, type DriverModel } from './driver';
import {
  entriesForFiles,
  insertionLine,
  ownEntries,
  treeRelative,
  type EntryMatch,
  type MaintainersFile,
  type MaintainersIndex,
} from '../maintainers/maintainers';
import { commentsAbove, suppressionRules, type SourceFile } from './sourceFile';

interface DriverItemBase {
  kind: 'driver';
  file: SourceFile;
  /** 0-based. */
  line: number;
  column: number;
  name: string;
  /** The rule's question is settled (an entry exists / the overview covers the questions). */
  documented: boolean;
  suppressed: string[] | undefined;
}

export interface MaintainersItem extends DriverItemBase {
  topic: 'maintainers';
  maintainers: MaintainersFile;
  relDir: string;
  own: EntryMatch[];
  covering: EntryMatch[];
  /** Title a new entry would get, and the 0-based MAINTAINERS line where it goes. */
  suggestedTitle: string;
  insertLine: number;
}

export interface OverviewItem extends DriverItemBase {
  topic: 'overview';
  opsVariable: string;
  /** Coverage by `DOC:` blocks alone. */
  questions: QuestionResult[];
  docBlockCount: number;
}

export type DriverItem = MaintainersItem | OverviewItem;

/** Where a directory-level diagnostic goes: the `struct pci_driver` definition, else the first .c file. */
export function driverAnchor(model: DriverModel): { file: SourceFile; line: number; column: number; name: string } | undefined {
  for (const file of model.files) {
    const init = file.facts.opsInits.find((o) => o.structType === 'pci_driver');
    if (init) return { file, line: init.line, column: init.column, name: init.variable };
  }
  const file = model.files.find((f) => f.path.endsWith('.c')) ?? model.files[0];
  return file ? { file, line: 0, column: 0, name: path.basename(model.dir) } : undefined;
}

function suppressedAt(file: SourceFile, line: number): string[] | undefined {
  for (const c of commentsAbove(file, line)) {
    const rules = suppressionRules(c);
    if (rules) return rules;
  }
  return undefined;
}

/** The line a declaration starting near `line` begins on (`static const struct x\nname = {`). */
export function declarationStart(file: SourceFile, line: number): number {
  let start = line;
  while (
    start > 0 &&
    !/^\s*(?:static|const|struct)\b/.test(file.lines.lineText(start)) &&
    /\b(?:static|const|struct)\b/.test(file.lines.lineText(start - 1)) &&
    !/[;}]\s*$/.test(file.lines.lineText(start - 1))
  )
    start--;
  return start;
}

/** What MAINTAINERS says about a driver directory: depends on its file names only, not their text. */
interface Coverage {
  relDir: string;
  own: EntryMatch[];
  covering: EntryMatch[];
  suggestedTitle: string;
  insertLine: number;
}

function coverageOf(model: DriverModel, mf: MaintainersFile, index: MaintainersIndex): Coverage {
  const host = index.fileSystem;
  const relDir = treeRelative(mf.root, model.dir);
  const files = model.files.map((f) => treeRelative(mf.root, f.path));
  const suggestedTitle = `VFIO ${path.basename(model.dir).toUpperCase().replace(/[-_]+/g, ' ')} PCI DRIVER`;
  const covering = entriesForFiles(mf, files, host);
  const own = files.length ? ownEntries(mf, relDir, files, host, covering) : ownEntries(mf, relDir, files, host);
  // Where a new entry would go matters only when there is none.
  return { relDir, own, covering, suggestedTitle, insertLine: own.length ? -1 : insertionLine(mf, suggestedTitle) };
}

export function maintainersItem(
  model: DriverModel,
  mf: MaintainersFile,
  index: MaintainersIndex,
  coverage = coverageOf(model, mf, index),
): MaintainersItem | undefined {
  const anchor = driverAnchor(model);
  if (!anchor) return undefined;
  return {
    kind: 'driver',
    topic: 'maintainers',
    ...anchor,
    documented: coverage.own.length > 0,
    suppressed: suppressedAt(anchor.file, declarationStart(anchor.file, anchor.line)),
    maintainers: mf,
    ...coverage,
  };
}

export function overviewItem(model: DriverModel): OverviewItem | undefined {
  for (const file of model.files) {
    const ops = file.facts.opsInits.find((o) => o.structType === MIGRATION_OPS);
    if (!ops) continue;
    const blocks = docBlocks(model.files);
    const questions = assessQuestions(blocks);
    return {
      kind: 'driver',
      topic: 'overview',
      file,
      line: ops.line,
      column: ops.column,
      name: ops.variable,
      documented: blocks.length > 0 && questions.every((q) => q.state !== 'missing'),
      suppressed: suppressedAt(file, declarationStart(file, ops.line)),
      opsVariable: ops.variable,
      questions,
      docBlockCount: blocks.length,
    };
  }
  return undefined;
}

/**
 * Driver items for a model, cached per model and MAINTAINERS version. `kernelTree`
 * is the configured tree; MAINTAINERS is only used when the driver lies inside a tree.
 */
export class DriverChecks {
  private readonly cache = new WeakMap<DriverModel, { mf: MaintainersFile | undefined; items: DriverItem[] }>();
  /** By MAINTAINERS version and file list: an edit makes a new model but rarely a new file list. */
  private readonly coverage = new WeakMap<MaintainersFile, Map<string, Coverage>>();

  constructor(private readonly index: MaintainersIndex) {}

  itemsFor(model: DriverModel, kernelTree?: string): DriverItem[] {
    if (!model.isVariantDriver || !model.files.length) return [];
    const where = this.index.locate(model.dir, kernelTree);
    const mf = where?.inTree ? this.index.load(where.root) : undefined;
    const cached = this.cache.get(model);
    if (cached && cached.mf === mf) return cached.items;
    const items: DriverItem[] = [];
    if (mf) {
      const byFiles = this.coverage.get(mf) ?? this.coverage.set(mf, new Map()).get(mf)!;
      const key = model.files.map((f) => f.path).join('\0');
      let coverage = byFiles.get(key);
      if (!coverage) byFiles.set(key, (coverage = coverageOf(model, mf, this.index)));
      const m = maintainersItem(model, mf, this.index, coverage);
      if (m) items.push(m);
    }
    const o = overviewItem(model);
    if (o) items.push(o);
    this.cache.set(model, { mf, items });
    return items;
  }
}
