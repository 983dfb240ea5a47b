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
import { assessQuestions, docBlocks, type DocSource, type QuestionResult } from '../model/acceptance';
import { LOG_OPS, MIGRATION_OPS, type DriverModel, type ParentCallItem } from '../model/driver';
import { stateArcs } from '../model/derived';
import { handlerFacts } from '../fixes/derivedText';
import { decodeSource, type FileSystemHost } from '../host';
import { scanHeader } from '../model/kernelTree';
import {
  ACCEPTANCE_DOC,
  acceptanceEntry,
  addEntry,
  entriesForFiles,
  entryByTitle,
  newRecipients,
  recipientsFor,
  treeRelative,
  VFIO_ENTRY,
  type EntryMatch,
  type MaintainersEntry,
  type MaintainersFile,
  type Person,
} from '../maintainers/maintainers';
import { getMaintainerLines, linesForEntries, parentOwnerLines, parentOwnersOf, renderCc, type CcLine } from '../maintainers/getMaintainer';
import { KNOWN_PARENTS, parentHeaderFor, parentHeaderForRelative, type ParentHeader } from '../model/parents';
import type { Workspace } from '../workspace';
import { compareText } from '../syntax/text';

/** A source location: absolute path and 1-based line. */
export interface ReportLocation {
  path: string;
  line: number;
}

export interface ReportEntry {
  title: string;
  /** 1-based line of the title in MAINTAINERS. */
  line: number;
  status: string;
  maintainers: Person[];
  reviewers: Person[];
  lists: string[];
  /** The pattern that matched and its get_maintainer.pl depth (entries found by matching). */
  pattern?: string;
  depth?: number;
}

export interface ReportCall {
  at: ReportLocation;
  fn?: string;
  documented: boolean;
  suppressed: boolean;
  comment?: string;
}

export interface ReportParent {
  name: string;
  title?: string;
  callees: { name: string; header?: string; calls: ReportCall[] }[];
  /** Inlines and macros of the parent's headers the driver uses: no code of the parent runs, nothing to document. */
  helpers: { name: string; include: string; at: ReportLocation[] }[];
  total: number;
  documented: number;
  /** Tree-relative headers that declare the callees. */
  headers: string[];
  /** Entries covering those headers (THE REST left out), most specific first. */
  entries: ReportEntry[];
  /** M: people of those entries: the parent's maintainers, whose Acked-by the interaction needs. */
  ackFrom: Person[];
  /** Entries that look like the parent's by name when no entry covers its headers (not get_maintainer.pl's answer). */
  probable: ReportEntry[];
  note?: string;
}

export interface ReportHandler {
  name: string;
  at: ReportLocation;
  roles: string[];
  documented: boolean;
  kernelDoc: boolean;
  comment?: string;
}

/** What the code says about the migration handlers (model/derived.ts), ready to paste into a cover letter. */
export interface ReportDerived {
  /** Arcs of the set_state handler, each with its parent calls (`callee() (parent)`). */
  arcs: { from: string; to: string; where: string; at: ReportLocation; parentCalls: string[] }[];
  /** Per handler: the facts its kernel-doc template is pre-filled with. */
  handlers: { name: string; facts: { heading: string; text: string; items?: string[] }[] }[];
  /** The above as plain text. */
  text: string;
  /** A Mermaid state diagram of the implemented arcs. */
  mermaid: string;
}

export interface ReportOps {
  type: string;
  variable: string;
  at: ReportLocation;
  members: { member: string; handler: string }[];
}

export interface ReportQuestion {
  id: string;
  title: string;
  state: QuestionResult['state'];
  evidence: { at: ReportLocation; source: string; excerpt: string; how: 'section' | 'keywords' }[];
  prompts: { at: ReportLocation; source: string }[];
}

