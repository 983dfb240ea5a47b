/** Direct calls, read from a function's text rather than its syntax tree. */
import { LineIndex } from '../../syntax/text';
import { isIdentPart } from '../../syntax/lexer';
import { MAX_ARGUMENTS_LENGTH, closingParen, isBlank, refsIn } from './text';
import type { FileFacts, FunctionFact } from './types';

/** Words followed by `(` that are not calls: keywords, operators and attributes written like calls. */
const NOT_CALLEES = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'case',
  'else',
  'do',
  'goto',
  'sizeof',
  'typeof',
  '__typeof__',
  '__typeof',
  'typeof_unqual',
  '_Alignof',
  'alignof',
  '__alignof__',
  '__alignof',
  '_Alignas',
  'alignas',
  '_Generic',
  '_Static_assert',
  'offsetof',
  '__builtin_offsetof',
  'defined',
  'asm',
  '__asm__',
  '__asm',
  'volatile',
  '__volatile__',
  '__attribute__',
  '__attribute',
  '__declspec',
  '__extension__',
  'void',
  'int',
  'char',
  'short',
  'long',
  'unsigned',
  'signed',
  'float',
  'double',
  'bool',
  '_Bool',
  'const',
  'struct',
  'union',
  'enum',
  'static',
  'extern',
  'inline',
]);
const SKIPS_ITS_PARENS = new Set(['__attribute__', '__attribute', 'asm', '__asm__', '__asm', 'volatile', '__volatile__', 'goto']);
/**
 * One pass over a function: comments, literals and preprocessor lines (group 1)
 * are stepped over; a name followed by `(` (group 2) may be a call. The name is
 * taken whole by a lookahead, so a name not followed by `(` costs no backtracking.
 */
const CALL_SCAN =
  /(\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|^[ \t]*#(?:[^\n\\]|\\[\s\S])*)|\b(?=([A-Za-z_]\w*))\2(?=\s*\()/gm;
const POINTER_DECLARATOR = /\s*\(\s*\*\s*[A-Za-z_]\w*\s*\)\s*[([]/y;

/**
 * The function's direct calls: a name followed by `(` in its code (the masked
 * text: kernel macros already rewritten) that is not a keyword, a member
 * (`ops->fn(`), the function's own name in its declarator, a type before a
 * pointer declarator (`u32 (*fn)(void)`), in a macro definition, an attribute
 * or asm operands. These are the calls the syntax tree has as call_expression
 * with a name as the function (compared over 145k calls of 924 kernel files: the
 * differences are `#if IS_ENABLED(...)`, `typeof`, and macros tree-sitter could
 * not parse).
 */
export function callsOf(text: string, fn: FunctionFact): { start: number; callee: string }[] {
  const calls: { start: number; callee: string }[] = [];
  CALL_SCAN.lastIndex = fn.start;
  for (let m; (m = CALL_SCAN.exec(text)) && m.index < fn.end;) {
    const word = m[2];
    if (word === undefined) continue;
    const at = m.index;
    if (at === fn.nameStart || NOT_CALLEES.has(word)) {
      // Attributes and asm operands hold no calls the tree would see.
      if (SKIPS_ITS_PARENS.has(word)) CALL_SCAN.lastIndex = closingParen(text, text.indexOf('(', at), fn.end) + 1;
      continue;
    }
    if (isIdentPart(text.charCodeAt(at - 1))) continue; // the tail of a number like 0x1f(
    let before = at - 1;
    while (before > fn.start && isBlank(text.charCodeAt(before))) before--;
    const prev = text.charCodeAt(before);
    if (prev === 0x2e /* . */ || (prev === 0x3e /* > */ && text.charCodeAt(before - 1) === 0x2d) /* - */) continue;
    POINTER_DECLARATOR.lastIndex = at + word.length;
    if (POINTER_DECLARATOR.test(text)) continue;
    calls.push({ start: at, callee: word });
  }
  CALL_SCAN.lastIndex = 0;
  return calls;
}

/** `callee (args)` at `start`: a direct call; its arguments read from the text. */
export function recordCall(
  { start, callee }: { start: number; callee: string },
  fn: FunctionFact,
  facts: FileFacts,
  text: string,
  lines: LineIndex,
): void {
  const open = text.indexOf('(', start + callee.length);
  // Bounded: `f(f(f(...)))` thousands deep would make reading every call's arguments quadratic.
  const close = closingParen(text, open, Math.min(fn.end, open + MAX_ARGUMENTS_LENGTH));
  const pos = lines.positionAt(start);
  facts.calls.push({
    callee,
    start,
    line: pos.line,
    column: pos.character,
    fn: fn.name,
    args: close > open + 1 ? refsIn(text, open + 1, close, true) : [],
    throughPointer: fn.locals.has(callee),
  });
}
