/**
 * The struct initializers of a file read as tables of function pointers: each entry's
 * member path (`ggtt.load`), the identifier stored there and the lines a comment
 * documenting it may sit above. See parentTables.ts.
 */
import type { SyntaxNode } from '../syntax/cParser';
import type { SourceFile } from './sourceFile';
import { hasDirective, initializerEntriesFromText, positionFrom } from './initializerText';

export interface TableEntry {
  /** Member path inside the table: `pause`, `ggtt.load`. */
  path: string;
  /** The identifier stored there. */
  fn: string;
  start: number;
  line: number;
  column: number;
  /** Lines a documenting comment may sit above: the entry, the enclosing nested entries, the declaration. */
  anchorLines: number[];
}

export interface RawTable {
  variable: string;
  structType: string;
  /** Enclosing function of a local table. */
  fn?: string;
  entries: TableEntry[];
}

export interface Table extends RawTable {
  id: number;
  file: SourceFile;
  byPath: Map<string, TableEntry>;
  /** Every entry path and every prefix of one: where a reference into the table can point. */
  prefixes: Set<string>;
  mock: boolean;
}

const tablesByFile = new WeakMap<SourceFile, RawTable[]>();

/** The struct initializers of a file with their (nested) members, read once per file version. */
export function tablesOf(file: SourceFile): RawTable[] {
  let tables = tablesByFile.get(file);
  if (tables) return tables;
  tables = [];
  const root = file.parsed.tree.rootNode;
  for (const init of file.facts.opsInits) {
    const offset = file.lines.offsetAt({ line: init.line, character: init.column });
    let n: SyntaxNode | null = root.descendantForIndex(offset, offset + init.variable.length);
    while (n && n.type !== 'init_declarator' && n.type !== 'translation_unit' && n.type !== 'compound_statement') n = n.parent;
    const value = n?.type === 'init_declarator' ? n.childForFieldName('value') : null;
    if (!n || value?.type !== 'initializer_list') continue;
    const decl = n.parent?.type === 'declaration' ? n.parent : n;
    const entries: TableEntry[] = [];
    const text = file.parsed.masked;
    if (hasDirective(text, value.startIndex, value.endIndex)) {
      // `#if` between the members: the tree lost some of them, the text has them all.
      const { row, column } = value.startPosition;
      const at = (offset: number) => positionFrom(text, value.startIndex, row, column, offset);
      for (const e of initializerEntriesFromText(text, value.startIndex, value.endIndex - 1)) {
        const pos = at(e.start);
        const lines = [...new Set([...e.pairStarts.map((p) => at(p).row), decl.startPosition.row])];
        entries.push({ path: e.path.join('.'), fn: e.fn, start: e.start, line: pos.row, column: pos.column, anchorLines: lines });
      }
    } else readList(value, [], [decl.startPosition.row], entries);
    if (!entries.length) continue;
    const fn = file.facts.functions.find((f) => f.start <= offset && offset < f.end)?.name;
    tables.push({ variable: init.variable, structType: init.structType, fn, entries });
  }
  tablesByFile.set(file, tables);
  return tables;
}

function readList(list: SyntaxNode, prefix: string[], anchors: number[], out: TableEntry[]): void {
  for (const pair of list.namedChildren) {
    if (pair.type !== 'initializer_pair') continue;
    const names: string[] = [];
    for (const d of pair.childrenForFieldName('designator')) {
      const id = d.type === 'field_designator' ? d.namedChildren[0] : undefined;
      if (!id) return; // `[IDX] = ...`: an array, not a table of named members
      names.push(id.text);
    }
    const value = pair.childForFieldName('value');
    if (!names.length || !value) continue;
    const path = [...prefix, ...names];
    const lines = anchors[0] === pair.startPosition.row ? anchors : [pair.startPosition.row, ...anchors];
    if (value.type === 'initializer_list') {
      readList(value, path, lines, out);
      continue;
    }
    const id = stripped(value);
    if (id.type !== 'identifier') continue;
    out.push({
      path: path.join('.'),
      fn: id.text,
      start: id.startIndex,
      line: id.startPosition.row,
      column: id.startPosition.column,
      anchorLines: lines,
    });
  }
}

export function stripped(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChildren[0];
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value')!;
    else if (n.type === 'pointer_expression' && n.childForFieldName('argument')) n = n.childForFieldName('argument')!;
    else return n;
  }
}
