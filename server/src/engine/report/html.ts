/** The acceptance report as self-contained HTML, converted from its Markdown (markdown.ts). */
import { renderMarkdown, splitRow, type RenderOptions } from './markdown';
import type { ReportModel } from './report';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
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
