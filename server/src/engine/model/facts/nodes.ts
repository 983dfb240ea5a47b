/** Readers of syntax-tree nodes: declarators, where a call's value goes, a call's context. */
import type { SyntaxNode, Tree } from '../../syntax/cParser';
import { refsIn } from './text';
import type { CallContext, CallFact, Refs } from './types';

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

export function refsOfNode(node: SyntaxNode, text: string): Refs {
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
export const contexts = new WeakMap<CallFact, CallContext>();

function lookUpContext(tree: Tree, call: CallFact): CallContext {
  const callee = tree.rootNode.descendantForIndex(call.start, call.start + call.callee.length);
  const node = callee?.parent;
  if (!node || node.type !== 'call_expression') return { anchorLines: [call.line] };
  const result = resultTarget(node);
  return { anchorLines: anchorLinesOf(node), resultLocal: result.local, resultField: result.field };
}
