/**
 * Calls and simple expressions inside one flow node, read from the syntax tree:
 * callee, argument texts and positions. Only built for the nodes a rule inspects.
 */
import type { SyntaxNode } from '../syntax/cParser';
import type { FlowNode } from './cfg';

export interface FlowCall {
  callee: string;
  /** Argument source texts, trimmed, in order. */
  args: string[];
  argNodes: SyntaxNode[];
  node: SyntaxNode;
  /** 0-based row and column of the callee. */
  line: number;
  column: number;
}

/** Calls in `syntax` in source order, not descending into nested function bodies (there are none in C). */
export function callsIn(syntax: SyntaxNode | undefined): FlowCall[] {
  if (!syntax) return [];
  const out: FlowCall[] = [];
  for (const call of syntax.type === 'call_expression'
    ? [syntax, ...syntax.descendantsOfType('call_expression')]
    : syntax.descendantsOfType('call_expression')) {
    const fnNode = call.childForFieldName('function');
    if (!fnNode || fnNode.type !== 'identifier') continue;
    const argList = call.childForFieldName('arguments');
    const argNodes = (argList?.namedChildren ?? []).filter((c) => c.type !== 'comment');
    out.push({
      callee: fnNode.text,
      args: argNodes.map((a) => a.text.trim()),
      argNodes,
      node: call,
      line: fnNode.startPosition.row,
      column: fnNode.startPosition.column,
    });
  }
  return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/** The calls a flow node makes (a `cond` node: its condition's). */
export function nodeCalls(node: FlowNode): FlowCall[] {
  return callsIn(node.syntax);
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
