/**
 * A function's control-flow graph, built from its syntax tree: the intra-procedural
 * layer every flow rule reads (statements in order, paths through if/else/loops/
 * switch/goto/return). Nodes are simple statements and branch conditions; compound
 * statements dissolve into edges. Built lazily, per function a rule asks about.
 */
import type { SyntaxNode, Tree } from '../syntax/cParser';
import type { FunctionFact } from '../model/facts';

export type FlowNodeKind = 'entry' | 'exit' | 'stmt' | 'cond' | 'return' | 'label';

export interface FlowNode {
  id: number;
  kind: FlowNodeKind;
  /** The statement (stmt/return), condition expression (cond) or label statement; none for entry/exit. */
  syntax?: SyntaxNode;
  /** Successors. A `cond` node has [taken, not taken]; a switch head has one per case. */
  succ: number[];
  /** For a `cond` node: the statement it belongs to (if/while/for/do/switch). */
  owner?: SyntaxNode;
}

export interface Cfg {
  fn: FunctionFact;
  body: SyntaxNode;
  nodes: FlowNode[];
  entry: number;
  exit: number;
  /** Label name -> node id. */
  labels: Map<string, number>;
  /** Node ids in a reverse post-order from entry (a good order for forward analyses). */
  order: number[];
}

interface LoopTargets {
  breakTo?: number;
  continueTo?: number;
}

/** The function_definition node that `fn` was read from. */
export function functionNode(tree: Tree, fn: FunctionFact): SyntaxNode | undefined {
  // The smallest node spanning the definition is the definition: one lookup instead of a walk up from the name.
  const whole = tree.rootNode.descendantForIndex(fn.start, fn.end);
  if (whole?.type === 'function_definition' && whole.startIndex === fn.start) return whole;
  let n: SyntaxNode | null = tree.rootNode.descendantForIndex(fn.nameStart, fn.nameStart + fn.name.length);
  while (n && n.type !== 'function_definition') n = n.parent;
  return n ?? undefined;
}

