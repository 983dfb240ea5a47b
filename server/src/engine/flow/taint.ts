/**
 * Values userspace controls on the migration path. This module starts with the
 * file position of a read/write handler: the `loff_t *` parameter, locals and the
 * parameter itself pointed at `filp->f_pos`, and the places that read it
 * (`*pos`, `filp->f_pos`). Migration files are streams userspace may read and
 * write from several threads at once: the position is shared state.
 */
import type { HandlerItem } from '../model/driver';
import type { FunctionFact } from '../model/facts';
import type { SourceFile } from '../model/sourceFile';
import type { SyntaxNode } from '../syntax/cParser';
import { functionNode } from './cfg';

/** read/write members of a migration file's file_operations. */
export function isMigrationDataHandler(h: HandlerItem): 'read' | 'write' | undefined {
  for (const w of h.wiring) if (w.ops === 'file_operations' && (w.member === 'read' || w.member === 'write')) return w.member;
  return undefined;
}

/** Parameters of `fn` with their declaration text (`loff_t *pos`). */
export function parameterDecls(file: SourceFile, fn: FunctionFact): { name: string; text: string; node: SyntaxNode }[] {
  const def = functionNode(file.parsed.tree, fn);
  let decl = def?.childForFieldName('declarator');
  while (decl && decl.type !== 'function_declarator') decl = decl.childForFieldName('declarator');
  const params = decl?.childForFieldName('parameters');
  const out: { name: string; text: string; node: SyntaxNode }[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (p.type !== 'parameter_declaration') continue;
    let d = p.childForFieldName('declarator');
    while (d && d.type !== 'identifier')
      d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c.type === 'identifier') ?? null;
    out.push({ name: d?.text ?? '', text: p.text, node: p });
  }
  return out;
}

/**
 * Names that point at the file position in `fn`: `loff_t *` parameters, and
 * variables assigned or initialized with `&X->f_pos` (or another such name).
 */
export function positionPointers(file: SourceFile, fn: FunctionFact, body: SyntaxNode): Set<string> {
  const names = new Set<string>();
  for (const p of parameterDecls(file, fn)) if (/\bloff_t\s*\*/.test(p.text) && p.name) names.add(p.name);
  const pointsAtPos = (v: SyntaxNode | null): boolean => {
    if (!v) return false;
    const t = v.text.replace(/\s+/g, '');
    return /^&\(?\w+(?:->|\.)f_pos\)?$/.test(t) || names.has(t);
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const a of body.descendantsOfType(['assignment_expression', 'init_declarator'])) {
      const left = a.type === 'assignment_expression' ? a.childForFieldName('left') : a.childForFieldName('declarator');
      let id = left;
      while (id && id.type === 'pointer_declarator') id = id.childForFieldName('declarator');
      if (id?.type !== 'identifier' || names.has(id.text)) continue;
      const right = a.type === 'assignment_expression' ? a.childForFieldName('right') : a.childForFieldName('value');
      if (pointsAtPos(right)) {
        names.add(id.text);
        changed = true;
      }
    }
  }
  return names;
}

/** Reads and writes of the file position inside `syntax`: `*pos`, `pos[0]`, `X->f_pos` (not `&X->f_pos`). */
export function positionUses(syntax: SyntaxNode, pointers: ReadonlySet<string>): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  const visit = (n: SyntaxNode) => {
    if (n.type === 'pointer_expression' && n.childForFieldName('operator')?.text === '*') {
      const arg = n.childForFieldName('argument');
      if (arg?.type === 'identifier' && pointers.has(arg.text)) {
        out.push(n);
        return;
      }
    }
    if (n.type === 'field_expression' && n.childForFieldName('field')?.text === 'f_pos') {
      const p = n.parent;
      if (!(p?.type === 'pointer_expression' && p.childForFieldName('operator')?.text === '&')) out.push(n);
      return;
    }
    for (const c of n.namedChildren) visit(c);
  };
  visit(syntax);
  return out;
}

/**
 * The declared type of a parameter or local of `fn` (`size_t` for `size_t len`), with
 * how many `*` its declarator adds. Undefined for globals, fields and unknown names.
 */
export function declaredType(
  file: SourceFile,
  fn: FunctionFact,
  body: SyntaxNode,
  name: string,
): { type: string; pointers: number } | undefined {
  const fromDecl = (decl: SyntaxNode, typeNode: SyntaxNode | null): { type: string; pointers: number } | undefined => {
    let d: SyntaxNode | null = decl;
    let pointers = 0;
    while (d && d.type !== 'identifier') {
      if (d.type === 'pointer_declarator') pointers++;
      else if (d.type === 'array_declarator') pointers++;
      else if (d.type !== 'init_declarator' && d.type !== 'parenthesized_declarator') return undefined;
      d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c.type === 'identifier') ?? null;
    }
    if (d?.text !== name || !typeNode) return undefined;
    const qualifiers = decl.parent?.namedChildren.filter((c) => c.type === 'type_qualifier').map((c) => c.text) ?? [];
    return { type: [...qualifiers.filter((q) => q !== 'const'), typeNode.text].join(' '), pointers };
  };
  for (const p of parameterDecls(file, fn)) {
    if (p.name !== name) continue;
    const decl = p.node.childForFieldName('declarator');
    return decl ? fromDecl(decl, p.node.childForFieldName('type')) : undefined;
  }
  for (const d of body.descendantsOfType('declaration')) {
    const typeNode = d.childForFieldName('type');
    for (const decl of d.childrenForFieldName('declarator')) {
      const t = fromDecl(decl, typeNode);
      if (t) return t;
    }
  }
  return undefined;
}