export interface ReportMaintainers {
  found: boolean;
  /** MAINTAINERS path, when found. */
  path?: string;
  /** The driver lies inside the tree that holds MAINTAINERS. */
  inTree: boolean;
  /** Clear text for the cases with nothing (or not everything) to say. */
  notes: string[];
  driverEntries: ReportEntry[];
  ownEntry?: ReportEntry;
  acceptance?: ReportEntry;
  vfio?: ReportEntry;
  parents: ReportParent[];
  /** `Cc: Name <address>` lines: driver recipients, then parents', then mailing lists. */
  cc: string[];
  /**
   * `vfio-variant cc`'s list (getMaintainer.ts): get_maintainer.pl's lines for the driver's
   * files with role stats, then the parents' owners, marked.
   */
  toCc: string[];
  /** The lines behind toCc: the driver's files' recipients and the parents' owners (getMaintainer.ts). */
  ccLines: { files: CcLine[]; parents: CcLine[] };
}

export interface ReportModel {
  driver: {
    name: string;
    dir: string;
    /** The directory as reviewers know it: tree-relative when in a tree. */
    displayDir: string;
    isVariantDriver: boolean;
    reason: string;
    files: { path: string; display: string; lines: number }[];
    pciDriver?: ReportLocation & { name: string };
  };
  summary: string[];
  parents: ReportParent[];
  migration: { ops: ReportOps[]; handlers: ReportHandler[]; derived: ReportDerived };
  docBlocks: { title: string; at: ReportLocation }[];
  questions: ReportQuestion[];
  maintainers: ReportMaintainers;
  /** Display path for any absolute path of this report. */
  display: Record<string, string>;
}

const at = (p: string, line0: number): ReportLocation => ({ path: p, line: line0 + 1 });

function derivedOf(model: DriverModel): ReportDerived {
  const setState = model.handlers.find((h) => h.wiring.some((w) => w.member === 'migration_set_state'));
  const arcs = (setState ? stateArcs(model, setState) : []).map((a) => ({
    from: a.from,
    to: a.to,
    where: a.where,
    at: at(model.files.find((f) => f.facts.functions.some((fn) => fn.name === a.where))?.path ?? setState!.file.path, a.line),
    parentCalls: a.parentCalls.map((c) => `${c.callee}() (${c.parent})`),
  }));
  const handlers = model.handlers.map((h) => ({ name: h.fn.name, facts: handlerFacts(model, h).paragraphs })).filter((h) => h.facts.length);
  const text: string[] = [];
  for (const h of handlers) {
    text.push(`${h.name}():`);
    for (const p of h.facts) {
      text.push(`  ${p.heading} ${p.text}`);
      for (const i of p.items ?? []) text.push(`    - ${i}`);
    }
  }
  const node = (s: string) => (s === 'any' ? 'ANY' : s);
  const mermaid = [
    'stateDiagram-v2',
    ...arcs.map((a) => {
      const parents = new Map<string, number>();
      for (const c of a.parentCalls) {
        const p = /\(([^)]+)\)$/.exec(c)?.[1] ?? '';
        parents.set(p, (parents.get(p) ?? 0) + 1);
      }
      const label = [...parents].map(([p, n]) => `${n} ${p} call${n > 1 ? 's' : ''}`).join(', ');
      return `    ${node(a.from)} --> ${node(a.to)}${label ? ` : ${label}` : ''}`;
    }),
  ].join('\n');
  return { arcs, handlers, text: text.join('\n'), mermaid };
}

