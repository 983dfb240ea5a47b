/**
 * Renders the acceptance report (report.ts) as Markdown, self-contained HTML or
 * JSON. Source locations become links `path#Lline`; the caller decides what a
 * path looks like in a link (relative to where the report is read, or a URI).
 */
import type { Person } from '../maintainers/maintainers';
import type { ReportEntry, ReportLocation, ReportModel, ReportQuestion } from './report';

export type ReportFormat = 'markdown' | 'json' | 'html' | 'text';
export const REPORT_FORMATS: readonly ReportFormat[] = ['markdown', 'json', 'html', 'text'];

export interface RenderOptions {
  /** The link target for a path (default: the display path). `#Lline` is appended. */
  href?: (absPath: string) => string;
}

// ----------------------------------------------------------------- markdown

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

// --------------------------------------------------------------------- html

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
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

/**
 * Self-contained HTML (inline style, no scripts, no remote resources). Built from
 * the Markdown by a small converter that only knows the constructs renderMarkdown emits.
 */
export function renderHtml(r: ReportModel, opts: RenderOptions = {}): string {
  const body = markdownToHtml(renderMarkdown(r, opts));
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(`Acceptance report: ${r.driver.displayDir}`)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;line-height:1.45}' +
      'table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top}' +
      'code,pre{font-family:ui-monospace,monospace;background:#f3f3f3}pre{padding:.6em;overflow-x:auto}' +
      'blockquote{border-left:4px solid #d9a400;margin:0;padding:.2em 1em;background:#fff8e1}</style>',
    '</head><body>',
    body,
    '</body></html>',
    '',
  ].join('\n');
}

/** Inline Markdown (escapes, code spans, bold, links) to HTML. */
function inline(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      out += esc(text[i + 1]);
      i += 2;
    } else if (c === '`') {
      const dbl = text.startsWith('`` ', i);
      const close = dbl ? text.indexOf(' ``', i + 3) : text.indexOf('`', i + 1);
      if (close < 0) {
        out += esc(c);
        i++;
        continue;
      }
      out += `<code>${esc(dbl ? text.slice(i + 3, close) : text.slice(i + 1, close))}</code>`;
      i = close + (dbl ? 3 : 1);
    } else if (text.startsWith('**', i)) {
      const close = text.indexOf('**', i + 2);
      if (close < 0) {
        out += '**';
        i += 2;
        continue;
      }
      out += `<strong>${inline(text.slice(i + 2, close))}</strong>`;
      i = close + 2;
    } else if (c === '[') {
      const m = /^\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)/.exec(text.slice(i));
      if (!m) {
        out += esc(c);
        i++;
        continue;
      }
      out += `<a href="${esc(m[2])}">${inline(m[1])}</a>`;
      i += m[0].length;
    } else {
      out += esc(c);
      i++;
    }
  }
  return out;
}

function markdownToHtml(mdText: string): string {
  const lines = mdText.split('\n');
  const out: string[] = [];
  let list = 0; // nesting depth of open <ul>
  const closeLists = (to: number) => {
    while (list > to) {
      out.push('</li></ul>');
      list--;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const item = /^( *)- (.*)$/.exec(l);
    if (item) {
      const depth = item[1].length / 2 + 1;
      if (depth > list) {
        out.push('<ul><li>');
        list++;
      } else {
        closeLists(depth);
        out.push('</li><li>');
      }
      out.push(inline(item[2]));
      continue;
    }
    closeLists(0);
    if (l.startsWith('```')) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
      out.push(`<pre>${esc(body.join('\n'))}</pre>`);
    } else if (/^#{1,6} /.test(l)) {
      const n = /^#+/.exec(l)![0].length;
      out.push(`<h${n}>${inline(l.slice(n + 1))}</h${n}>`);
    } else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) rows.push(splitRow(lines[i]));
      i--;
      const [head, , ...rest] = rows;
      out.push(
        '<table><thead><tr>' +
          head.map((h) => `<th>${inline(h)}</th>`).join('') +
          '</tr></thead><tbody>' +
          rest.map((r) => '<tr>' + r.map((c) => `<td>${inline(c)}</td>`).join('') + '</tr>').join('') +
          '</tbody></table>',
      );
    } else if (l.startsWith('>')) {
      const body: string[] = [];
      for (; i < lines.length && lines[i].startsWith('>'); i++) body.push(lines[i].replace(/^> ?/, ''));
      i--;
      out.push(
        `<blockquote>${body
          .filter(Boolean)
          .map((b) => `<p>${inline(b)}</p>`)
          .join('')}</blockquote>`,
      );
    } else if (l.trim()) out.push(`<p>${inline(l)}</p>`);
  }
  closeLists(0);
  return out.join('\n');
}

