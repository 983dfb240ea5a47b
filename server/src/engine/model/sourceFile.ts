/** One C file as the engine sees it: text, syntax tree and extracted facts, for one version. */
import { parseC, reparseC, type ParsedText } from '../syntax/cParser';
import { extractChunks, mergeChunks, type CommentFact, type FactChunk, type FileFacts } from './facts';
import { LineIndex } from '../syntax/text';

export interface SourceFile {
  path: string;
  version: number | string;
  text: string;
  lines: LineIndex;
  parsed: ParsedText;
  facts: FileFacts;
  /** Facts per top-level node, reused by the next incremental update. */
  chunks: FactChunk[];
  /** Stand-alone comments by the line they end on. */
  commentsByEndLine: Map<number, CommentFact>;
}

function build(path: string, text: string, version: number | string, parsed: ParsedText, previous?: SourceFile): SourceFile {
  const lines = new LineIndex(text);
  const reuse = previous && parsed.edit ? { chunks: previous.chunks, edit: parsed.edit } : undefined;
  // The masked text: same offsets and comments as `text`, but what the tree was built from.
  const chunks = extractChunks(parsed.tree, parsed.masked, lines, reuse);
  const facts = mergeChunks(chunks);
  const commentsByEndLine = new Map<number, CommentFact>();
  for (const c of facts.comments) if (c.standalone) commentsByEndLine.set(c.endLine, c);
  return { path, version, text, lines, parsed, facts, chunks, commentsByEndLine };
}

export function createSourceFile(path: string, text: string, version: number | string): SourceFile {
  return build(path, text, version, parseC(text));
}

/** Same file, new text: reuses the old tree for an incremental parse. */
export function updateSourceFile(previous: SourceFile, text: string, version: number | string): SourceFile {
  const boundaries = previous.chunks.map((c) => c.start);
  return build(previous.path, text, version, reparseC(previous.parsed, previous.text, text, boundaries), previous);
}

/**
 * The stand-alone comments stacked directly above `line` (nearest first): the
 * first ends on line-1, the next ends on the line before the first starts, ...
 */
export function commentsAbove(file: SourceFile, line: number): CommentFact[] {
  const out: CommentFact[] = [];
  let c = file.commentsByEndLine.get(line - 1);
  while (c && out.length < 32) {
    out.push(c);
    c = file.commentsByEndLine.get(c.startLine - 1);
  }
  return out;
}

const SUPPRESSION = /\bvfio-variant:\s*ignore\b([^\n*]*)/;

/** `/* vfio-variant: ignore rule-a, rule-b -- reason *\/`: which rules it names (empty: all). */
export function suppressionRules(comment: CommentFact): string[] | undefined {
  const m = SUPPRESSION.exec(comment.text);
  if (!m) return undefined;
  const spec = m[1].split('--')[0];
  return spec.split(/[\s,]+/).filter((r) => /^[a-z][a-z0-9-]+$/.test(r));
}

export function isSuppression(comment: CommentFact): boolean {
  return SUPPRESSION.test(comment.text);
}

/**
 * The start of `line`, or, when a comment runs across that point (`*\/ int f(`
 * on one line) or the line continues the one above, the start of the line the
 * comment or the continued line begins on: an insertion must never land inside
 * the user's comment or split a spliced line. (Found by fuzzing.)
 */
export function insertionPoint(file: SourceFile, line: number): number {
  let offset = file.lines.lineStart(line);
  for (let moved = true; moved;) {
    moved = false;
    for (const c of file.facts.comments) {
      if (c.start < offset && offset < c.end) {
        offset = file.lines.lineStart(c.startLine);
        moved = true;
      }
    }
    // Nor between a line ending in a backslash and the line it continues (found by fuzzing).
    let at = file.lines.positionAt(offset).line;
    while (at > 0 && file.lines.lineText(at - 1).endsWith('\\')) at--;
    if (file.lines.lineStart(at) !== offset) {
      offset = file.lines.lineStart(at);
      moved = true;
    }
  }
  return offset;
}
