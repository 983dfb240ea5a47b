/**
 * Parent-driver calls: each callee of the driver classified (its own names, settings,
 * PF lookups, the known-parent catalog, the parent headers it includes and their name
 * families), calls through tables of parent functions, and handles returned by parent
 * calls followed through locals and struct fields.
 */
import * as path from 'path';
import type { CallFact } from './facts';
import type { DriverContext, Evidence, HeaderHelperCall, LocalNames, ParentCallItem } from './driver';
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
import { makeItem } from './reviewItems';
import type { Settings } from '../settings';
import type { SourceFile } from './sourceFile';
import { compareText } from '../syntax/text';

export interface Classified {
  parent: string;
  evidence: Evidence;
}

export function findParentCalls(
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
