/** Human explanations of review items, in Markdown: hovers in the editor, reports later. */
import * as path from 'path';
import type { DriverModel, HandlerItem, ParentCallItem, ReviewItem } from '../model/driver';
import { modelOf } from '../model/apiDocs';
import { KNOWN_PARENTS } from '../model/parents';

function evidenceText(item: ParentCallItem): string {
  const e = item.evidence;
  switch (e.kind) {
    case 'pf-lookup':
      return 'a PF lookup helper: it reaches the SR-IOV physical function that owns this VF';
    case 'catalog': {
      const known = KNOWN_PARENTS.find((p) => p.id === item.parent);
      if (!known) return 'a known parent-driver API';
      // A catalog header ending in `/` is a folder of headers: say so, and name the one the driver includes.
      const where = known.headers.map((h) => (h.endsWith('/') ? `the headers under \`include/${h}\`` : `\`<${h}>\``)).join(', ');
      const included = item.file.facts.includes.find((i) =>
        known.headers.some((h) => (h.endsWith('/') ? i.path.startsWith(h) : i.path === h)),
      );
      return `API of the ${known.title}, declared in ${where}${included ? ` (this file includes \`<${included.path}>\`)` : ''}`;
    }
    case 'settings':
      return 'matched by `vfioVariant.extraParents`';
    case 'header':
      return e.declared
        ? `declared in \`<${e.include}>\`, a header of another driver`
        : `named like the API of \`<${e.include}>\`, a header of another driver`;
    case 'data-flow':
      return `it takes \`${e.via}\`, a handle obtained from the parent driver`;
    case 'declared-by-driver':
      return 'the driver declares this function itself but does not define it: it is implemented by another driver';
  }
}

function docState(documented: boolean, kernelDoc?: boolean): string {
  if (!documented) return '**Not documented.**';
  return kernelDoc === false ? 'Documented with a plain comment (not kernel-doc).' : 'Documented.';
}

/** What stands behind a call through a table, or which table an entry fills. */
function tableText(item: ParentCallItem): string[] {
  const p = item.pointer;
  if (p) {
    const names = p.candidates.map((c) => `\`${c}()\``).join(', ');
    const which = p.candidates.length > 1 ? `one of ${names}, depending on the path taken` : names;
    return [
      '',
      `Called through a pointer: \`${p.expression}()\` is \`${p.table}.${item.via}\`, a table of parent functions; ` +
        `the parent function behind it is ${which}.`,
    ];
  }
  if (item.entry)
    return [
      '',
      `Table entry: \`${item.entry.table}.${item.entry.member}\` holds this parent function; every call through it crosses into the parent.`,
    ];
  return [];
}

/** Escapes Markdown emphasis and code marks in text taken from sources. */
function md(text: string): string {
  return text.replace(/[_*`[\]<>]/g, '\\$&');
}

/** The API's kernel-doc summary and owner from the kernel tree, and every call site in the driver. */
function apiSection(item: ParentCallItem): string[] {
  const model = modelOf(item);
  if (!model) return [];
  const out: string[] = [];
  const doc = model.apiDocs?.lookup(item);
  if (doc) {
    out.push(`**\`${item.call.callee}()\`**: ${md(doc.summary)}`, `— \`${doc.relPath}:${doc.line + 1}\``, '');
    if (doc.owner) {
      const people = doc.owner.maintainers.map((p) => md(p.text));
      const lists = doc.owner.lists.map((l) => md(l.address));
      out.push(
        `Who must ack: **${md(doc.owner.title)}** owns it (MAINTAINERS)` +
          (people.length ? `; Acked-by from ${people.join(', ')}` : '') +
          (lists.length ? `; list ${lists.join(', ')}` : '') +
          '.',
        '',
      );
    }
  }
  const sites = model.parentCalls.filter((c) => c.call.callee === item.call.callee);
  out.push(`Called ${sites.length} time(s) in this driver:`);
  for (const c of sites.slice(0, 20))
    out.push(
      `- \`${path.basename(c.file.path)}:${c.call.line + 1}\`${c.call.fn ? ` in \`${c.call.fn}()\`` : ''}${c.documented ? '' : ' (not documented)'}`,
    );
  if (sites.length > 20) out.push(`- ... and ${sites.length - 20} more`);
  out.push('');
  return out;
}

export function describeParentCall(item: ParentCallItem): string {
  return [
    `**Parent-driver interaction** — \`${item.call.callee}()\` → **${item.parent}**`,
    ...tableText(item),
    '',
    `Why: ${evidenceText(item)}.`,
    '',
    ...apiSection(item),
    "Reviewers of vfio-pci variant drivers need sign-off from the parent driver's maintainers for this " +
      'interaction, and want to know that it creates no exploitable interface and that unchecked userspace ' +
      'data has no effect beyond the assigned device.',
    '',
    docState(item.documented) + (item.docComment ? ` First line: _${firstLine(item.docComment.text)}_` : ''),
  ].join('\n');
}

export function describeHandler(item: HandlerItem): string {
  const wiring = item.wiring.map(
    (w) => `- \`${w.ops}.${w.member}\`${w.variable ? ` in \`${w.variable}\`` : ''} (${path.basename(w.file.path)}:${w.line + 1})`,
  );
  return [
    `**Migration state handler** — \`${item.fn.name}()\``,
    '',
    'Wired as:',
    ...wiring,
    '',
    'The acceptance criteria ask that migration data be documented: how the device state is composed and ' +
      'consumed, which portions are not otherwise available to the user via vfio-pci (and which part the PF ' +
      'driver manages), the interface that manages it, and what validates data coming from userspace.',
    '',
    docState(item.documented, item.kernelDoc),
  ].join('\n');
}

export function describeItem(item: ReviewItem): string {
  if (item.kind === 'driver')
    return item.topic === 'maintainers' ? '**MAINTAINERS entry of the driver**' : '**Migration overview (`DOC:`)**';
  return item.kind === 'parent-call' ? describeParentCall(item) : describeHandler(item);
}

function firstLine(comment: string): string {
  const body = comment
    .replace(/^\/\*+|\*+\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter(Boolean);
  return (body[0] ?? '').replace(/[_*`]/g, '\\$&');
}

/** The item whose name is under `offset` in `filePath`, if any. */
export function itemAt(model: DriverModel, filePath: string, line: number, character: number): ReviewItem | undefined {
  for (const c of model.parentCalls) {
    const span = c.span ?? c.call.callee.length;
    if (c.file.path === filePath && c.call.line === line && character >= c.call.column && character <= c.call.column + span) return c;
  }
  for (const h of model.handlers) {
    if (
      h.file.path === filePath &&
      h.fn.nameLine === line &&
      character >= h.fn.nameColumn &&
      character <= h.fn.nameColumn + h.fn.name.length
    )
      return h;
  }
  return undefined;
}
