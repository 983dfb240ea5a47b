/**
 * Calls and simple expressions inside one flow node, read from the syntax tree:
 * callee, argument texts and positions. Only built for the nodes a rule inspects.
 */
import { closingParen, isBlank } from '../model/facts/text';
import type { SyntaxNode } from '../syntax/cParser';
import { isIdentPart, isIdentStart } from '../syntax/lexer';
import type { FlowNode } from './cfg';

export interface FlowCall {
  callee: string;
  /** Argument source texts, trimmed, in order. */
  readonly args: string[];
  readonly argNodes: SyntaxNode[];
  node: SyntaxNode;
  /** 0-based row and column of the callee. */
  readonly line: number;
  readonly column: number;
}

/**
 * A call whose argument nodes, texts and position are read from the tree only when
 * asked: most calls a rule looks at are dismissed by their callee alone.
 */
export class TreeCall implements FlowCall {
  private nodes?: SyntaxNode[];
  private texts?: string[];
  private position?: { row: number; column: number };

  constructor(
    readonly callee: string,
    readonly node: SyntaxNode,
  ) {}

  get argNodes(): SyntaxNode[] {
    return (this.nodes ??= (this.node.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment'));
  }

  get args(): string[] {
    return (this.texts ??= this.argNodes.map((a) => a.text.trim()));
  }

  /** The callee starts the call. */
  get line(): number {
    return (this.position ??= this.node.startPosition).row;
  }

  get column(): number {
    return (this.position ??= this.node.startPosition).column;
  }
}

/**
 * Calls in `syntax` in source order (tree-sitter lists descendants in document
 * order), not descending into nested function bodies (there are none in C).
 * `text` is the text the tree was parsed from.
 */
export function callsIn(syntax: SyntaxNode | undefined, text: string): FlowCall[] {
  if (!syntax) return [];
  const memo = callsMemo.get(syntax);
  if (memo) return memo;
  const out: FlowCall[] = [];
  callsMemo.set(syntax, out);
  // No `(`, no argument list: most statements are spared the native search (which looks the type name up each time).
  const start = syntax.startIndex;
  const open = text.indexOf('(', start);
  if (open < 0 || open >= syntax.endIndex) return out;
  for (const call of syntax.type === 'call_expression'
    ? [syntax, ...syntax.descendantsOfType('call_expression')]
    : syntax.descendantsOfType('call_expression')) {
    let callee = calleeFromText(text, call.startIndex, call.endIndex);
    if (callee === undefined) {
      const fnNode = call.childForFieldName('function');
      callee = fnNode?.type === 'identifier' ? fnNode.text : null;
    }
    if (callee !== null) out.push(new TreeCall(callee, call));
  }
  return out;
}

/** Several rules ask for the calls of the same statement; the binding hands out the same node object while it lives. */
const callsMemo = new WeakMap<SyntaxNode, FlowCall[]>();

/**
 * The callee of the call text[start, end) when its function is a plain name
 * (`name (args)`, the `(` closing at the end); null when it cannot be one (`(*fp)(`,
 * `a->b(`, `a.b(`, `t[i](`); undefined when only the tree can tell.
 */
function calleeFromText(text: string, start: number, end: number): string | null | undefined {
  const first = text.charCodeAt(start);
  if (first === 0x28 /* ( */) return null;
  if (!isIdentStart(first)) return undefined;
  let i = start + 1;
  while (isIdentPart(text.charCodeAt(i))) i++;
  let open = i;
  while (open < end && isBlank(text.charCodeAt(open))) open++;
  const next = text.charCodeAt(open);
  if (next === 0x2e /* . */ || next === 0x2d /* - */ || next === 0x5b /* [ */) return null;
  if (next !== 0x28 || text.charCodeAt(end - 1) !== 0x29 || closingParen(text, open, end) !== end - 1) return undefined;
  return text.slice(start, i);
}

/** The calls a flow node makes (a `cond` node: its condition's). */
export function nodeCalls(node: FlowNode, text: string): FlowCall[] {
  return callsIn(node.syntax, text);
}

/** `&x->lock` and `&(x->lock)` and `x->lock` name the same lock: a normal form for comparing lock arguments. */
export function normalizeExpr(text: string): string {
  let s = text.replace(/\s+/g, '');
  while (s.startsWith('(') && s.endsWith(')') && balanced(s.slice(1, -1))) s = s.slice(1, -1);
  if (s.startsWith('&')) s = s.slice(1);
  while (s.startsWith('(') && s.endsWith(')') && balanced(s.slice(1, -1))) s = s.slice(1, -1);
  return s;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const c of s) {
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
