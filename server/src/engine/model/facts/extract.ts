/** Extraction of a file's facts: per top-level chunk, reused across edits, merged into one FileFacts. */
import type { SyntaxNode, Tree } from '../../syntax/cParser';
import { LineIndex } from '../../syntax/text';
import { callsOf, recordCall } from './calls';
import { contexts } from './nodes';
import type { EditRegion, FactChunk, FileFacts, FunctionFact } from './types';
import { visit } from './visit';

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
