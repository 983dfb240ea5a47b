/**
 * Per-file facts: everything the driver-level analysis needs from one C file,
 * pulled out of the syntax tree in a single walk. Facts are plain data, so they
 * can be cached per file version and combined across the files of a driver.
 */
import type { SyntaxNode, Tree } from '../syntax/cParser';
import { LineIndex } from '../syntax/text';
import { hasDirective, initializerEntriesFromText, positionFrom } from './initializerText';

export interface CommentFact {
  start: number;
  end: number;
  startLine: number;
  endLine: number;
  text: string;
  /** Nothing but white space before it on its first line and after it on its last. */
  standalone: boolean;
  kernelDoc: boolean;
}

export interface ParamFact {
  name: string;
}

export interface FunctionFact {
  name: string;
  nameStart: number;
  nameLine: number;
  nameColumn: number;
  start: number;
  startLine: number;
  end: number;
  endLine: number;
  params: ParamFact[];
  variadic: boolean;
  returnsValue: boolean;
  /** Parameter and local variable names: a call through one of these is a call through a pointer. */
  locals: Set<string>;
}

/** Identifiers and struct fields that an expression mentions. */
export interface Refs {
  idents: string[];
  fields: string[];
}

export interface CallFact {
  callee: string;
  start: number;
  line: number;
  column: number;
  /** Enclosing function, if any. */
  fn?: string;
  /** What each argument mentions (read from the text: see refsIn). */
  args: Refs[];
  /** The callee is a parameter or local variable: a call through a function pointer. */
  throughPointer: boolean;
}

/** Where a call sits in its function; only needed for the few calls that become review items. */
export interface CallContext {
  /**
   * Lines on which a statement relevant to this call starts, innermost first:
   * the statement containing the call, then enclosing if/for/while/do/switch.
   */
  anchorLines: number[];
  /** Where the call's result is stored: a local variable or a struct field. */
  resultLocal?: string;
  resultField?: string;
}

export interface OpsMemberFact {
  member: string;
  fn: string;
  line: number;
  column: number;
}

export interface OpsInitFact {
  structType: string;
  variable: string;
  line: number;
  column: number;
  members: OpsMemberFact[];
}

export interface IncludeFact {
  path: string;
  system: boolean;
  line: number;
}

export interface AssignFact {
  fn?: string;
  local: string;
  refs: Refs;
}

export interface FileFacts {
  includes: IncludeFact[];
  functions: FunctionFact[];
  /** Names of functions declared (prototypes) in this file. */
  prototypes: Set<string>;
  /** Names of #define macros, object-like and function-like. */
  macros: Set<string>;
  functionMacros: Set<string>;
  calls: CallFact[];
  comments: CommentFact[];
  opsInits: OpsInitFact[];
  /** `x.member = fn` / `x->member = fn` assignments of functions at run time. */
  memberAssigns: OpsMemberFact[];
  /** File-scope variables of struct type: name -> struct tag. */
  structVars: Map<string, string>;
  localAssigns: AssignFact[];
  /** `x->field = expr` / `x.field = expr`, by field name. */
  fieldAssigns: { field: string; refs: Refs }[];
}

const STATEMENT = new Set([
  'expression_statement',
  'return_statement',
  'declaration',
  'if_statement',
  'for_statement',
  'while_statement',
  'do_statement',
  'switch_statement',
  'labeled_statement',
  'goto_statement',
]);
const ENCLOSING = new Set(['if_statement', 'for_statement', 'while_statement', 'do_statement', 'switch_statement', 'labeled_statement']);

export function innermostIdentifier(node: SyntaxNode | null): SyntaxNode | null {
  let n: SyntaxNode | null = node;
  while (n) {
    if (n.type === 'identifier' || n.type === 'field_identifier' || n.type === 'type_identifier') return n;
    const next: SyntaxNode | null = n.childForFieldName('declarator');
    if (next) {
      n = next;
      continue;
    }
    // parenthesized_declarator, attributed_declarator
    n = n.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ?? null;
  }
  return null;
}

export function functionDeclarator(node: SyntaxNode | null): SyntaxNode | null {
  let n: SyntaxNode | null = node;
  while (n && n.type !== 'function_declarator') {
    if (n.type === 'identifier' || n.type === 'field_identifier') return null; // the bottom: no function here
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type.endsWith('declarator')) ?? null;
  }
  return n;
}

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
const MAX_ARGUMENTS_LENGTH = 16384;

