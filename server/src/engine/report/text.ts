/**
 * The acceptance report as plain text for a cover letter or an e-mail, derived from
 * its Markdown (markdown.ts).
 */
import { renderMarkdown, splitRow } from './markdown';
import type { ReportModel } from './report';

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
