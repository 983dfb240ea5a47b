/**
 * The acceptance report: one driver, everything a reviewer of a vfio-pci variant
 * driver asks about, as a plain data model (rendered by reportRender.ts).
 *
 *  - the driver and its files;
 *  - each parent driver with its callees, call sites and their documentation;
 *  - migration / dirty-tracking ops and every handler (role, documentation);
 *  - which acceptance questions the docs answer (acceptance.ts: `DOC:` blocks and
 *    handler comments; template prompts do not count);
 *  - who must look, from the tree's MAINTAINERS with get_maintainer.pl's rules:
 *    entries covering the driver's files, the reviewers of the entry whose P: is
 *    the acceptance document, the vfio maintainer, and per parent the entries
 *    covering the headers that declare the callees ("needs Acked-by from").
 */
import * as path from 'path';
import { assessQuestions, docBlocks, type DocSource } from '../model/acceptance';
import { recipientsFor, treeRelative } from '../maintainers/maintainers';
import type { Workspace } from '../workspace';
import { derivedOf, opsOf } from './migration';
import { type ReportHandler, type ReportModel, type ReportQuestion, at, commentFirstLine } from './model';
import { addHeaderHelpers, parentsOf } from './parents';
import { whoMustLook } from './whoMustLook';

export interface ReportOptions {
  /** Kernel tree to use when the driver is not inside one (`--kernel-tree`). */
  kernelTree?: string;
}

/** Builds the report of the driver in `dir` (analysed through `ws`, which holds editor buffers). */
export function buildReport(ws: Workspace, dir: string, opts: ReportOptions = {}): ReportModel {
  const { model } = ws.driverInDir(dir);
  const index = ws.maintainers;
  const host = index.fileSystem;
  const where = index.locate(dir, opts.kernelTree ?? ws.currentSettings.kernelTree);
  const mf = where ? index.load(where.root) : undefined;
  const root = where?.root;
  const displayBase = where?.inTree ? where.root : path.dirname(dir);
  const display: Record<string, string> = {};
  const show = (p: string) => (display[p] ??= treeRelative(displayBase, p));
  for (const f of model.files) show(f.path);

  const parents = parentsOf(model);
  addHeaderHelpers(model, parents);
  const handlers: ReportHandler[] = model.handlers.map((h) => ({
    name: h.fn.name,
    at: at(h.file.path, h.fn.nameLine),
    roles: [...new Set(h.wiring.map((w) => `${w.ops}.${w.member}`))],
    documented: h.documented,
    kernelDoc: h.kernelDoc,
    ...(h.docComment ? { comment: commentFirstLine(h.docComment.text) } : {}),
  }));
  const ops = opsOf(model);
  const derived = derivedOf(model);
  const blocks = docBlocks(model.files);
  const handlerDocs: DocSource[] = model.handlers
    .filter((h) => h.docComment)
    .map((h) => ({ file: h.file, comment: h.docComment!, label: `${h.fn.name}()`, kind: 'handler' }));
  const questions: ReportQuestion[] = assessQuestions([...blocks, ...handlerDocs]).map((q) => ({
    id: q.id,
    title: q.title,
    state: q.state,
    evidence: q.evidence.map((e) => ({ at: at(e.source.file.path, e.line), source: e.source.label, excerpt: e.excerpt, how: e.how })),
    prompts: q.prompts.map((p) => ({ at: at(p.source.file.path, p.line), source: p.source.label })),
  }));
  const maintainers = whoMustLook(model, parents, mf, root, !!where?.inTree, host);
  if (mf) show(mf.path);
  const pci = model.files.flatMap((f) =>
    f.facts.opsInits.filter((o) => o.structType === 'pci_driver').map((o) => ({ ...at(f.path, o.line), name: o.variable })),
  )[0];

  const report: ReportModel = {
    driver: {
      name: path.basename(dir),
      dir,
      displayDir: where?.inTree ? treeRelative(where.root, dir) : path.basename(dir),
      isVariantDriver: model.isVariantDriver,
      reason: model.reason,
      files: model.files.map((f) => ({ path: f.path, display: show(f.path), lines: f.lines.lineCount })),
      ...(pci ? { pciDriver: pci } : {}),
    },
    summary: [],
    parents,
    migration: { ops, handlers, derived },
    docBlocks: blocks.map((b) => ({ title: b.label.replace(/^DOC:\s*/, ''), at: at(b.file.path, b.comment.startLine) })),
    questions,
    maintainers,
    display,
  };
  report.summary = summarize(report);
  return report;
}

// ------------------------------------------------------------------ summary

function summarize(r: ReportModel): string[] {
  const lines: string[] = [];
  const d = r.driver;
  if (!d.isVariantDriver) {
    lines.push(`${d.displayDir}: not analysed as a vfio-pci variant driver (${d.reason}).`);
    return lines;
  }
  lines.push(
    `${d.displayDir}: vfio-pci variant driver, ${d.files.length} file(s)${d.pciDriver ? `, struct pci_driver ${d.pciDriver.name}` : ''}.`,
  );
  if (!r.parents.length) lines.push('Parent drivers: none found.');
  for (const p of r.parents) {
    lines.push(
      `Parent ${p.name}: ${p.total} call(s) to ${p.callees.length} function(s), ${p.documented} documented` +
        `${p.ackFrom.length ? `; needs Acked-by from ${p.ackFrom.map((x) => x.name || x.address).join(', ')}` : ''}.`,
    );
  }
  const h = r.migration.handlers;
  if (r.migration.ops.length) {
    lines.push(
      `Migration: ${r.migration.ops.map((o) => `${o.type} ${o.variable}`).join(', ')}; ` +
        `${h.length} handler(s), ${h.filter((x) => x.documented).length} documented (${h.filter((x) => x.kernelDoc).length} kernel-doc).`,
    );
  } else lines.push('Migration: the driver implements no migration or dirty-tracking ops.');
  if (r.migration.ops.length) {
    const answered = r.questions.filter((q) => q.state === 'answered');
    lines.push(
      `Acceptance questions answered in the docs: ${answered.length} of ${r.questions.length}` +
        `${
          answered.length < r.questions.length
            ? ` (open: ${r.questions
                .filter((q) => q.state !== 'answered')
                .map((q) => q.title)
                .join('; ')})`
            : ''
        }` +
        `; ${r.docBlocks.length} DOC: block(s).`,
    );
  }
  const m = r.maintainers;
  if (!m.found) lines.push('MAINTAINERS: not found, reviewers and parent owners unknown.');
  else {
    if (m.inTree) lines.push(m.ownEntry ? `MAINTAINERS entry: ${m.ownEntry.title}.` : 'MAINTAINERS: the driver has no entry of its own.');
    if (m.acceptance) lines.push(`Review from at least one of: ${m.acceptance.reviewers.map((x) => x.name || x.address).join(', ')}.`);
    if (m.vfio) lines.push(`vfio maintainer: ${m.vfio.maintainers.map((x) => x.name || x.address).join(', ')}.`);
  }
  return lines;
}

// Used by tests to compare with get_maintainer.pl.
export { recipientsFor };

export { commentFirstLine } from './model';
export type {
  ReportCall,
  ReportDerived,
  ReportEntry,
  ReportHandler,
  ReportLocation,
  ReportMaintainers,
  ReportModel,
  ReportOps,
  ReportParent,
  ReportQuestion,
} from './model';
export { driverDirFiles } from './whoMustLook';
