/**
 * What must hold for any input, however broken: positions point at the names
 * they report, and a fix only ever adds comments (or turns a comment into
 * kernel-doc) at line starts that are outside comments, strings and macros.
 */
import Parser = require('tree-sitter');
import C = require('tree-sitter-c');
import type { Finding, TextEdit } from '../../server/src/engine';

export class InvariantError extends Error {}

function fail(msg: string): never {
  throw new InvariantError(msg);
}

/** Lines as the engine and LSP (for \n and \r\n files) count them. */
function linesOf(text: string): string[] {
  return text.split('\n');
}

/** Each finding in `file` points at its name: line/column in UTF-16 code units. */
export function checkPositions(text: string, findings: Finding[], file: string): void {
  const lines = linesOf(text);
  for (const f of findings) {
    if (f.path !== file) continue;
    if (!(f.line >= 0 && f.line < lines.length)) fail(`${f.rule} ${f.name}: line ${f.line} outside 0..${lines.length - 1}`);
    const got = lines[f.line].slice(f.column, f.column + f.name.length);
    if (got !== f.name) fail(`${f.rule} ${f.name} at ${f.line}:${f.column} points at ${JSON.stringify(got)}`);
    if (f.endLine < f.line || (f.endLine === f.line && f.endColumn < f.column)) fail(`${f.name}: range ends before it starts`);
  }
}

let parser: Parser | undefined;
let last: { text: string; tree: Parser.Tree } | undefined;
function parse(text: string): Parser.Tree {
  if (last?.text === text) return last.tree;
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(C as unknown as Parser.Language);
  }
  last = { text, tree: parser.parse(text, undefined, { bufferSize: text.length * 2 + 1024 }) };
  return last.tree;
}

const COMMENTS = /\/\*[\s\S]*?\*\//g;

/** Text that is only comments and white space. */
function onlyComments(s: string): boolean {
  return s.replace(COMMENTS, '').trim() === '';
}

/**
 * `edits` (offsets into `before`) only insert comments or replace a comment by
 * a comment, at line starts; none lands inside a comment, a string or a
 * continued macro line of the user's text. Returns the text after the edits.
 */
export function checkFixEdits(before: string, edits: TextEdit[], file: string): string {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset);
  let tree: Parser.Tree | undefined;
  let end = -1;
  for (const e of sorted) {
    if (e.path !== file) fail(`edit for another file ${e.path}`);
    if (e.offset < 0 || e.offset + e.length > before.length) fail(`edit ${e.offset}+${e.length} outside the text (${before.length})`);
    if (e.offset < end) fail('overlapping edits');
    end = e.offset + e.length;
    if (e.offset > 0 && before[e.offset - 1] !== '\n') fail(`edit at ${e.offset} is not at a line start`);
    const removed = before.slice(e.offset, e.offset + e.length);
    if (!onlyComments(removed)) fail(`edit removes code: ${JSON.stringify(removed.slice(0, 200))}`);
    if (!onlyComments(e.newText) || !/\*\/\s*$/.test(e.newText))
      fail(`edit inserts more than a comment: ${JSON.stringify(e.newText.slice(0, 300))}`);
    if (!e.newText.endsWith('\n') && e.length === 0) fail('an inserted comment does not end its line');
    // The line above must not continue into this one (a macro body).
    if (/\\\r?\n$/.test(before.slice(Math.max(0, e.offset - 3), e.offset))) fail(`edit at ${e.offset} splits a continued (macro) line`);
    tree ??= parse(before);
    if (e.offset > 0 && e.offset < before.length) {
      for (let n: Parser.SyntaxNode | null = tree.rootNode.descendantForIndex(e.offset - 1, e.offset); n; n = n.parent) {
        if (
          /comment|string_literal|char_literal|string_content|preproc_arg/.test(n.type) &&
          n.startIndex < e.offset &&
          n.endIndex > e.offset
        ) {
          // Replacing a whole comment is fine; landing inside one is not.
          if (!(n.type === 'comment' && n.startIndex >= e.offset)) fail(`edit at ${e.offset} lands inside a ${n.type}`);
        }
      }
    }
  }
  let out = before;
  for (const e of [...sorted].reverse()) out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
  return out;
}

/** Comparable identity of a finding. */
export function findingKey(f: Finding): string {
  return `${f.rule}:${f.line}:${f.column}:${f.name}:${f.severity}`;
}

/**
 * Fix-all's edits: each either passes checkFixEdits (a comment inserted at a line start,
 * or a comment replaced) or stays inside one comment of the user's text (a kernel-doc
 * repair: a renamed name line, an added `@param:` line). Returns the text after the edits.
 */
export function checkFixAllEdits(before: string, edits: TextEdit[], file: string): string {
  const tree = parse(before);
  const inComment: TextEdit[] = [];
  const rest: TextEdit[] = [];
  for (const e of edits) {
    let inside = false;
    for (let n: Parser.SyntaxNode | null = tree.rootNode.descendantForIndex(Math.max(0, e.offset - 1), e.offset); n; n = n.parent) {
      if (n.type === 'comment' && n.startIndex < e.offset && e.offset + e.length < n.endIndex) inside = true;
    }
    (inside && !e.newText.includes('*/') ? inComment : rest).push(e);
  }
  checkFixEdits(before, rest, file);
  const all = [...edits].sort((a, b) => b.offset - a.offset);
  let out = before;
  let limit = Infinity;
  for (const e of all) {
    if (e.offset + e.length > limit) fail('overlapping edits');
    out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
    limit = e.offset;
  }
  return out;
}