/** First line of a comment's text, without comment markers. */
export function commentFirstLine(text: string): string {
  const body = text
    .replace(/^\/\*+|\*+\/$/g, '')
    .replace(/^\/\/+/gm, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter(Boolean);
  return body[0] ?? '';
}

function reportEntry(e: MaintainersEntry, match?: EntryMatch): ReportEntry {
  return {
    title: e.title.trim(),
    line: e.line + 1,
    status: e.status,
    maintainers: e.maintainers,
    reviewers: e.reviewers,
    lists: e.lists.filter((l) => !/subscribers-only/.test(l.note)).map((l) => l.address),
    ...(match ? { pattern: match.pattern, depth: match.depth } : {}),
  };
}

const THE_REST = 'THE REST';

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

// ------------------------------------------------------------------ parents

function parentsOf(model: DriverModel): ReportParent[] {
  const byParent = new Map<string, ParentCallItem[]>();
  for (const c of model.parentCalls) (byParent.get(c.parent) ?? byParent.set(c.parent, []).get(c.parent)!).push(c);
  return [...byParent.entries()]
    .map(([name, items]) => {
      const byCallee = new Map<string, ParentCallItem[]>();
      for (const c of items) (byCallee.get(c.call.callee) ?? byCallee.set(c.call.callee, []).get(c.call.callee)!).push(c);
      return {
        name,
        title: KNOWN_PARENTS.find((k) => k.id === name)?.title,
        callees: [...byCallee.entries()].map(([callee, calls]) => ({
          name: callee,
          calls: calls.map((c) => ({
            at: at(c.file.path, c.call.line),
            fn: c.call.fn,
            documented: c.documented,
            suppressed: !!c.suppressed && (c.suppressed.length === 0 || c.suppressed.includes('parent-call-undocumented')),
            ...(c.docComment ? { comment: commentFirstLine(c.docComment.text) } : {}),
          })),
        })),
        helpers: [],
        total: items.length,
        documented: items.filter((c) => c.documented).length,
        headers: [],
        entries: [],
        ackFrom: [],
        probable: [],
      };
    })
    .sort((a, b) => b.total - a.total || compareText(a.name, b.name));
}

/** Header helpers go with the parent whose headers define them. */
function addHeaderHelpers(model: DriverModel, parents: ReportParent[]): void {
  for (const h of model.headerHelpers) {
    let p = parents.find((x) => x.name === h.parent);
    if (!p) {
      p = {
        name: h.parent,
        title: KNOWN_PARENTS.find((k) => k.id === h.parent)?.title,
        callees: [],
        helpers: [],
        total: 0,
        documented: 0,
        headers: [],
        entries: [],
        ackFrom: [],
        probable: [],
      };
      parents.push(p);
    }
    let entry = p.helpers.find((x) => x.name === h.call.callee);
    if (!entry) p.helpers.push((entry = { name: h.call.callee, include: h.include, at: [] }));
    entry.at.push(at(h.file.path, h.call.line));
  }
}

function opsOf(model: DriverModel): ReportOps[] {
  const out = new Map<string, ReportOps>();
  for (const f of model.files) {
    for (const o of f.facts.opsInits) {
      if (o.structType !== MIGRATION_OPS && o.structType !== LOG_OPS) continue;
      out.set(`${o.structType}\0${o.variable}`, {
        type: o.structType,
        variable: o.variable,
        at: at(f.path, o.line),
        members: o.members.map((m) => ({ member: m.member, handler: m.fn })),
      });
    }
  }
  // file_operations of migration data files and run-time assignments, as the handlers' wiring shows them.
  for (const h of model.handlers) {
    for (const w of h.wiring) {
      const key = `${w.ops}\0${w.variable}`;
      if (out.has(key) && out.get(key)!.members.some((m) => m.member === w.member)) continue;
      const ops = out.get(key) ?? {
        type: w.ops,
        variable: w.variable || '(assigned at run time)',
        at: at(w.file.path, w.line),
        members: [],
      };
      ops.members.push({ member: w.member, handler: h.fn.name });
      out.set(key, ops);
    }
  }
  return [...out.values()];
}

/** Tree-relative headers (under include/ or a relative include) that declare each callee. */
function declaringHeaders(model: DriverModel, parent: ReportParent, root: string, host: FileSystemHost): void {
  const scanned = new Map<string, { names: Set<string>; includes: string[] } | null>();
  const scan = (rel: string) => {
    if (!scanned.has(rel)) {
      const bytes = host.readBytes(path.join(root, rel));
      const decoded = bytes ? decodeSource(bytes) : undefined;
      scanned.set(rel, decoded?.ok ? scanHeader(decoded.text) : null);
    }
    return scanned.get(rel) ?? undefined;
  };
  // The driver's includes of this parent's headers (and, within the family, what they include).
  const starts: { rel: string; header: ParentHeader }[] = [];
  for (const f of model.files) {
    for (const inc of f.facts.includes) {
      if (inc.system) {
        const h = parentHeaderFor(inc.path);
        if (h && h.parent === parent.name) starts.push({ rel: `include/${inc.path}`, header: h });
      } else {
        const resolved = path.resolve(path.dirname(f.path), inc.path);
        if (path.dirname(resolved) === model.dir) continue;
        const h = parentHeaderForRelative(inc.path, path.basename(path.dirname(resolved)));
        if (h.parent === parent.name) starts.push({ rel: treeRelative(root, resolved), header: h });
      }
    }
  }
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length && seen.size < 64) {
    const { rel, header } = queue.shift()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    const decl = scan(rel);
    if (!decl) continue;
    order.push(rel);
    for (const i of decl.includes) if (header.family && i.startsWith(header.family)) queue.push({ rel: `include/${i}`, header });
  }
  const used = new Set<string>();
  for (const c of parent.callees) {
    const hit = order.find((rel) => scan(rel)!.names.has(c.name));
    if (hit) {
      c.header = hit;
      used.add(hit);
    }
  }
  parent.headers = [...used];
}

