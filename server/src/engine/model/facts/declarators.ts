/** Readers of declarations in C text: parameters, return values, declarators and the locals of a function. */
import { isIdentPart, isIdentStart } from '../../syntax/lexer';
import { closingParen, isBlank, lastOfLiteralOrComment, refsIn } from './text';
import type { FileFacts, FunctionFact, ParamFact } from './types';

/**
 * The parameters of a function whose name ends at `nameEnd`: the list in the
 * `(...)` that follows, split at top-level commas; unnamed ones (`void`,
 * `struct x *`) are left out, as kernel-doc leaves them.
 */
export function paramsAfter(text: string, nameEnd: number, limit: number): { params: ParamFact[]; variadic: boolean } {
  const params: ParamFact[] = [];
  let variadic = false;
  const nextParen = (from: number) => {
    while (from < limit && isBlank(text.charCodeAt(from))) from++;
    return text.charCodeAt(from) === 0x28 ? from : -1;
  };
  let open = nextParen(nameEnd);
  if (open < 0) return { params, variadic };
  let close = closingParen(text, open, limit);
  // `BTREE_FN(insert)(struct btree_head *head, ...)`: a macro makes the name; the last list holds the parameters.
  for (let next; (next = nextParen(close + 1)) >= 0;) close = closingParen(text, (open = next), limit);
  for (const [from, to] of topLevelPieces(text, open + 1, close)) {
    const d = readDeclarator(text, from, to, true);
    if (d.ellipsis) variadic = true;
    else if (d.name !== undefined) params.push({ name: d.name });
  }
  return { params, variadic };
}

/** Whether a function returns a value: anything but a plain `void` before its name (`void *` returns one). */
export function returnsValue(text: string, start: number, nameStart: number): boolean {
  let lastWord = '';
  let pointerAfter = false;
  for (let i = start; i < nameStart; i++) {
    const c = text.charCodeAt(i);
    if (isIdentStart(c)) {
      const j = identifierEnd(text, i);
      const word = text.slice(i, j);
      i = j - 1;
      if (TYPE_OPERATORS.has(word)) {
        // `__attribute__((cold))`, `typeof(x)`: their operand is no part of the return type's last word.
        i = operandEnd(text, j, nameStart);
        continue;
      }
      lastWord = word;
      pointerAfter = false;
    } else if (c === 0x2a /* * */ || c === 0x28 /* ( */) pointerAfter = true;
    else i = lastOfLiteralOrComment(text, i, nameStart) ?? i;
  }
  return lastWord !== 'void' || pointerAfter;
}

/** After a TYPE_OPERATORS word ending at `j`: the `)` closing its operand, or `j - 1` when none follows. */
function operandEnd(text: string, j: number, limit: number): number {
  let k = j;
  while (k < limit && isBlank(text.charCodeAt(k))) k++;
  return text.charCodeAt(k) === 0x28 ? closingParen(text, k, limit) : j - 1;
}

export function identifierEnd(text: string, i: number): number {
  while (isIdentPart(text.charCodeAt(i))) i++;
  return i;
}

/** text[start, end) split at commas outside brackets, literals and comments; a closing `;` is left out. */
function topLevelPieces(text: string, start: number, end: number): [number, number][] {
  const pieces: [number, number][] = [];
  let depth = 0;
  let from = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28 || c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x29 || c === 0x5d || c === 0x7d) depth--;
    else if ((c === 0x2c /* , */ || c === 0x3b) /* ; */ && depth === 0) {
      pieces.push([from, i]);
      from = i + 1;
      if (c === 0x3b) return pieces;
    } else i = lastOfLiteralOrComment(text, i, end) ?? i;
  }
  pieces.push([from, end]);
  return pieces;
}

/** Words that make up types, never a declared name. */
const TYPE_WORDS = new Set([
  'void',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'signed',
  'unsigned',
  'bool',
  '_Bool',
  'const',
  'volatile',
  'restrict',
  '__restrict',
  'static',
  'extern',
  'register',
  'auto',
  'inline',
  '__inline',
  '__inline__',
  'struct',
  'union',
  'enum',
  '_Atomic',
  '_Complex',
]);
const TAG_WORDS = new Set(['struct', 'union', 'enum']);
/** Words followed by a parenthesised operand that is part of the type, not a declarator. */
const TYPE_OPERATORS = new Set([
  'typeof',
  '__typeof__',
  '__typeof',
  'typeof_unqual',
  '_Alignas',
  'alignas',
  '__attribute__',
  '__attribute',
  '_Atomic',
]);

interface Declarator {
  name?: string;
  /** `name(...)`: a function, not a variable. */
  isFunction: boolean;
  /** Where a top-level `=` starts the initializer, if there is one. */
  valueStart?: number;
  ellipsis: boolean;
}

/**
 * The name one declarator declares, read from its text: `*p`, `a[4]`, `x = 1`,
 * `(*fn)(int)`, `const struct s *const y`. `typed`: the text starts with the
 * type (a parameter, a declaration's first declarator), so a lone word is a
 * type, not a name.
 */
