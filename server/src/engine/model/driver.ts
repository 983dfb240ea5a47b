/**
 * The driver model: a driver is the directory holding the file, all its .c and
 * .h files analysed together (ops structs and handlers often live apart).
 * Produces the two kinds of review items: parent-driver calls and migration
 * state handlers, each with its documentation state.
 */
import * as path from 'path';
import { callContext, type AssignFact, type CallContext, type CallFact, type CommentFact, type FunctionFact } from './facts';
import type { DriverItem } from './driverChecks';
import type { HeaderIndex } from './kernelTree';
import {
  PF_LOOKUPS,
  apiName,
  isAllCapsMacro,
  isGenericKernelApi,
  knownParentOf,
  namePattern,
  parentHeaderFor,
  parentHeaderForRelative,
  type ParentHeader,
} from './parents';
import { physfnLookups, tableInteractions } from './parentTables';
import type { Settings } from '../settings';
import type { ApiDocLookup } from './apiDocs';
import { commentsAbove, isSuppression, suppressionRules, type SourceFile } from './sourceFile';
import { isIdentPart } from '../syntax/lexer';
import { compareText } from '../syntax/text';

export const MIGRATION_OPS = 'vfio_migration_ops';
export const LOG_OPS = 'vfio_log_ops';
export const FILE_OPS = 'file_operations';
/** file_operations members that move or control migration data. */
export const MIGRATION_FOPS_MEMBERS = new Set(['read', 'write', 'unlocked_ioctl', 'compat_ioctl', 'release']);
/** Members that may be assigned at run time rather than in an initializer. */
const RUNTIME_OPS_MEMBER = /^(?:migration_\w+|log_start|log_stop|log_read_and_clear)$/;
/** Functions that turn a file_operations into a file handed to userspace. */
const ANON_INODE_FILE = /^anon_inode_(?:getfile|getfile_fmode|create_getfile|getfd|create_getfd)$/;
const isAnonInodeSink = (callee: string) => callee.startsWith('anon_inode_') && ANON_INODE_FILE.test(callee);

export type Evidence =
  | { kind: 'pf-lookup' }
  | { kind: 'catalog' }
  | { kind: 'settings' }
  | { kind: 'header'; include: string; declared: boolean }
  | { kind: 'data-flow'; via: string }
  /** The driver declares the prototype itself but defines it nowhere: it lives in a companion driver. */
  | { kind: 'declared-by-driver' };

export interface ParentCallItem {
  kind: 'parent-call';
  file: SourceFile;
  call: CallFact;
  /** Statement lines and result target of the call, looked up for review items only. */
  context: CallContext;
  parent: string;
  evidence: Evidence;
  fn?: FunctionFact;
  documented: boolean;
  docComment?: CommentFact;
  suppressed: string[] | undefined;
  /** A call through a table of parent functions: the table member called (`ggtt.load`). */
  via?: string;
  /** A call through a table: the table, the expression called and every parent function behind it. */
  pointer?: { table: string; expression: string; candidates: string[] };
  /** An entry of a table of parent functions: the table and the member. */
  entry?: { table: string; member: string };
  /** Length of the name at the position when it is not the callee's (the member of a call through a table). */
  span?: number;
}

export interface HandlerWiring {
  ops: string;
  member: string;
  variable: string;
  file: SourceFile;
  line: number;
  column: number;
}

export interface HandlerItem {
  kind: 'migration-handler';
  file: SourceFile;
  fn: FunctionFact;
  wiring: HandlerWiring[];
  documented: boolean;
  kernelDoc: boolean;
  docComment?: CommentFact;
  suppressed: string[] | undefined;
}

export type ReviewItem = ParentCallItem | HandlerItem | DriverItem;

export interface HeaderHelperCall {
  file: SourceFile;
  call: CallFact;
  parent: string;
  /** The parent header whose family defines it. */
  include: string;
}