export function buildCfg(tree: Tree, fn: FunctionFact): Cfg | undefined {
  const def = functionNode(tree, fn);
  const body = def?.childForFieldName('body');
  if (!def || !body) return undefined;
  const nodes: FlowNode[] = [];
  const add = (kind: FlowNodeKind, syntax?: SyntaxNode, owner?: SyntaxNode): number => {
    nodes.push({ id: nodes.length, kind, syntax, succ: [], owner });
    return nodes.length - 1;
  };
  const entry = add('entry');
  const exit = add('exit');
  const labels = new Map<string, number>();
  const gotos: { from: number; label: string }[] = [];
  const link = (from: number[], to: number) => {
    for (const f of from) nodes[f].succ.push(to);
  };

  /** Lays out `stmt` after the `from` nodes; returns the nodes whose successor is what follows. */
  const visit = (stmt: SyntaxNode, from: number[], loop: LoopTargets): number[] => {
    switch (stmt.type) {
      case 'compound_statement': {
        let cur = from;
        for (const child of stmt.namedChildren) {
          if (child.type === 'comment') continue;
          cur = visit(child, cur, loop);
        }
        return cur;
      }
      case 'if_statement': {
        const { condition, consequence, alternative: alt } = ifParts(stmt);
        const cond = add('cond', condition ?? stmt, stmt);
        link(from, cond);
        const thenEnd = visit(consequence!, [cond], loop);
        const elseStmt = alt ? (alt.type === 'else_clause' ? alt.namedChildren.find((c) => c.type !== 'comment') : alt) : undefined;
        if (!elseStmt) {
          // The not-taken edge is the second successor: a placeholder join keeps [taken, not taken] ordered.
          const join = add('stmt', undefined);
          nodes[cond].succ.push(join);
          return [...thenEnd, join];
        }
        const elseEnd = visit(elseStmt, [cond], loop);
        return [...thenEnd, ...elseEnd];
      }
      case 'while_statement': {
        const cond = add('cond', stmt.childForFieldName('condition') ?? stmt, stmt);
        link(from, cond);
        const after = add('stmt', undefined);
        const bodyEnd = visit(stmt.childForFieldName('body')!, [cond], { breakTo: after, continueTo: cond });
        link(bodyEnd, cond);
        nodes[cond].succ.push(after);
        return [after];
      }
      case 'do_statement': {
        const head = add('stmt', undefined);
        link(from, head);
        const cond = add('cond', stmt.childForFieldName('condition') ?? stmt, stmt);
        const after = add('stmt', undefined);
        const bodyEnd = visit(stmt.childForFieldName('body')!, [head], { breakTo: after, continueTo: cond });
        link(bodyEnd, cond);
        nodes[cond].succ.push(head, after);
        return [after];
      }
      case 'for_statement': {
        let cur = from;
        const init = stmt.childForFieldName('initializer');
        if (init) {
          const n = add('stmt', init);
          link(cur, n);
          cur = [n];
        }
        const condSyntax = stmt.childForFieldName('condition');
        const cond = add('cond', condSyntax ?? stmt, stmt);
        link(cur, cond);
        const after = add('stmt', undefined);
        const updateSyntax = stmt.childForFieldName('update');
        const update = add('stmt', updateSyntax ?? undefined);
        const bodyEnd = visit(stmt.childForFieldName('body')!, [cond], { breakTo: after, continueTo: update });
        link(bodyEnd, update);
        link([update], cond);
        // for (;;) never falls out of its condition.
        if (condSyntax) nodes[cond].succ.push(after);
        return [after];
      }
      case 'switch_statement': {
        const head = add('cond', stmt.childForFieldName('condition') ?? stmt, stmt);
        link(from, head);
        const after = add('stmt', undefined);
        const inner: LoopTargets = { breakTo: after, continueTo: loop.continueTo };
        const body = stmt.childForFieldName('body');
        let cur: number[] = [];
        let hasDefault = false;
        for (const c of body?.namedChildren ?? []) {
          if (c.type === 'case_statement') {
            const label = add('label', c);
            nodes[head].succ.push(label);
            const value = c.childForFieldName('value');
            if (!value) hasDefault = true;
            link(cur, label);
            cur = [label];
            for (const s of c.namedChildren) {
              if (s === value || s.type === 'comment') continue;
              cur = visit(s, cur, inner);
            }
          } else if (c.type !== 'comment') {
            cur = visit(c, cur, inner);
          }
        }
        link(cur, after);
        if (!hasDefault) nodes[head].succ.push(after);
        return [after];
      }
      case 'return_statement': {
        const n = add('return', stmt);
        link(from, n);
        link([n], exit);
        return [];
      }
      case 'goto_statement': {
        const n = add('stmt', stmt);
        link(from, n);
        const label = stmt.childForFieldName('label')?.text;
        if (label) gotos.push({ from: n, label });
        return [];
      }
      case 'break_statement':
      case 'continue_statement': {
        const n = add('stmt', stmt);
        link(from, n);
        const to = stmt.type === 'break_statement' ? loop.breakTo : loop.continueTo;
        if (to !== undefined) link([n], to);
        return [];
      }
      case 'labeled_statement': {
        const n = add('label', stmt);
        link(from, n);
        const label = stmt.childForFieldName('label');
        const name = label?.text;
        if (name) labels.set(name, n);
        const inner = stmt.namedChildren.find((c) => c !== label && c.type !== 'comment');
        return inner ? visit(inner, [n], loop) : [n];
      }
      default: {
        const n = add('stmt', stmt);
        link(from, n);
        return [n];
      }
    }
  };

  const end = visit(body, [entry], {});
  link(end, exit);
  for (const g of gotos) {
    const to = labels.get(g.label);
    link([g.from], to ?? exit);
  }
  return { fn, body, nodes, entry, exit, labels, order: reversePostOrder(nodes, entry) };
}

/**
 * The fields of an if statement from one list of its children: its named children
 * are the condition, the consequence and the else clause, besides comments (extras)
 * and error nodes, with which the fields are asked for one by one.
 */
function ifParts(stmt: SyntaxNode): { condition: SyntaxNode | null; consequence: SyntaxNode | null; alternative: SyntaxNode | null } {
  const parts = stmt.namedChildren.filter((c) => c.type !== 'comment');
  if (
    (parts.length === 2 || (parts.length === 3 && parts[2].type === 'else_clause')) &&
    parts[0].type === 'parenthesized_expression' &&
    parts[1].type !== 'ERROR' &&
    parts[1].type !== 'else_clause'
  )
    return { condition: parts[0], consequence: parts[1], alternative: parts[2] ?? null };
  return {
    condition: stmt.childForFieldName('condition'),
    consequence: stmt.childForFieldName('consequence'),
    alternative: stmt.childForFieldName('alternative'),
  };
}

function reversePostOrder(nodes: FlowNode[], entry: number): number[] {
  const seen = new Uint8Array(nodes.length);
  const post: number[] = [];
  // Iterative DFS: deep functions must not overflow the stack.
  const stack: [number, number][] = [[entry, 0]];
  seen[entry] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1];
    const succ = nodes[top[0]].succ;
    if (top[1] < succ.length) {
      const next = succ[top[1]++];
      if (!seen[next]) {
        seen[next] = 1;
        stack.push([next, 0]);
      }
    } else {
      post.push(top[0]);
      stack.pop();
    }
  }
  return post.reverse();
}