/** Table cells, honouring `\|` escapes. */
function splitRow(row: string): string[] {
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

// --------------------------------------------------------------------- json

/** The model as JSON, paths replaced by their display form (plus `href#Lline` links). */
export function renderJson(r: ReportModel, opts: RenderOptions = {}): string {
  const shown = (p: string) => r.display[p] ?? p;
  const replacer = function (this: unknown, key: string, value: unknown): unknown {
    if (key === 'display') return undefined;
    if (value && typeof value === 'object' && 'path' in value && 'line' in value && typeof (value as ReportLocation).path === 'string') {
      const v = value as ReportLocation & Record<string, unknown>;
      return { ...v, path: shown(v.path), link: `${opts.href ? opts.href(v.path) : shown(v.path)}#L${v.line}` };
    }
    if ((key === 'path' || key === 'dir') && typeof value === 'string') return shown(value);
    return value;
  };
  return JSON.stringify(r, replacer, 2) + '\n';
}

// --------------------------------------------------------------------- text

/**
 * Plain text for a cover letter or an e-mail: the Markdown without its markup,
 * headings underlined, tables as aligned columns, links as `path:line`.
 */
export function renderText(r: ReportModel): string {
  const out: string[] = [];
  const lines = renderMarkdown(r).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('```')) {
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) out.push(lines[i]);
    } else if (/^#{1,6} /.test(l)) {
      const n = /^#+/.exec(l)![0].length;
      const title = plain(l.slice(n + 1));
      out.push(title);
      if (n <= 2) out.push((n === 1 ? '=' : '-').repeat(title.length));
    } else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) rows.push(splitRow(lines[i]).map(plain));
      i--;
      rows.splice(1, 1); // the | --- | row
      const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
      rows.forEach((row, k) => {
        out.push(
          row
            .map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c])))
            .join('  ')
            .trimEnd(),
        );
        if (k === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
      });
    } else if (l.startsWith('>')) out.push(plain(l.replace(/^> ?/, '')));
    else out.push(plain(l));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n');
}

/** Inline Markdown as plain text: escapes undone, code spans and bold unwrapped, links as "text (path:line)". */
function plain(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      out += text[i + 1];
      i += 2;
    } else if (c === '`') {
      const dbl = text.startsWith('`` ', i);
      const close = dbl ? text.indexOf(' ``', i + 3) : text.indexOf('`', i + 1);
      if (close < 0) {
        out += c;
        i++;
        continue;
      }
      out += dbl ? text.slice(i + 3, close) : text.slice(i + 1, close);
      i = close + (dbl ? 3 : 1);
    } else if (text.startsWith('**', i)) {
      i += 2;
    } else if (c === '[') {
      const m = /^\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)/.exec(text.slice(i));
      if (!m) {
        out += c;
        i++;
        continue;
      }
      const label = plain(m[1]);
      let target = m[2].replace(/#L(\d+)$/, ':$1');
      try {
        target = decodeURIComponent(target);
      } catch {
        // keep it encoded
      }
      out += label === target || label.endsWith(target) ? label : `${label} (${target})`;
      i += m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export function renderReport(r: ReportModel, format: ReportFormat, opts: RenderOptions = {}): string {
  if (format === 'text') return renderText(r);
  return format === 'json' ? renderJson(r, opts) : format === 'html' ? renderHtml(r, opts) : renderMarkdown(r, opts);
}