/**
 * The identifiers and fields mentioned in text[start, end), split at top-level
 * commas when `split` (a call's argument list without its parentheses). Read
 * from the text, not the tree: materialising every identifier node through the
 * node binding cost more than parsing the file. Comments and literals are skipped.
 */
function refsIn(text: string, start: number, end: number, split: boolean): Refs[] {
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

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}

function refsOfNode(node: SyntaxNode, text: string): Refs {
  return refsIn(text, node.startIndex, node.endIndex, false)[0] ?? { idents: [], fields: [] };
}

/** Follows a call's value outwards to the variable or field it is stored in. */
export function resultTarget(call: SyntaxNode): { local?: string; field?: string } {
  let n = call;
  let p = n.parent;
  while (
    p &&
    (p.type === 'parenthesized_expression' ||
      p.type === 'cast_expression' ||
      p.type === 'pointer_expression' ||
      (p.type === 'field_expression' && p.childForFieldName('argument')?.id === n.id))
  ) {
    n = p;
    p = n.parent;
  }
  if (!p) return {};
  if (p.type === 'init_declarator' && p.childForFieldName('value')?.id === n.id) {
    const id = innermostIdentifier(p.childForFieldName('declarator'));
    return id ? { local: id.text } : {};
  }
  if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === n.id) {
    const left = p.childForFieldName('left');
    if (left?.type === 'identifier') return { local: left.text };
    if (left?.type === 'field_expression') return { field: left.childForFieldName('field')?.text };
  }
  return {};
}

export function anchorLinesOf(call: SyntaxNode): number[] {
  const lines: number[] = [];
  let innermostSeen = false;
  for (let p = call.parent; p && p.type !== 'function_definition' && p.type !== 'translation_unit'; p = p.parent) {
    if (!innermostSeen && STATEMENT.has(p.type)) {
      lines.push(p.startPosition.row);
      innermostSeen = true;
    } else if (innermostSeen && ENCLOSING.has(p.type)) {
      lines.push(p.startPosition.row);
    }
  }
  return lines;
}

/**
 * The context of a call found by `extractFacts`, looked up in the tree the
 * facts came from (or a newer one in which the call has not moved).
 */
export function callContext(tree: Tree, call: CallFact): CallContext {
  let context = contexts.get(call);
  if (!context) contexts.set(call, (context = lookUpContext(tree, call)));
  return context;
}

/**
 * Contexts already looked up. A call in a part of the file an edit did not touch
 * keeps its object (or gets a shifted copy, see shiftFacts), so each edit looks
 * up only the calls of the function it changed.
 */
const contexts = new WeakMap<CallFact, CallContext>();

function lookUpContext(tree: Tree, call: CallFact): CallContext {
  const callee = tree.rootNode.descendantForIndex(call.start, call.start + call.callee.length);
  const node = callee?.parent;
  if (!node || node.type !== 'call_expression') return { anchorLines: [call.line] };
  const result = resultTarget(node);
  return { anchorLines: anchorLinesOf(node), resultLocal: result.local, resultField: result.field };
}

/**
 * The parameters of a function whose name ends at `nameEnd`: the list in the
 * `(...)` that follows, split at top-level commas; unnamed ones (`void`,
 * `struct x *`) are left out, as kernel-doc leaves them.
 */