function readDeclarator(text: string, start: number, end: number, typed: boolean): Declarator {
  // Words that are not type keywords (the last may be the name), and whether a base type keyword came.
  let words = 0;
  let baseType = false;
  let last: { start: number; end: number } | undefined;
  let afterTag = false;
  let lastAfterTag = false;
  const declared = (isFunction: boolean, valueStart?: number): Declarator => {
    // With the type in the text, a name needs a complete type before it: `foo_t x`, `int x`, `struct s x`, not `const foo_t`.
    const named = last !== undefined && !lastAfterTag && (!typed || words >= 2 || (words === 1 && baseType));
    return { name: named ? text.slice(last!.start, last!.end) : undefined, isFunction, valueStart, ellipsis: false };
  };
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isIdentStart(c)) {
      const j = identifierEnd(text, i);
      const word = text.slice(i, j);
      i = j - 1;
      if (TYPE_OPERATORS.has(word)) {
        i = operandEnd(text, j, end);
        baseType = true;
      } else if (TYPE_WORDS.has(word)) {
        if (BASE_TYPES.has(word)) baseType = true;
      } else {
        words++;
        last = { start: j - word.length, end: j };
        lastAfterTag = afterTag;
      }
      afterTag = TAG_WORDS.has(word);
      continue;
    }
    if (c === 0x3d /* = */) return declared(false, i);
    if (c === 0x2e /* . */ && text.startsWith('...', i)) return { isFunction: false, ellipsis: true };
    if (c === 0x28 /* ( */) {
      const close = closingParen(text, i, end);
      let k = i + 1;
      while (k < close && isBlank(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) === 0x2a /* * */ || text.charCodeAt(k) === 0x5e /* ^ */) {
        // `(*name)(...)`: a pointer to a function (or to an array); the name is inside.
        const inner = readDeclarator(text, i + 1, close, false);
        return { name: inner.name, isFunction: false, ellipsis: false, valueStart: initializerAfter(text, close + 1, end) };
      }
      const asFunction = declared(true);
      if (asFunction.name !== undefined) return asFunction; // `name(...)`: a function declarator
      if (typed && words === 1 && !baseType) {
        // `DEFINE_MUTEX(m)`, `DECLARE_BITMAP(b, 8)`: a macro that declares its first argument.
        const arg = readDeclarator(text, i + 1, topLevelPieces(text, i + 1, close)[0][1], false);
        if (arg.name !== undefined)
          return { name: arg.name, isFunction: false, ellipsis: false, valueStart: initializerAfter(text, close + 1, end) };
      }
      i = close;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      // Array bounds, a struct body: nothing in there is declared here. A body completes the type.
      if (c === 0x7b) {
        afterTag = false;
        baseType = true;
      }
      let depth = 0;
      for (; i < end; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5b || d === 0x7b || d === 0x28) depth++;
        else if ((d === 0x5d || d === 0x7d || d === 0x29) && --depth === 0) break;
        else i = lastOfLiteralOrComment(text, i, end) ?? i;
      }
    } else if (c !== 0x2a) i = lastOfLiteralOrComment(text, i, end) ?? i;
  }
  return declared(false);
}

/** The `=` starting an initializer in text[from, end), after a declarator's name. */
function initializerAfter(text: string, from: number, end: number): number | undefined {
  let eq = from;
  while (eq < end && text.charCodeAt(eq) !== 0x3d) eq = (lastOfLiteralOrComment(text, eq, end) ?? eq) + 1;
  return eq < end ? eq : undefined;
}

const BASE_TYPES = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', 'bool', '_Bool']);

/**
 * A declaration inside a function: its names become locals, and `x = expr`
 * initializers local assignments. Returns false, leaving it to the tree, for an
 * initializer list of a struct (it may be an ops table).
 */
export function collectLocals(text: string, start: number, end: number, fn: FunctionFact, facts: FileFacts): boolean {
  const pieces = topLevelPieces(text, start, end);
  const found: Declarator[] = [];
  for (let p = 0; p < pieces.length; p++) {
    const [from, to] = pieces[p];
    const d = readDeclarator(text, from, to, p === 0);
    if (d.valueStart !== undefined) {
      let v = d.valueStart + 1;
      while (v < to && isBlank(text.charCodeAt(v))) v++;
      if (text.charCodeAt(v) === 0x7b /* { */ && /\b(?:struct|union)\b/.test(text.slice(start, pieces[0][1]))) return false;
    }
    found.push(d);
  }
  for (let p = 0; p < found.length; p++) {
    const d = found[p];
    if (d.name === undefined || d.isFunction) continue;
    fn.locals.add(d.name);
    if (d.valueStart === undefined) continue;
    const refs = refsIn(text, d.valueStart + 1, pieces[p][1], false)[0] ?? { idents: [], fields: [] };
    facts.localAssigns.push({ fn: fn.name, local: d.name, refs });
  }
  return true;
}