export interface DriverModel {
  dir: string;
  files: SourceFile[];
  /** Why the directory is (not) analysed. */
  isVariantDriver: boolean;
  reason: string;
  parentCalls: ParentCallItem[];
  handlers: HandlerItem[];
  /** Calls of a parent header's static inlines and macros that run no code of the parent (report inventory only). */
  headerHelpers: HeaderHelperCall[];
  /** Directory-level items (driverChecks.ts), filled in by the workspace. */
  driverItems?: DriverItem[];
  /** Parent APIs' kernel-doc in the kernel tree (apiDocs.ts), filled in by the workspace. */
  apiDocs?: ApiDocLookup;
  /** The kernel tree around the driver, when there is one: its files can be read by path relative to its root. */
  kernel?: { root: string; read(relativePath: string): string | undefined };
}

export interface DriverContext {
  settings: Settings;
  kernelRoot?: string;
  headers?: HeaderIndex;
  /** Members of vfio_migration_ops / vfio_log_ops in the kernel tree's include/linux/vfio.h, when there is one. */
  vfioOpsMembers?: ReadonlySet<string>;
}

/**
 * Whether `text` defines function `name`: a line `type ... name(params) {`, as
 * /^[A-Za-z_][\w \t*]*\bname\s*\([^;{)]*\)\s*\{/m would say, checked only at the
 * places the name occurs (that regex tried every line: a third of an edit's time).
 */
