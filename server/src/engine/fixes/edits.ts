/**
 * Quick fixes as plain text edits (offsets into one file's text). Front ends turn
 * them into LSP WorkspaceEdits or write them to disk.
 */
import { insertionPoint, type SourceFile } from '../model/sourceFile';
import { suppressionComment } from './templates';

export interface TextEdit {
  path: string;
  offset: number;
  length: number;
  newText: string;
  /** For an edit to a file other than the finding's (e.g. MAINTAINERS): where `offset` is, as a position. */
  at?: { line: number; character: number };
}

export interface CodeFix {
  title: string;
  kind: 'quickfix' | 'source.fixAll';
  preferred: boolean;
  edits: TextEdit[];
  /** Version of the file the offsets refer to. */
  version: number | string;
  /** A file to show once the edits are applied (the MAINTAINERS entry a fix adds). */
  show?: { path: string; line: number };
}

/**
 * Bare CR line ends: editors count them as line breaks, the parser does not, so
 * a "line start" may lie inside a comment. Such files get findings but no fixes.
 */
const BARE_CR = /\r(?!\n)/;

export function fixableText(file: SourceFile): boolean {
  return !BARE_CR.test(file.text);
}

/** Lines inserted above `line` (never inside a comment or a continued line). */
export function insertLines(file: SourceFile, line: number, lines: string[]): TextEdit {
  const eol = file.lines.eol;
  return { path: file.path, offset: insertionPoint(file, line), length: 0, newText: lines.join(eol) + eol };
}

export function quickFix(file: SourceFile, title: string, edits: TextEdit[], preferred = false, show?: CodeFix['show']): CodeFix {
  return { title, kind: 'quickfix', preferred, edits, version: file.version, ...(show ? { show } : {}) };
}

/** The suppression fix every rule offers: a `vfio-variant: ignore RULE -- reason` comment above `line`. */
export function suppressionFix(file: SourceFile, rule: string, line: number, what: string): CodeFix {
  const indent = file.lines.indentOf(line);
  return quickFix(file, `Suppress ${rule} for ${what} with a reason`, [insertLines(file, line, suppressionComment(rule, indent))]);
}

/** Replaces the text between two offsets. */
export function replaceRange(file: SourceFile, start: number, end: number, newText: string): TextEdit {
  return { path: file.path, offset: start, length: end - start, newText };
}

/** Applies non-overlapping edits of one file to its text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset || b.length - a.length);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.offset + e.length > limit) throw new Error('overlapping edits');
    out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
    limit = e.offset;
  }
  return out;
}
