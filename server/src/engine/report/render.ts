/**
 * Renders the acceptance report (report.ts) as Markdown (markdown.ts), self-contained
 * HTML (html.ts), JSON (here) or plain text (text.ts).
 */
import { renderHtml } from './html';
import { renderMarkdown, type RenderOptions } from './markdown';
import type { ReportLocation, ReportModel } from './report';
import { renderText } from './text';

export type { RenderOptions } from './markdown';

export type ReportFormat = 'markdown' | 'json' | 'html' | 'text';
export const REPORT_FORMATS: readonly ReportFormat[] = ['markdown', 'json', 'html', 'text'];

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

export function renderReport(r: ReportModel, format: ReportFormat, opts: RenderOptions = {}): string {
  if (format === 'text') return renderText(r);
  return format === 'json' ? renderJson(r, opts) : format === 'html' ? renderHtml(r, opts) : renderMarkdown(r, opts);
}