function paramsAfter(text: string, nameEnd: number, limit: number): { params: ParamFact[]; variadic: boolean } {
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
function returnsValue(text: string, start: number, nameStart: number): boolean {
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

function identifierEnd(text: string, i: number): number {
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
function collectLocals(text: string, start: number, end: number, fn: FunctionFact, facts: FileFacts): boolean {
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

/** The `)` closing the `(` at `open`, before `limit`; literals and comments skipped. */
function closingParen(text: string, open: number, limit: number): number {
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
function lastOfLiteralOrComment(text: string, i: number, limit: number): number | undefined {
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

/**
 * Node types whose facts we collect. Calls are not among them: they are read
 * from a function's text (see callOffsets), because materialising the nodes of
 * the most frequent construct cost a quarter of a cold check.
 */
const INTERESTING_TYPES = [
  'comment',
  'preproc_include',
  'preproc_def',
  'preproc_function_def',
  'function_definition',
  'declaration',
  'assignment_expression',
];

/** Placeholder while a chunk waits for its facts; never handed out. */
const EMPTY_FACTS: FileFacts = emptyFacts();

function emptyFacts(): FileFacts {
  return {
    includes: [],
    functions: [],
    prototypes: new Set(),
    macros: new Set(),
    functionMacros: new Set(),
    calls: [],
    comments: [],
    opsInits: [],
    memberAssigns: [],
    structVars: new Map(),
    localAssigns: [],
    fieldAssigns: [],
  };
}

/**
 * The facts of one top-level piece of a file (a function, a declaration, a
 * comment, ...). Pieces untouched by an edit are reused, shifted, instead of
 * walked again: that keeps an edit's cost proportional to the function edited.
 */
export interface FactChunk {
  start: number;
  end: number;
  startRow: number;
  endRow: number;
  type: string;
  facts: FileFacts;
}

/** Where the parsed text changed: offsets and rows, old and new end. */
export interface EditRegion {
  start: number;
  oldEnd: number;
  newEnd: number;
  startRow: number;
  oldEndRow: number;
  newEndRow: number;
}

/** Top-level nodes that only group others: their children are chunks of their own. */
const CONTAINERS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

export function extractChunks(
  tree: Tree,
  text: string,
  lines: LineIndex,
  previous?: { chunks: FactChunk[]; edit: EditRegion },
): FactChunk[] {
  const reusable = new Map<number, FactChunk>();
  if (previous) for (const c of previous.chunks) reusable.set(c.start, c);
  const edit = previous?.edit;
  const dIndex = edit ? edit.newEnd - edit.oldEnd : 0;
  const dRow = edit ? edit.newEndRow - edit.oldEndRow : 0;
  const chunks: FactChunk[] = [];
  /** Chunks whose facts must be extracted, with their node while the cursor is on it. */
  const fresh: { chunk: FactChunk; node?: SyntaxNode }[] = [];
  const wholeFile = !edit;
  const editLineStart = edit ? text.lastIndexOf('\n', edit.start - 1) + 1 : 0;
  const editLineEnd = edit ? text.indexOf('\n', edit.newEnd) : -1;
  const cursor = tree.walk();
  const visitChildren = () => {
    if (!cursor.gotoFirstChild()) return;
    do {
      const type = cursor.nodeType;
      if (CONTAINERS.has(type)) {
        visitChildren();
        continue;
      }
      if (!cursor.nodeIsNamed) continue;
      // Offsets only: a position costs an object from the node binding, and rows
      // are needed only for chunks made afresh.
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      let chunk: FactChunk | undefined;
      // Whole lines apart from the edit: facts hold columns, and whether a comment stands alone on its lines.
      if (edit && end < editLineStart) {
        const old = reusable.get(start);
        if (old && old.end === end && old.type === type) chunk = old;
      } else if (edit && editLineEnd >= 0 && start > editLineEnd) {
        const old = reusable.get(start - dIndex);
        if (old && old.end === end - dIndex && old.type === type) {
          chunk = {
            start,
            end,
            startRow: old.startRow + dRow,
            endRow: old.endRow + dRow,
            type,
            facts: shiftFacts(old.facts, dIndex, dRow),
          };
        }
      }
      if (!chunk) {
        const startRow = lines.positionAt(start).line;
        const endRow = lines.positionAt(end).line;
        chunk = { start, end, startRow, endRow, type, facts: EMPTY_FACTS };
        fresh.push({ chunk, node: wholeFile ? undefined : cursor.currentNode });
      }
      chunks.push(chunk);
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  };
  visitChildren();
  if (wholeFile) {
    // One native search over the whole tree, shared out to the chunks: each
    // descendantsOfType call has a fixed cost that dominated when made per chunk.
    const nodes = tree.rootNode.descendantsOfType(INTERESTING_TYPES);
    const starts = nodes.map((n) => n.startIndex);
    let i = 0;
    for (const { chunk } of fresh) {
      while (i < nodes.length && starts[i] < chunk.start) i++;
      const from = i;
      while (i < nodes.length && starts[i] < chunk.end) i++;
      chunk.facts = walkNodes(nodes, starts, from, i, text, lines);
    }
  } else {
    for (const { chunk, node } of fresh) {
      const nodes = node!.descendantsOfType(INTERESTING_TYPES);
      chunk.facts = walkNodes(
        nodes,
        nodes.map((n) => n.startIndex),
        0,
        nodes.length,
        text,
        lines,
      );
    }
  }
  return chunks;
}

export function mergeChunks(chunks: FactChunk[]): FileFacts {
  const out = emptyFacts();
  for (const { facts: f } of chunks) {
    out.includes.push(...f.includes);
    out.functions.push(...f.functions);
    for (const p of f.prototypes) out.prototypes.add(p);
    for (const m of f.macros) out.macros.add(m);
    for (const m of f.functionMacros) out.functionMacros.add(m);
    out.calls.push(...f.calls);
    out.comments.push(...f.comments);
    out.opsInits.push(...f.opsInits);
    out.memberAssigns.push(...f.memberAssigns);
    for (const [k, v] of f.structVars) out.structVars.set(k, v);
    out.localAssigns.push(...f.localAssigns);
    out.fieldAssigns.push(...f.fieldAssigns);
  }
  return out;
}

/** The same facts, moved by an edit before them. */
function shiftFacts(f: FileFacts, dIndex: number, dRow: number): FileFacts {
  if (dIndex === 0 && dRow === 0) return f;
  return {
    ...f,
    includes: f.includes.map((i) => ({ ...i, line: i.line + dRow })),
    functions: f.functions.map((fn) => ({
      ...fn,
      nameStart: fn.nameStart + dIndex,
      nameLine: fn.nameLine + dRow,
      start: fn.start + dIndex,
      startLine: fn.startLine + dRow,
      end: fn.end + dIndex,
      endLine: fn.endLine + dRow,
    })),
    calls: f.calls.map((c) => {
      const moved = { ...c, start: c.start + dIndex, line: c.line + dRow };
      const context = contexts.get(c);
      if (context) contexts.set(moved, { ...context, anchorLines: context.anchorLines.map((l) => l + dRow) });
      return moved;
    }),
    comments: f.comments.map((c) => ({
      ...c,
      start: c.start + dIndex,
      end: c.end + dIndex,
      startLine: c.startLine + dRow,
      endLine: c.endLine + dRow,
    })),
    opsInits: f.opsInits.map((o) => ({ ...o, line: o.line + dRow, members: o.members.map((m) => ({ ...m, line: m.line + dRow })) })),
    memberAssigns: f.memberAssigns.map((m) => ({ ...m, line: m.line + dRow })),
  };
}

/** All facts of a file, extracted afresh. */
export function extractFacts(tree: Tree, text: string, lines: LineIndex = new LineIndex(text)): FileFacts {
  return mergeChunks(extractChunks(tree, text, lines));
}

/**
 * The facts of one subtree. tree-sitter finds the interesting nodes natively, in
 * document order, so only those are ever materialised as JS objects (which is
 * what costs in the node binding). Nothing of interest nests inside comments,
 * #include lines or macro bodies, so visiting them needs no pruning.
 */
function walkNodes(nodes: SyntaxNode[], starts: number[], from: number, to: number, text: string, lines: LineIndex): FileFacts {
  const facts = emptyFacts();
  let fn: FunctionFact | undefined;
  // The current function's calls, recorded in document order among its nodes:
  // whether a callee is a local depends on the declarations seen before it.
  let calls: { start: number; callee: string }[] = [];
  let next = 0;
  const callsBefore = (offset: number) => {
    while (next < calls.length && calls[next].start < offset) recordCall(calls[next++], fn!, facts, text, lines);
  };
  for (let i = from; i < to; i++) {
    if (fn) {
      callsBefore(starts[i]);
      if (starts[i] >= fn.end) fn = undefined;
    }
    const opened = visit(nodes[i], starts[i], fn, facts, text, lines);
    if (opened) {
      fn = opened;
      calls = callsOf(text, opened);
      next = 0;
    }
  }
  if (fn) callsBefore(Infinity);
  return facts;
}

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
function callsOf(text: string, fn: FunctionFact): { start: number; callee: string }[] {
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

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** `callee (args)` at `start`: a direct call; its arguments read from the text. */
function recordCall(
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

/** Records one interesting node. Returns the function it opens, if it is a definition. */
function visit(
  node: SyntaxNode,
  start: number,
  fn: FunctionFact | undefined,
  facts: FileFacts,
  text: string,
  lines: LineIndex,
): FunctionFact | undefined {
  const type = node.type;
  switch (type) {
    case 'comment': {
      const end = node.endIndex;
      const from = lines.positionAt(start);
      const to = lines.positionAt(end);
      const startLine = from.line;
      const endLine = to.line;
      const before = lines.lineText(startLine).slice(0, from.character);
      const after = lines.lineText(endLine).slice(to.character);
      const ctext = text.slice(start, end);
      facts.comments.push({
        start,
        end,
        startLine,
        endLine,
        text: ctext,
        standalone: before.trim() === '' && after.trim() === '',
        kernelDoc: /^\/\*\*(?!\*)/.test(ctext),
      });
      return undefined;
    }
    case 'preproc_include': {
      const p = node.childForFieldName('path');
      if (p) {
        const raw = p.text;
        facts.includes.push({ path: raw.slice(1, -1).trim(), system: raw.startsWith('<'), line: node.startPosition.row });
      }
      return undefined;
    }
    case 'preproc_def':
    case 'preproc_function_def': {
      const name = node.childForFieldName('name')?.text;
      if (name) {
        facts.macros.add(name);
        if (type === 'preproc_function_def') facts.functionMacros.add(name);
      }
      return undefined; // macro bodies are text, not code
    }
    case 'function_definition': {
      // The tree finds the name; the rest is read from the text (each node lookup
      // crosses into the binding: ~20 per function cost 5 ms of a cold check).
      const decl = functionDeclarator(node.childForFieldName('declarator'));
      const id = decl ? innermostIdentifier(decl.childForFieldName('declarator')) : null;
      if (!decl || !id) return undefined;
      const nameStart = id.startIndex;
      const nameEnd = identifierEnd(text, nameStart);
      const end = node.endIndex;
      const { params, variadic } = paramsAfter(text, nameEnd, end);
      const namePos = lines.positionAt(nameStart);
      const opened: FunctionFact = {
        name: text.slice(nameStart, nameEnd),
        nameStart,
        nameLine: namePos.line,
        nameColumn: namePos.character,
        start,
        startLine: lines.positionAt(start).line,
        end,
        endLine: lines.positionAt(end).line,
        params,
        variadic,
        returnsValue: returnsValue(text, start, nameStart),
        locals: new Set(params.map((p) => p.name)),
      };
      facts.functions.push(opened);
      return opened;
    }
    case 'declaration':
      // A function's locals are read from the text; file scope needs the tree (struct tags, initializer lists).
      if (!fn || !collectLocals(text, start, node.endIndex, fn, facts)) collectDeclaration(node, fn, facts, text);
      return undefined;
    case 'assignment_expression':
      collectAssignment(node, start, fn, facts, text, lines);
      return undefined;
  }
  return undefined;
}

function collectDeclaration(node: SyntaxNode, fn: FunctionFact | undefined, facts: FileFacts, text: string): void {
  // The struct tag matters at file scope and for initializer lists only: most
  // declarations are a function's locals, where looking it up was wasted.
  let tag: string | undefined | null = null;
  const structTag = () => {
    if (tag === null) {
      const type = node.childForFieldName('type');
      tag = type?.type === 'struct_specifier' ? type.childForFieldName('name')?.text : undefined;
    }
    return tag;
  };
  for (const d of node.childrenForFieldName('declarator')) {
    if (d.type === 'function_declarator' || (d.type !== 'init_declarator' && functionDeclarator(d)?.type === 'function_declarator')) {
      const id = innermostIdentifier(functionDeclarator(d)?.childForFieldName('declarator') ?? null);
      if (id && !fn) facts.prototypes.add(id.text);
      continue;
    }
    const id = innermostIdentifier(d.type === 'init_declarator' ? d.childForFieldName('declarator') : d);
    if (!id) continue;
    const name = id.text;
    if (fn) fn.locals.add(name);
    else if (structTag()) facts.structVars.set(name, structTag()!);
    if (d.type !== 'init_declarator') continue;
    const value = d.childForFieldName('value');
    if (!value) continue;
    // A typedef'd struct (`static const pf_ops_t tbl = { ... }`) is listed under its typedef name.
    const initType = value.type === 'initializer_list' ? (structTag() ?? (!fn ? typedefName(node) : undefined)) : undefined;
    if (initType) {
      facts.opsInits.push({
        structType: initType,
        variable: name,
        line: id.startPosition.row,
        column: id.startPosition.column,
        members: hasDirective(text, value.startIndex, value.endIndex) ? membersFromText(value, text) : initializerMembers(value),
      });
    } else if (fn) {
      facts.localAssigns.push({ fn: fn.name, local: name, refs: refsOfNode(value, text) });
    }
  }
}

function typedefName(declaration: SyntaxNode): string | undefined {
  const type = declaration.childForFieldName('type');
  return type?.type === 'type_identifier' ? type.text : undefined;
}

/** A list with `#if` lines among its members, which the tree cannot hold: read from the text (initializerText.ts). */
function membersFromText(list: SyntaxNode, text: string): OpsMemberFact[] {
  const { row, column } = list.startPosition;
  return initializerEntriesFromText(text, list.startIndex, list.endIndex - 1)
    .filter((e) => e.path.length === 1)
    .map((e) => {
      const pos = positionFrom(text, list.startIndex, row, column, e.start);
      return { member: e.path[0], fn: e.fn, line: pos.row, column: pos.column };
    });
}

function initializerMembers(list: SyntaxNode): OpsMemberFact[] {
  const members: OpsMemberFact[] = [];
  for (const pair of list.namedChildren) {
    if (pair.type !== 'initializer_pair') continue;
    const designator = pair.childForFieldName('designator');
    let value = pair.childForFieldName('value');
    if (value?.type === 'pointer_expression') value = value.childForFieldName('argument');
    if (designator?.type !== 'field_designator' || value?.type !== 'identifier') continue;
    const member = designator.namedChildren[0]?.text ?? designator.text.replace(/^\./, '');
    members.push({ member, fn: value.text, line: value.startPosition.row, column: value.startPosition.column });
  }
  return members;
}

/**
 * `left = right` (or a compound `op=`), read from the node's text: the operator is
 * the first `=` outside brackets and literals (a left operand is unary or postfix, so
 * it holds none), which spares three node lookups per assignment of a cold check.
 */
function collectAssignment(
  node: SyntaxNode,
  start: number,
  fn: FunctionFact | undefined,
  facts: FileFacts,
  text: string,
  lines: LineIndex,
): void {
  const end = node.endIndex;
  const op = assignmentOperator(text, start, end);
  if (!op) return;
  const left = withoutComments(text.slice(start, op.start)).trim();
  let rightStart = op.end;
  while (rightStart < end && isBlank(text.charCodeAt(rightStart))) rightStart++;
  if (rightStart >= end) return;
  if (isIdentifier(left)) {
    if (fn)
      facts.localAssigns.push({ fn: fn.name, local: left, refs: refsIn(text, rightStart, end, false)[0] ?? { idents: [], fields: [] } });
    return;
  }
  const member = fieldOf(left);
  if (!member) return;
  const right = text.slice(rightStart, end).trim();
  if (isIdentifier(right)) {
    const pos = lines.positionAt(rightStart);
    facts.memberAssigns.push({ member, fn: right, line: pos.line, column: pos.character });
  }
  facts.fieldAssigns.push({ field: member, refs: refsIn(text, rightStart, end, false)[0] ?? { idents: [], fields: [] } });
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;
/** Words tree-sitter-c reads as literals, not identifiers. */
const LITERAL_WORDS = new Set(['NULL', 'nullptr', 'true', 'TRUE', 'false', 'FALSE']);
const isIdentifier = (s: string) => IDENTIFIER.test(s) && !LITERAL_WORDS.has(s);
const LAST_FIELD = /(?:\.|->)\s*([A-Za-z_]\w*)$/;
const COMPOUND_OPERATOR_CHARS = '+-*/%&|^<>';

/** The assignment operator in text[start, end): `=`, or `+=`, `<<=`, ... */
function assignmentOperator(text: string, start: number, end: number): { start: number; end: number } | undefined {
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
function fieldOf(left: string): string | undefined {
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

function withoutComments(s: string): string {
  return s.includes('/') ? s.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ') : s;
}