function definesFunction(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    let lineStart = i;
    while (lineStart > 0 && !LINE_BREAK.test(text[lineStart - 1])) lineStart--;
    if (i === lineStart || !DEFINITION_HEAD.test(text.slice(lineStart, i))) continue;
    DEFINITION_TAIL.lastIndex = i + name.length;
    if (DEFINITION_TAIL.test(text)) return true;
  }
  return false;
}
const LINE_BREAK = /[\n\r\u2028\u2029]/;
/** What precedes the name on its line: a type, ending in a non-word character. */
const DEFINITION_HEAD = /^[A-Za-z_][\w \t*]*[ \t*]$/;
const DEFINITION_TAIL = /\s*\([^;{)]*\)\s*\{/y;
const USES_PCI_CORE = /#\s*include\s*<linux\/vfio_pci_core\.h>|\bvfio_pci_core_\w+\s*\(/;

export interface DriverKind {
  ok: boolean;
  reason: string;
}

/**
 * A vfio-pci variant driver builds on vfio-pci core and is not vfio-pci core or
 * vfio core itself. Decided on the text alone, before anything is parsed, so a
 * directory that cannot matter costs a few regex scans.
 */
/** What one file says about the kind of its directory; cheap to cache per file version. */
export interface SourceTraits {
  definesPciCore: boolean;
  definesVfioCore: boolean;
  usesPciCore: boolean;
}

export function sourceTraits(text: string): SourceTraits {
  return {
    definesPciCore: definesFunction(text, 'vfio_pci_core_register_device'),
    definesVfioCore: definesFunction(text, 'vfio_register_group_dev'),
    // Both spellings contain the literal: a native search rules most files out before the regex runs.
    usesPciCore: text.includes('vfio_pci_core') && USES_PCI_CORE.test(text),
  };
}

export function classifySources(
  sources: readonly { path: string; text: string }[],
  traitsOf: (s: { path: string; text: string }) => SourceTraits = (s) => sourceTraits(s.text),
): DriverKind {
  if (sources.length && sources.every((s) => s.path.endsWith('.h'))) return { ok: false, reason: 'only headers here: not a driver' };
  const traits = sources.map(traitsOf);
  if (traits.some((t) => t.definesPciCore)) return { ok: false, reason: 'this directory is vfio-pci core itself, not a variant driver' };
  if (traits.some((t) => t.definesVfioCore)) return { ok: false, reason: 'this directory is the vfio core itself, not a driver' };
  // Other vfio drivers (platform, mdev, fsl-mc, ...) are out of scope.
  if (!traits.some((t) => t.usesPciCore)) {
    return { ok: false, reason: 'not a vfio-pci variant driver (nothing here uses <linux/vfio_pci_core.h>)' };
  }
  return { ok: true, reason: 'vfio-pci variant driver' };
}

export function analyzeDriver(dir: string, files: SourceFile[], ctx: DriverContext, kind = classifySources(files)): DriverModel {
  const model: DriverModel = {
    dir,
    files,
    isVariantDriver: kind.ok,
    reason: kind.reason,
    parentCalls: [],
    handlers: [],
    headerHelpers: [],
  };
  if (!kind.ok) return model;
  const { kernelRoot, headers } = ctx;
  if (kernelRoot && headers) model.kernel = { root: kernelRoot, read: (rel) => headers.readText(path.join(kernelRoot, rel)) };
  const local = localNames(files);
  model.handlers = findHandlers(files, local.functions, ctx.vfioOpsMembers);
  const found = findParentCalls(dir, files, local, ctx);
  model.parentCalls = found.items;
  model.headerHelpers = found.helpers;
  return model;
}

interface LocalNames {
  functions: Map<string, { file: SourceFile; fn: FunctionFact }>;
  macros: Set<string>;
  /** Prototypes in the driver's files for functions it does not define. */
  externs: Set<string>;
}

function localNames(files: SourceFile[]): LocalNames {
  const functions = new Map<string, { file: SourceFile; fn: FunctionFact }>();
  const macros = new Set<string>();
  const prototypes = new Set<string>();
  for (const file of files) for (const p of file.facts.prototypes) prototypes.add(p);
  for (const file of files) {
    for (const fn of file.facts.functions) {
      if (functions.has(fn.name) || (prototypes.has(fn.name) && isConfigStub(file, fn))) continue;
      functions.set(fn.name, { file, fn });
    }
    for (const m of file.facts.macros) macros.add(m);
  }
  const externs = new Set<string>();
  for (const file of files) {
    for (const p of file.facts.prototypes) if (!functions.has(p) && !macros.has(p) && !isGenericKernelApi(p)) externs.add(p);
  }
  return { functions, macros, externs };
}

const CONDITIONAL = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

/**
 * `#if IS_ENABLED(CONFIG_PF) int pf_pause(...); #else static inline int pf_pause(...) { return -ENODEV; } #endif`
 * in a header: the definition is a stand-in for a function another driver
 * implements, so the name stays a prototype declared but not defined.
 */
function isConfigStub(file: SourceFile, fn: FunctionFact): boolean {
  if (!file.path.endsWith('.h')) return false;
  for (let n = file.parsed.tree.rootNode.descendantForIndex(fn.nameStart).parent; n; n = n.parent) {
    if (n.type === 'function_definition') continue;
    // A branch of a conditional with another branch (an include guard has none).
    if (CONDITIONAL.has(n.type) && ((!n.type.endsWith('if') && !n.type.endsWith('ifdef')) || n.childForFieldName('alternative')))
      return true;
    if (n.type === 'translation_unit') return false;
  }
  return false;
}

// ---------------------------------------------------------------- handlers

/** Before Linux 6.0, the migration and dirty-logging handlers were members of vfio_device_ops itself. */
export const DEVICE_OPS = 'vfio_device_ops';

function findHandlers(files: SourceFile[], functions: LocalNames['functions'], treeMembers?: ReadonlySet<string>): HandlerItem[] {
  const runtimeMember = (m: string) => RUNTIME_OPS_MEMBER.test(m) || !!treeMembers?.has(m);
  const migrationFops = migrationFileOperations(files, functions);
  const wiringByFn = new Map<string, HandlerWiring[]>();
  const wire = (fnName: string, w: HandlerWiring) => {
    if (!functions.has(fnName)) return; // generic helpers such as compat_ptr_ioctl
    const list = wiringByFn.get(fnName) ?? [];
    list.push(w);
    wiringByFn.set(fnName, list);
  };
  for (const file of files) {
    for (const init of file.facts.opsInits) {
      const isFops = init.structType === FILE_OPS && migrationFops.has(init.variable);
      const isDeviceOps = init.structType === DEVICE_OPS;
      if (init.structType !== MIGRATION_OPS && init.structType !== LOG_OPS && !isFops && !isDeviceOps) continue;
      for (const m of init.members) {
        if (isFops && !MIGRATION_FOPS_MEMBERS.has(m.member)) continue;
        if (isDeviceOps && !RUNTIME_OPS_MEMBER.test(m.member)) continue;
        wire(m.fn, { ops: init.structType, member: m.member, variable: init.variable, file, line: m.line, column: m.column });
      }
    }
    for (const m of file.facts.memberAssigns) {
      if (!runtimeMember(m.member)) continue;
      const ops = m.member.startsWith('log_') ? LOG_OPS : MIGRATION_OPS;
      wire(m.fn, { ops, member: m.member, variable: '', file, line: m.line, column: m.column });
    }
  }
  const items: HandlerItem[] = [];
  for (const [name, wiring] of wiringByFn) {
    const { file, fn } = functions.get(name)!;
    const above = commentsAbove(file, fn.startLine);
    const docs = above.filter((c) => !isSuppression(c));
    items.push({
      kind: 'migration-handler',
      file,
      fn,
      wiring,
      documented: docs.length > 0,
      kernelDoc: docs.some((c) => c.kernelDoc),
      docComment: docs[0],
      suppressed: suppressedBy(above),
    });
  }
  return items.sort((a, b) => compareText(a.file.path, b.file.path) || a.fn.start - b.fn.start);
}

/**
 * file_operations variables whose address reaches anon_inode_getfile() and
 * friends: directly, through local variables, or through driver-local wrapper
 * functions whose parameter is passed on (to any depth).
 */
function migrationFileOperations(files: SourceFile[], functions: LocalNames['functions']): Set<string> {
  const fopsVars = new Set<string>();
  for (const f of files) for (const [name, tag] of f.facts.structVars) if (tag === FILE_OPS) fopsVars.add(name);
  if (fopsVars.size === 0) return fopsVars;

  // Identifiers that flow into an anonymous-inode file, per function. Only sink calls
  // and calls to the driver's own functions (possible wrappers) can carry the flow:
  // the rest, most calls, are skipped without allocating (this runs on every edit).
  const reach = new Map<string, Set<string>>();
  const callsByFn = new Map<string, CallFact[]>();
  const assignsByFn = new Map<string, AssignFact[]>();
  for (const f of files) {
    for (const c of f.facts.calls) {
      if (!c.fn) continue;
      if (isAnonInodeSink(c.callee)) {
        const set = reach.get(c.fn) ?? new Set<string>();
        for (const a of c.args) for (const id of a.idents) set.add(id);
        reach.set(c.fn, set);
      } else if (functions.has(c.callee)) {
        (callsByFn.get(c.fn) ?? callsByFn.set(c.fn, []).get(c.fn)!).push(c);
      }
    }
    for (const a of f.facts.localAssigns) {
      if (a.fn) (assignsByFn.get(a.fn) ?? assignsByFn.set(a.fn, []).get(a.fn)!).push(a);
    }
  }
  if (reach.size === 0) return new Set();
  // A function with a sink but no wrapper calls still grows through its locals.
  for (const fnName of reach.keys()) if (!callsByFn.has(fnName)) callsByFn.set(fnName, []);
  for (let changed = true, rounds = 0; changed && rounds < 16; rounds++) {
    changed = false;
    for (const [fnName, calls] of callsByFn) {
      let set = reach.get(fnName);
      const before = set?.size ?? 0;
      // A call to a wrapper whose parameter reaches the sink.
      for (const c of calls) {
        const target = functions.get(c.callee);
        const targetReach = target && reach.get(c.callee);
        if (!target || !targetReach) continue;
        target.fn.params.forEach((p, i) => {
          if (targetReach.has(p.name) && c.args[i]) for (const id of c.args[i].idents) (set ??= new Set()).add(id);
        });
      }
      if (!set) continue; // nothing reaches a sink here (yet), so no local can carry it
      // Locals assigned from other expressions.
      for (let grew = true; grew;) {
        grew = false;
        for (const a of assignsByFn.get(fnName) ?? []) {
          if (!set.has(a.local)) continue;
          for (const id of a.refs.idents)
            if (!set.has(id)) {
              set.add(id);
              grew = true;
            }
        }
      }
      if (set.size !== before) {
        reach.set(fnName, set);
        changed = true;
      }
    }
  }
  const used = new Set<string>();
  for (const set of reach.values()) for (const id of set) if (fopsVars.has(id)) used.add(id);
  // `migf->fops = &save_fops; ... anon_inode_getfile(name, migf->fops, ...)`.
  const sinkFields = new Set<string>();
  for (const f of files) {
    for (const c of f.facts.calls) if (isAnonInodeSink(c.callee)) for (const a of c.args) for (const fld of a.fields) sinkFields.add(fld);
  }
  for (const f of files) {
    for (const a of f.facts.fieldAssigns) {
      if (sinkFields.has(a.field)) for (const id of a.refs.idents) if (fopsVars.has(id)) used.add(id);
    }
  }
  return used;
}

// ------------------------------------------------------------ parent calls

export interface Classified {
  parent: string;
  evidence: Evidence;
}

function findParentCalls(
  dir: string,
  files: SourceFile[],
  local: LocalNames,
  ctx: DriverContext,
): { items: ParentCallItem[]; helpers: HeaderHelperCall[] } {
  const headers = foreignHeaders(dir, files);
  const declared: { header: ParentHeader; names: Set<string>; helpers: Set<string> }[] = [];
  for (const h of headers) {
    const names = ctx.kernelRoot && ctx.headers ? ctx.headers.declaredBy(ctx.kernelRoot, h) : undefined;
    if (names) declared.push({ header: h, names, helpers: ctx.headers!.helpersBy(ctx.kernelRoot!, h, isGenericKernelApi) });
  }
  const ignore = ctx.settings.ignore.map(namePattern);
  const extra = Object.entries(ctx.settings.extraParents).map(([parent, pats]) => ({ parent, res: pats.map(namePattern) }));

  const classify = (callee: string): Verdict => {
    if (local.functions.has(callee) || local.macros.has(callee)) return 'local';
    if (ignore.some((re) => re.test(callee)) || isAllCapsMacro(callee)) return 'local';
    // Decided from the header's text: an inline or macro that runs no code of the parent.
    for (const d of declared) if (d.helpers.has(callee)) return { helper: d.header };
    if (PF_LOOKUPS.has(callee)) return { parent: '', evidence: { kind: 'pf-lookup' } };
    for (const e of extra) if (e.res.some((re) => re.test(callee))) return { parent: e.parent, evidence: { kind: 'settings' } };
    const known = knownParentOf(callee);
    if (known) return { parent: known.id, evidence: { kind: 'catalog' } };
    if (local.externs.has(callee)) return { parent: '', evidence: { kind: 'declared-by-driver' } };
    for (const d of declared) {
      if (d.names.has(callee)) return { parent: d.header.parent, evidence: { kind: 'header', include: d.header.include, declared: true } };
    }
    // Family prefixes apply whether or not the header could be read.
    for (const h of headers) {
      if (h.prefixes.some((p) => apiName(callee).startsWith(p))) {
        return { parent: h.parent, evidence: { kind: 'header', include: h.include, declared: false } };
      }
    }
    return undefined;
  };

  const items: ParentCallItem[] = [];
  const helpers: HeaderHelperCall[] = [];
  const unknown: { file: SourceFile; call: CallFact }[] = [];
  const verdicts = verdictCache(dir, local, headers, ctx);
  for (const file of files) {
    for (const call of file.facts.calls) {
      if (!call.fn || call.throughPointer) continue;
      if (!verdicts.has(call.callee)) verdicts.set(call.callee, classify(call.callee));
      const v = verdicts.get(call.callee);
      if (v === 'local') continue;
      if (v && 'helper' in v) helpers.push({ file, call, parent: v.helper.parent, include: v.helper.include });
      else if (v) items.push(makeItem(file, call, v, local));
      else if (!isGenericKernelApi(call.callee)) unknown.push({ file, call });
    }
    // `pdev->physfn`: a PF lookup written as a field read (kernels before pci_physfn(), or habit).
    for (const l of physfnLookups(file)) items.push(makeItem(file, l.call, { parent: '', evidence: { kind: 'pf-lookup' } }, local, l));
  }
  // Tables of parent functions, and calls through them.
  const verdictOf = (name: string): Classified | 'local' | undefined => {
    if (!verdicts.has(name)) verdicts.set(name, classify(name));
    const v = verdicts.get(name);
    // A header helper in a table runs no parent code when called through it either.
    return v && v !== 'local' && 'helper' in v ? 'local' : v;
  };
  for (const t of tableInteractions(files, local.functions, verdictOf)) items.push(makeItem(t.file, t.call, t.verdict, local, t));

  // Data flow: handles returned by parent calls, kept in locals or struct fields.
  const handleLocals = new Map<string, string>(); // `${file}\0${fn}\0${local}` -> parent
  const handleFields = new Map<string, string>(); // field -> parent
  const primary = () => mostCommonParent(items);
  const noteHandle = (item: ParentCallItem) => {
    const parent = item.parent || primary() || 'SR-IOV PF driver';
    if (item.context.resultLocal) handleLocals.set(`${item.file.path}\0${item.call.fn}\0${item.context.resultLocal}`, parent);
    if (item.context.resultField) handleFields.set(item.context.resultField, parent);
  };
  items.forEach(noteHandle);
  for (let changed = true, rounds = 0; changed && unknown.length && rounds < 8; rounds++) {
    changed = false;
    for (let i = unknown.length - 1; i >= 0; i--) {
      const { file, call } = unknown[i];
      let via: string | undefined;
      let parent: string | undefined;
      for (const arg of call.args) {
        for (const id of arg.idents) {
          const p = handleLocals.get(`${file.path}\0${call.fn}\0${id}`);
          if (p) {
            via = id;
            parent = p;
          }
        }
        for (const f of arg.fields) {
          const p = handleFields.get(f);
          if (p) {
            via = f;
            parent = p;
          }
        }
      }
      if (!parent || !via) continue;
      const item = makeItem(file, call, { parent, evidence: { kind: 'data-flow', via } }, local);
      items.push(item);
      noteHandle(item);
      unknown.splice(i, 1);
      changed = true;
    }
  }

  // PF lookups name the parent they lead to.
  const fallback = primary() ?? 'SR-IOV PF driver';
  for (const item of items) {
    if (item.evidence.kind === 'pf-lookup') item.parent = lookupParent(item, items) ?? fallback;
    else if (!item.parent) item.parent = fallback;
  }
  return { items: items.sort((a, b) => compareText(a.file.path, b.file.path) || a.call.start - b.call.start), helpers };
}

type Verdict = Classified | { helper: ParentHeader } | 'local' | undefined;

/** Per workspace (its header index) and driver directory: the verdicts of the last analysis and what they depended on. */
const verdictsByWorkspace = new WeakMap<object, Map<string, { key: string; settings: Settings; verdicts: Map<string, Verdict> }>>();

/**
 * The callee verdicts of the previous analysis of `dir` when nothing they depend
 * on has changed (the driver's own names, its parent headers, the settings, the
 * tree): an edit rarely changes those, and classifying every callee again was a
 * good part of an edit's allocations. A fresh map otherwise.
 */
function verdictCache(dir: string, local: LocalNames, headers: ParentHeader[], ctx: DriverContext): Map<string, Verdict> {
  const owner = ctx.headers;
  if (!owner) return new Map();
  const key = [
    ctx.kernelRoot ?? '',
    headers.map((h) => h.include).join(','),
    [...local.functions.keys()].join(','),
    [...local.macros].join(','),
    [...local.externs].join(','),
  ].join('\0');
  const byDir = verdictsByWorkspace.get(owner) ?? verdictsByWorkspace.set(owner, new Map()).get(owner)!;
  const cached = byDir.get(dir);
  if (cached && cached.key === key && cached.settings === ctx.settings) return cached.verdicts;
  const verdicts = new Map<string, Verdict>();
  byDir.set(dir, { key, settings: ctx.settings, verdicts });
  return verdicts;
}

/** `pci_iov_get_pf_drvdata(pdev, hisi_sec_get_pf_driver())`: the driver argument names the parent. */
function lookupParent(item: ParentCallItem, items: ParentCallItem[]): string | undefined {
  const ids = new Set(item.call.args.slice(1).flatMap((a) => a.idents));
  const hit = items.find(
    (o) =>
      o !== item &&
      o.file === item.file &&
      o.parent &&
      ids.has(o.call.callee) &&
      o.call.line >= item.call.line &&
      o.call.line <= item.call.line + 2,
  );
  return hit?.parent;
}

function mostCommonParent(items: ParentCallItem[]): string | undefined {
  const counts = new Map<string, number>();
  for (const i of items) if (i.parent) counts.set(i.parent, (counts.get(i.parent) ?? 0) + 1);
  let best: string | undefined;
  for (const [p, n] of counts) if (!best || n > counts.get(best)!) best = p;
  return best;
}

/** `found`: an interaction not written as a call (a table entry, a call through a table, `pdev->physfn`), with its context. */
function makeItem(
  file: SourceFile,
  call: CallFact,
  v: Classified,
  local: LocalNames,
  found?: { context: CallContext; via?: string; pointer?: ParentCallItem['pointer']; entry?: ParentCallItem['entry']; span: number },
): ParentCallItem {
  const fnEntry = call.fn ? local.functions.get(call.fn) : undefined;
  const fn = fnEntry?.file === file ? fnEntry.fn : file.facts.functions.find((f) => f.name === call.fn);
  const context = found?.context ?? callContext(file.parsed.tree, call);
  const member = found?.via?.slice(found.via.lastIndexOf('.') + 1);
  const { documented, docComment, suppressed } = callDocumentation(file, call, context, fn, member);
  const item: ParentCallItem = {
    kind: 'parent-call',
    file,
    call,
    context,
    parent: v.parent,
    evidence: v.evidence,
    fn,
    documented,
    docComment,
    suppressed,
  };
  if (found?.via) item.via = found.via;
  if (found?.pointer) item.pointer = found.pointer;
  if (found?.entry) item.entry = found.entry;
  if (found && found.span !== call.callee.length) item.span = found.span;
  return item;
}

/** `member`: a call through a table is also named by its member, written as one (`->pause`, `.pause`, `pause()`). */
function callDocumentation(file: SourceFile, call: CallFact, context: CallContext, fn: FunctionFact | undefined, member?: string) {
  let suppressed: string[] | undefined;
  for (const line of context.anchorLines) {
    const above = commentsAbove(file, line);
    suppressed ??= suppressedBy(above);
    const doc = above.find((c) => !isSuppression(c));
    if (doc) return { documented: true, docComment: doc, suppressed };
  }
  if (fn) {
    const above = commentsAbove(file, fn.startLine);
    suppressed ??= suppressedBy(above);
    const doc = above.find((c) => !isSuppression(c) && (mentionsWord(c.text, call.callee) || (!!member && mentionsMember(c.text, member))));
    if (doc) return { documented: true, docComment: doc, suppressed };
  }
  return { documented: false, docComment: undefined, suppressed };
}

/** `text` has `word` as a whole word (what /\bword\b/ says), without compiling a regex per call on every edit. */
function mentionsWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (!isIdentPart(text.charCodeAt(i - 1)) && !isIdentPart(text.charCodeAt(i + word.length))) return true;
  }
  return false;
}

function mentionsMember(text: string, member: string): boolean {
  return new RegExp(`(?:->|\\.)\\s*${member}\\b|\\b${member}\\(\\)`).test(text);
}

function suppressedBy(comments: CommentFact[]): string[] | undefined {
  for (const c of comments) {
    const rules = suppressionRules(c);
    if (rules) return rules;
  }
  return undefined;
}

/** Headers of other drivers that this driver includes. */
function foreignHeaders(dir: string, files: SourceFile[]): ParentHeader[] {
  const out = new Map<string, ParentHeader>();
  for (const f of files) {
    for (const inc of f.facts.includes) {
      if (out.has(inc.path)) continue;
      if (inc.system) {
        const h = parentHeaderFor(inc.path);
        if (h) out.set(inc.path, h);
      } else {
        const resolved = path.resolve(path.dirname(f.path), inc.path);
        const rel = path.relative(dir, resolved);
        if (rel.startsWith('..') && !path.isAbsolute(rel)) {
          out.set(inc.path, parentHeaderForRelative(inc.path, path.basename(path.dirname(resolved))));
        }
      }
    }
  }
  return [...out.values()];
}