// ------------------------------------------------------------ who must look

function whoMustLook(
  model: DriverModel,
  parents: ReportParent[],
  mf: MaintainersFile | undefined,
  root: string | undefined,
  inTree: boolean,
  host: FileSystemHost,
): ReportMaintainers {
  const out: ReportMaintainers = {
    found: !!mf,
    inTree,
    notes: [],
    driverEntries: [],
    parents,
    cc: [],
    toCc: [],
    ccLines: { files: [], parents: [] },
  };
  if (!mf || !root) {
    out.notes.push(
      'MAINTAINERS was not found: the driver is not inside a kernel tree (no directory above it holds MAINTAINERS ' +
        'and include/linux/), and no --kernel-tree was given. Run the report inside a kernel tree, or pass --kernel-tree, ' +
        'to learn who must review and ack the driver.',
    );
    return out;
  }
  out.path = mf.path;
  const acceptance = acceptanceEntry(mf);
  const vfio = entryByTitle(mf, VFIO_ENTRY);
  if (acceptance) out.acceptance = reportEntry(acceptance);
  else out.notes.push(`No MAINTAINERS entry has P: ${ACCEPTANCE_DOC}; the acceptance reviewers cannot be named.`);
  if (vfio) out.vfio = reportEntry(vfio);
  else out.notes.push(`MAINTAINERS has no "${VFIO_ENTRY}" entry; the vfio maintainer cannot be named.`);

  const driverFiles = inTree ? model.files.map((f) => treeRelative(root, f.path)) : [];
  const recipients = newRecipients();
  if (inTree) {
    const matches = entriesForFiles(mf, driverFiles, host);
    out.driverEntries = matches.filter((m) => m.entry.title.trim() !== THE_REST).map((m) => reportEntry(m.entry, m));
    const relDir = treeRelative(root, model.dir);
    const own = matches.find((m) => m.via === 'F' && isOwnPattern(m.pattern, relDir));
    if (own) out.ownEntry = reportEntry(own.entry, own);
    else
      out.notes.push(
        `No MAINTAINERS entry of its own covers ${relDir}/ (no F: pattern for the directory); ` +
          'add one (the maintainers-entry-missing quick fix inserts a template).',
      );
    if (!out.driverEntries.length) out.notes.push(`No MAINTAINERS entry covers ${relDir}/ at all.`);
    for (const f of driverFiles) for (const m of entriesForRecipients(mf, f, host)) addEntry(recipients, m);
  } else {
    out.notes.push(
      `The driver is outside the kernel tree ${root}: no MAINTAINERS entry can cover it yet. ` +
        "The acceptance reviewers, the vfio maintainer and the parents' maintainers below come from that tree.",
    );
    if (acceptance) addEntry(recipients, acceptance);
    if (vfio) addEntry(recipients, vfio);
  }

  const driverEntryTitles = new Set(out.driverEntries.map((e) => e.title));
  for (const p of parents) {
    declaringHeaders(model, p, root, host);
    if (!p.headers.length) {
      p.note = 'no header in the tree declares these callees, so no MAINTAINERS entry can be matched to them';
      continue;
    }
    const matches = entriesForFiles(mf, p.headers, host).filter((m) => m.entry.title.trim() !== THE_REST);
    p.entries = matches.map((m) => reportEntry(m.entry, m));
    const acks = newRecipients();
    for (const m of matches) addEntry(acks, m.entry, 'maintainer');
    p.ackFrom = acks.out.people.map((x) => x.person);
    for (const h of p.headers) for (const m of entriesForRecipients(mf, h, host)) addEntry(recipients, m);
    if (!matches.length) {
      p.note =
        `no MAINTAINERS entry covers ${p.headers.join(', ')} (only THE REST), so get_maintainer.pl names nobody for it; ` +
        'ask the maintainers of the driver that exports these functions';
      p.probable = probableOwners(mf, p, driverEntryTitles).map((e) => reportEntry(e));
    }
  }
  out.cc = [...recipients.out.people.map((x) => `Cc: ${x.person.text}`), ...recipients.out.lists.map((x) => `Cc: ${x.list.address}`)];
  out.ccLines = ccLinesOf(model, parents, mf, root, inTree, host, [acceptance, vfio]);
  out.toCc = renderCc(out.ccLines.files, out.ccLines.parents);
  return out;
}

