/** Readers of C text: identifiers and fields an expression mentions, parentheses, literals and comments, assignments. */
import { isIdentPart, isIdentStart } from '../../syntax/lexer';
import type { Refs } from './types';

const C_KEYWORDS = new Set([
  'sizeof',
  'struct',
  'union',
  'enum',
  'const',
  'volatile',
  'unsigned',
  'signed',
  'int',
  'char',
  'short',
  'long',
  'void',
  'bool',
  'float',
  'double',
  'typeof',
  '__typeof__',
  'alignof',
  '_Alignof',
  'static',
  'register',
]);

/** Names one expression may mention; more are not read (see refsIn). */
const MAX_REFS = 128;
/** Longer than any real argument list (a call's arguments are read up to this far). */
export const MAX_ARGUMENTS_LENGTH = 16384;

/**
 * The identifiers and fields mentioned in text[start, end), split at top-level
 * commas when `split` (a call's argument list without its parentheses). Read
 * from the text, not the tree: materialising every identifier node through the
 * node binding cost more than parsing the file. Comments and literals are skipped.
 */
export function refsIn(text: string, start: number, end: number, split: boolean): Refs[] {
  const out: Refs[] = [];
  let cur: Refs = { idents: [], fields: [] };
  let depth = 0;
  let member = false;
  let sawToken = false;
  // Enough for any real expression; `a = b = c = ...` or `f(f(f(...)))` thousands deep
  // would otherwise cost time and memory quadratic in their length.
  let budget = MAX_REFS;
  for (let i = start; i < end && budget > 0; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 || close >= end ? end : close + 1;
      continue;
    }
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 || nl >= end ? end : nl;
      continue;
    }
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      for (i++; i < end && text.charCodeAt(i) !== c && text.charCodeAt(i) !== 0x0a; i++) if (text.charCodeAt(i) === 0x5c) i++;
      member = false;
      sawToken = true;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < end && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      budget--;
      if (member) cur.fields.push(word);
      else if (!C_KEYWORDS.has(word)) cur.idents.push(word);
      member = false;
      sawToken = true;
      i = j - 1;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      // a number, with any suffix or hex digits
      while (i + 1 < end && (isIdentPart(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === 0x2e)) i++;
      member = false;
      sawToken = true;
      continue;
    }
    if (c === 0x2e /* . */) member = true;
    else if (c === 0x2d /* - */ && text.charCodeAt(i + 1) === 0x3e /* > */) {
      member = true;
      i++;
    } else if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x29 || c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x2c /* , */ && depth === 0 && split) {
      out.push(cur);
      cur = { idents: [], fields: [] };
      sawToken = false;
      continue;
    }
    if (c > 0x20) sawToken = true;
  }
  if (sawToken || out.length) out.push(cur);
  return out;
}

/** The `)` closing the `(` at `open`, before `limit`; literals and comments skipped. */
export function closingParen(text: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i;
    else i = lastOfLiteralOrComment(text, i, limit) ?? i;
  }
  return limit - 1;
}

/** When a string or char literal or a comment starts at `i`: the index of its last character (or where it stops at `limit`). */
export function lastOfLiteralOrComment(text: string, i: number, limit: number): number | undefined {
  const c = text.charCodeAt(i);
  if (c === 0x22 || c === 0x27) {
    let j = i + 1;
    for (; j < limit && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 0x0a; j++) if (text.charCodeAt(j) === 0x5c) j++;
    return j;
  }
  if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
    const close = text.indexOf('*/', i + 2);
    return close < 0 ? limit : close + 1;
  }
  if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? limit : nl;
  }
  return undefined;
}

export function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;
/** Words tree-sitter-c reads as literals, not identifiers. */
const LITERAL_WORDS = new Set(['NULL', 'nullptr', 'true', 'TRUE', 'false', 'FALSE']);
export const isIdentifier = (s: string) => IDENTIFIER.test(s) && !LITERAL_WORDS.has(s);
const LAST_FIELD = /(?:\.|->)\s*([A-Za-z_]\w*)$/;
const COMPOUND_OPERATOR_CHARS = '+-*/%&|^<>';

/** The assignment operator in text[start, end): `=`, or `+=`, `<<=`, ... */
export function assignmentOperator(text: string, start: number, end: number): { start: number; end: number } | undefined {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x29 || c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x3d /* = */ && depth === 0) {
      if (text.charCodeAt(i + 1) === 0x3d) return undefined; // `==`: not an assignment after all
      let opStart = i;
      while (opStart > start && COMPOUND_OPERATOR_CHARS.includes(text[opStart - 1])) opStart--;
      return { start: opStart, end: i + 1 };
    } else i = lastOfLiteralOrComment(text, i, end) ?? i;
  }
  return undefined;
}

/** The member a postfix `a->b.c` names last; undefined for anything else (`*p->x`, a cast, a subscript). */
export function fieldOf(left: string): string | undefined {
  const m = LAST_FIELD.exec(left);
  if (!m) return undefined;
  const first = left.charCodeAt(0);
  if (first === 0x28 /* ( */) {
    // `(*p).x` and `(a)->x` are postfix; `(struct x *)p->y` is a cast.
    const close = closingParen(left, 0, left.length);
    const after = left.slice(close + 1).trimStart();
    return after.startsWith('.') || after.startsWith('->') || after.startsWith('[') || after.startsWith('(') ? m[1] : undefined;
  }
  return isIdentStart(first) ? m[1] : undefined;
}

export function withoutComments(s: string): string {
  return s.includes('/') ? s.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ') : s;
}
