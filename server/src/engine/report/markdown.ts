/**
 * The acceptance report (report.ts) as Markdown: the format the HTML (html.ts) and the
 * plain text (text.ts) are derived from. Source locations become links `path#Lline`;
 * the caller decides what a path looks like in a link (relative to where the report
 * is read, or a URI).
 */
import type { Person } from '../maintainers/maintainers';
import type { ReportEntry, ReportLocation, ReportModel, ReportQuestion } from './report';

export interface RenderOptions {
  /** The link target for a path (default: the display path). `#Lline` is appended. */
  href?: (absPath: string) => string;
}

/** Escapes text for Markdown inline content (not inside code spans). */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]<>#|!]/g, '\\$&');
}

const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

function person(p: Person): string {
  return p.name ? `${md(p.name)} \\<${md(p.address)}\\>` : `\\<${md(p.address)}\\>`;
}

const STATE_TEXT: Record<ReportQuestion['state'], string> = {
  answered: 'answered',
  'prompt-only': 'asked, not answered (template prompt still in place)',
  missing: 'not addressed',
};

export function renderMarkdown(r: ReportModel, opts: RenderOptions = {}): string {
  const shown = (p: string) => r.display[p] ?? p;
  const href = (p: string) => (opts.href ? opts.href(p) : shown(p)).replace(/ /g, '%20').replace(/\)/g, '%29');
  const link = (l: ReportLocation, text?: string) => `[${md(text ?? `${shown(l.path)}:${l.line}`)}](${href(l.path)}#L${l.line})`;
  const out: string[] = [];
  const d = r.driver;
  out.push(`# Acceptance report: ${md(d.displayDir)}`, '');
  out.push('## Summary', '', ...r.summary.map((s) => `- ${md(s)}`), '');

  out.push('## Driver', '');
  out.push(`- Directory: ${code(d.displayDir)}${d.isVariantDriver ? '' : ` — ${md(d.reason)}`}`);
  if (d.pciDriver) out.push(`- ${code('struct pci_driver')}: ${link(d.pciDriver, d.pciDriver.name)}`);
  out.push(`- Files: ${d.files.map((f) => `[${md(f.display)}](${href(f.path)}) (${f.lines} lines)`).join(', ') || 'none'}`, '');

  out.push('## Parent drivers', '');
  if (!r.parents.length) out.push('No calls into a parent driver were found.', '');
  for (const p of r.parents) {
    out.push(`### ${md(p.name)}${p.title ? ` — ${md(p.title)}` : ''}`, '');
    out.push(
      `${p.total} call(s) to ${p.callees.length} function(s), ${p.documented} documented.` +
        `${p.headers.length ? ` Declared in ${p.headers.map(code).join(', ')}.` : ''}`,
      '',
    );
    out.push('| Callee | Call site | In | Documented | Comment (first line) |', '| --- | --- | --- | --- | --- |');
    for (const c of p.callees) {
      for (const call of c.calls) {
        const doc = call.documented ? 'yes' : call.suppressed ? 'suppressed' : '**no**';
        out.push(
          `| ${code(`${c.name}()`)} | ${link(call.at)} | ${call.fn ? code(`${call.fn}()`) : ''} | ${doc} | ${call.comment ? md(call.comment) : ''} |`,
        );
      }
    }
    out.push('');
    if (p.helpers.length) {
      out.push(
        `Header helpers (inlines and macros of the parent's headers that run no code of ${md(p.name)}; nothing to document): ` +
          p.helpers
            .map((h) => `${code(`${h.name}()`)} from ${code(`<${h.include}>`)} (${h.at.map((a) => link(a)).join(', ')})`)
            .join('; ') +
          '.',
        '',
      );
    }
  }

  out.push('## Migration', '');
  if (!r.migration.ops.length) out.push('The driver implements no migration or dirty-tracking ops.', '');
  else {
    for (const o of r.migration.ops) {
      out.push(
        `- ${code(`struct ${o.type}`)} ${link(o.at, o.variable)}: ${o.members.map((m) => `${code(`.${m.member}`)} = ${code(m.handler)}`).join(', ')}`,
      );
    }
    out.push('', '| Handler | Role | Documented | Comment (first line) |', '| --- | --- | --- | --- |');
    for (const h of r.migration.handlers) {
      const doc = !h.documented ? '**no**' : h.kernelDoc ? 'kernel-doc' : 'plain comment';
      out.push(`| ${link(h.at, `${h.name}()`)} | ${h.roles.map(code).join(', ')} | ${doc} | ${h.comment ? md(h.comment) : ''} |`);
    }
    out.push('');
    const d = r.migration.derived;
    if (d.arcs.length || d.text) {
      out.push('### Derived from the code', '');
      if (d.arcs.length) {
        out.push('| Arc | Where | Parent calls |', '| --- | --- | --- |');
        for (const a of d.arcs)
          out.push(`| ${code(`${a.from} -> ${a.to}`)} | ${link(a.at, `${a.where}()`)} | ${a.parentCalls.map(md).join(', ') || 'none'} |`);
        out.push('', '```mermaid', d.mermaid, '```', '');
      }
      if (d.text) out.push('Paste-able:', '', '```text', d.text, '```', '');
    }
  }

  out.push('## Acceptance questions', '');
  out.push(
    "Looked for in `DOC:` blocks and the handlers' comments. A question counts as answered when its heading is " +
      "followed by real text (not the template's TODO prompt), or when a paragraph matches all keyword families of the " +
      'question (marked "keywords": check the quote).',
    '',
  );
  if (r.docBlocks.length) out.push(`DOC: blocks: ${r.docBlocks.map((b) => link(b.at, b.title)).join(', ')}`, '');
  else out.push('DOC: blocks: none.', '');
  for (const q of r.questions) {
    out.push(`- **${md(q.title)}**: ${STATE_TEXT[q.state]}`);
    for (const e of q.evidence.slice(0, 3)) out.push(`  - ${link(e.at, `${e.source}`)} (${e.how}): ${md(e.excerpt)}`);
    if (q.evidence.length > 3) out.push(`  - and ${q.evidence.length - 3} more`);
    if (q.state !== 'answered') for (const p of q.prompts.slice(0, 3)) out.push(`  - prompt at ${link(p.at, p.source)}`);
  }
  out.push('');

  out.push('## Who must look', '');
  const m = r.maintainers;
  for (const n of m.notes) out.push(`> ${md(n)}`, '>');
  if (m.notes.length) out.splice(out.length - 1, 1, '');
  if (m.found) {
    const entryLine = (e: ReportEntry) => {
      const mfLink = m.path ? ` ([MAINTAINERS:${e.line}](${href(m.path)}#L${e.line}))` : '';
      return `**${md(e.title)}**${mfLink}${e.pattern ? ` — ${code(e.pattern)}` : ''}`;
    };
    const people = (e: ReportEntry) => [
      ...e.maintainers.map((p) => `  - M: ${person(p)}`),
      ...e.reviewers.map((p) => `  - R: ${person(p)}`),
      ...e.lists.map((l) => `  - L: ${md(l)}`),
    ];
    if (m.inTree) {
      out.push('### Entries covering the driver (most specific first)', '');
      for (const e of m.driverEntries)
        out.push(`- ${entryLine(e)}${m.ownEntry?.title === e.title ? " — the driver's own entry" : ''}`, ...people(e));
      if (!m.driverEntries.length) out.push('None.');
      out.push('');
    }
    if (m.acceptance) {
      out.push(
        '### Acceptance reviewers',
        '',
        `Review from at least one of the reviewers of ${entryLine(m.acceptance)} (P: the acceptance document):`,
        '',
      );
      out.push(...m.acceptance.reviewers.map((p) => `- ${person(p)}`), '');
    }
    if (m.vfio) out.push('### vfio maintainer', '', `${entryLine(m.vfio)}:`, '', ...m.vfio.maintainers.map((p) => `- ${person(p)}`), '');
    out.push('### Parent drivers: needs Acked-by from', '');
    if (!r.parents.length) out.push('No parent driver.', '');
    for (const p of r.parents) {
      out.push(
        `- **${md(p.name)}**${p.headers.length ? ` (${p.headers.map(code).join(', ')})` : ''}: ` +
          (p.ackFrom.length ? p.ackFrom.map(person).join(', ') : md(p.note ?? 'nobody found')),
      );
      for (const e of p.entries) out.push(`  - ${entryLine(e)}`);
      for (const e of p.probable) {
        out.push(
          `  - ${md("probably (same directory name; not get_maintainer.pl's answer)")}: ${entryLine(e)}: ${e.maintainers.map(person).join(', ')}`,
        );
      }
    }
    out.push('');
    if (m.cc.length) out.push('### Cc lines', '', '```', ...m.cc, '```', '');
    if (m.toCc.length) out.push(...toCcSection(m.toCc));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** `vfio-variant cc`'s list: what get_maintainer.pl prints for the driver's files, then the parents' owners. */
function toCcSection(lines: string[]): string[] {
  return [
    '### To/Cc (`vfio-variant cc`, get_maintainer.pl format)',
    '',
    "Everything `scripts/get_maintainer.pl` prints for the driver's files, then the owners of the parent APIs it calls " +
      '(`parent owner:` marks the maintainers whose Acked-by the acceptance document asks for). ' +
      "For git send-email: `--cc-cmd='vfio-variant cc --no-rolestats'`.",
    '',
    '```',
    ...lines,
    '```',
    '',
  ];
}

/** Table cells, honouring `\|` escapes. */
export function splitRow(row: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 1; i < row.length; i++) {
    if (row[i] === '\\' && i + 1 < row.length) {
      cur += row[i] + row[i + 1];
      i++;
      continue;
    }
    if (row[i] === '|') {
      cells.push(cur.trim());
      cur = '';
      continue;
    }
    cur += row[i];
  }
  return cells;
}