/** The driver directory's files, tree-relative, as `get_maintainer.pl -f drivers/vfio/pci/<vendor>/*` takes them. */
export function driverDirFiles(dir: string, root: string, host: FileSystemHost): string[] {
  return (host.readDir(dir) ?? [])
    .filter((n) => host.stat(path.join(dir, n))?.isFile)
    .sort()
    .map((n) => treeRelative(root, path.join(dir, n)));
}

function ccLinesOf(
  model: DriverModel,
  parents: ReportParent[],
  mf: MaintainersFile,
  root: string,
  inTree: boolean,
  host: FileSystemHost,
  outOfTree: (MaintainersEntry | undefined)[],
): ReportMaintainers['ccLines'] {
  const files = inTree
    ? getMaintainerLines(mf, driverDirFiles(model.dir, root, host), host)
    : linesForEntries(outOfTree.filter((e): e is MaintainersEntry => !!e));
  return { files, parents: parentOwnerLines(parentOwnersOf(mf, parents)) };
}

/** Entries in get_maintainer.pl's order for one file, THE REST included (its list is in its output). */
function entriesForRecipients(mf: MaintainersFile, file: string, host: FileSystemHost): MaintainersEntry[] {
  return entriesForFiles(mf, [file], host).map((m) => m.entry);
}

function isOwnPattern(pattern: string, relDir: string): boolean {
  const literal = pattern.trim().split(/[*?[]/)[0].replace(/\/+$/, '');
  return literal === relDir || literal.startsWith(`${relDir}/`);
}

/**
 * When nothing but THE REST covers a parent's headers: entries with an F:
 * directory named like the header's directory (`include/linux/qat/` ->
 * `drivers/crypto/intel/qat/`). A hint, labelled as such, never a match.
 */
function probableOwners(mf: MaintainersFile, p: ReportParent, exclude: Set<string>): MaintainersEntry[] {
  const tokens = new Set<string>();
  for (const h of p.headers) {
    const segs = h.split('/');
    if (segs.length >= 4) tokens.add(segs[segs.length - 2]);
  }
  tokens.add(p.name);
  return mf.entries
    .filter(
      (e) =>
        !exclude.has(e.title.trim()) &&
        e.maintainers.length > 0 &&
        e.fields.some((f) => f.type === 'F' && f.value.startsWith('drivers/') && [...tokens].some((t) => f.value.split('/').includes(t))),
    )
    .slice(0, 3);
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
