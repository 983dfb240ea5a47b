/**
 * The one place that knows about tree-sitter's parser object. Everything else
 * works on trees. Parsing is always done on the masked text (see kernelC.ts).
 */
import Parser = require('tree-sitter');
import C = require('tree-sitter-c');
import type { EditRegion } from '../model/facts';
import { commonPrefixLength, commonSuffixLength, maskText, remaskText, type MaskedText } from './kernelC';

export type Tree = Parser.Tree;
export type SyntaxNode = Parser.SyntaxNode;

let shared: Parser | undefined;
function parser(): Parser {
  if (!shared) {
    shared = new Parser();
    shared.setLanguage(C as unknown as Parser.Language);
  }
  return shared;
}

/** tree-sitter's node binding reads strings in chunks; big files need a bigger buffer. */
function bufferSizeFor(text: string): number {
  return Math.max(32 * 1024, text.length * 2 + 1024);
}

export interface ParsedText {
  /** The masked text the tree was built from (same length as the original). */
  masked: string;
  /** The text with comments and literals blanked, which masking read (see kernelC.ts). */
  code: string;
  tree: Tree;
  /** For an incremental parse: the region of the masked text that changed. */
  edit?: EditRegion;
  /** The parser ran out of time (the text is mostly not C); `tree` is empty. */
  gaveUp?: boolean;
}

/**
 * tree-sitter's error recovery is quadratic on long runs of non-C text (130 KB of
 * punctuation: 25 s), so a parse stops after 3 s plus 1 s per MB.
 */
function parseWithin(masked: string, old?: Tree): Tree | undefined {
  const deadline = Date.now() + 3000 + masked.length / 1000;
  // Called every ~20 µs of parsing; the clock is read on every 64th call (~1 ms).
  let calls = 0;
  const progressCallback = () => (++calls & 63) === 0 && Date.now() > deadline;
  const tree = parser().parse(masked, old, { bufferSize: bufferSizeFor(masked), progressCallback });
  if (!tree) parser().reset();
  return tree ?? undefined;
}

function gaveUp({ masked, code }: MaskedText): ParsedText {
  return { masked, code, tree: parser().parse(''), gaveUp: true };
}

export function parseC(text: string): ParsedText {
  const m = maskText(text);
  const tree = parseWithin(m.masked);
  return tree ? { ...m, tree } : gaveUp(m);
}

/** A bare parse with no masking: the floor the benchmark compares against, and the tests' baseline. */
export function parseRaw(text: string, old?: Tree): Tree {
  return parser().parse(text, old, { bufferSize: bufferSizeFor(text) });
}

/**
 * Incremental reparse. The edit given to tree-sitter is the smallest range in
 * which the old and new *masked* texts differ, so a change that alters masking
 * elsewhere (e.g. breaking a loop macro's parentheses) is still described exactly.
 */
export function reparseC(previous: ParsedText, oldText: string, newText: string, boundaries: readonly number[]): ParsedText {
  if (previous.gaveUp) return parseC(newText);
  const m = remaskText({ ...previous, text: oldText }, newText, boundaries);
  const { masked, code } = m;
  const old = previous.masked;
  const start = commonPrefixLength(old, masked);
  if (start === old.length && start === masked.length) {
    const row = pointAt(masked, start).row;
    return {
      masked,
      code,
      tree: previous.tree,
      edit: { start, oldEnd: start, newEnd: start, startRow: row, oldEndRow: row, newEndRow: row },
    };
  }
  const tail = commonSuffixLength(old, masked, start);
  const oldEnd = old.length - tail;
  const newEnd = masked.length - tail;
  const tree = previous.tree;
  const startPosition = pointAt(old, start);
  const oldEndPosition = pointAt(old, oldEnd);
  const newEndPosition = pointAt(masked, newEnd);
  tree.edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition, oldEndPosition, newEndPosition });
  const next = parseWithin(masked, tree);
  if (!next) return gaveUp(m);
  return {
    masked,
    code,
    tree: next,
    edit: { start, oldEnd, newEnd, startRow: startPosition.row, oldEndRow: oldEndPosition.row, newEndRow: newEndPosition.row },
  };
}

function pointAt(text: string, offset: number): Parser.Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}
