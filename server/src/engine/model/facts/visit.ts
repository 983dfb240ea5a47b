/** The facts of one interesting node: functions, declarations, macros, includes, comments, assignments. */
import type { SyntaxNode } from '../../syntax/cParser';
import { LineIndex } from '../../syntax/text';
import { hasDirective, initializerEntriesFromText, positionFrom } from '../initializerText';
import { collectLocals, identifierEnd, paramsAfter, returnsValue } from './declarators';
import { functionDeclarator, innermostIdentifier, refsOfNode } from './nodes';
import { assignmentOperator, fieldOf, isBlank, isIdentifier, refsIn, withoutComments } from './text';
import type { FileFacts, FunctionFact, OpsMemberFact } from './types';

/** Records one interesting node. Returns the function it opens, if it is a definition. */
export function visit(
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
