/** Parent drivers: their callees, call sites, header helpers and the headers that declare them. */
import * as path from 'path';
import type { DriverModel, ParentCallItem } from '../model/driver';
import { decodeSource, type FileSystemHost } from '../host';
import { scanHeader } from '../model/kernelTree';
import { treeRelative } from '../maintainers/maintainers';
import { KNOWN_PARENTS, parentHeaderFor, parentHeaderForRelative, type ParentHeader } from '../model/parents';
import { compareText } from '../syntax/text';
import { type ReportParent, at, commentFirstLine } from './model';

// ------------------------------------------------------------------ parents

export function parentsOf(model: DriverModel): ReportParent[] {
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
export function addHeaderHelpers(model: DriverModel, parents: ReportParent[]): void {
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

/** Tree-relative headers (under include/ or a relative include) that declare each callee. */
export function declaringHeaders(model: DriverModel, parent: ReportParent, root: string, host: FileSystemHost): void {
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
