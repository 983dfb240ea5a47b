/**
 * The facts read from a function's text (model/facts: calls.ts, declarators.ts,
 * text.ts) against an independent reading of the tree-sitter tree, over every C file
 * of Linux 6.12's drivers/vfio/pci.
 *
 * The facts walk finds definitions, declarations and assignments in the tree, but
 * what is inside them is read from the (masked) text, to spare the node binding:
 * the direct calls of a function (`callsOf`), its parameters and whether it returns
 * a value (`paramsAfter`, `returnsValue`), the names a declaration declares and its
 * initializers (`collectLocals`), and the two sides of an assignment
 * (`assignmentOperator`, `fieldOf`). Here the same things are read from the tree
 * alone (call_expression, parameter_declaration, init_declarator,
 * assignment_expression nodes) and the two must agree, apart from the differences
 * listed in KNOWN with their reasons; each kind of difference has a count bound, so
 * new drift fails.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createSourceFile, type SourceFile } from '../../server/src/engine/model/sourceFile';
import type { Refs } from '../../server/src/engine/model/facts';
import type { SyntaxNode } from '../../server/src/engine/syntax/cParser';
import { ensureKernel } from '../support/kernel';

/** What a file says, one string per fact, as the facts have it and as the tree has it. */
interface Reading {
  calls: string[];
  /** What each argument of a call mentions: identifiers, then fields. */
  callArgs: string[];
  params: string[];
  returns: string[];
  locals: string[];
  localAssigns: string[];
  fieldAssigns: string[];
  memberAssigns: string[];
}
type Kind = keyof Reading;
const KINDS: Kind[] = ['calls', 'callArgs', 'params', 'returns', 'locals', 'localAssigns', 'fieldAssigns', 'memberAssigns'];

/** Between what a fact is about and what it reads (refs): a difference shows both readings of one thing. */
const TO = ' => ';
/** Marks what the tree has in an `#if` condition. */
const IN_IF = ' (in #if)';

function showRefs(r: Refs): string {
  return `${r.idents.join(' ')} | ${r.fields.join(' ')}`;
}

function emptyReading(): Reading {
  return { calls: [], callArgs: [], params: [], returns: [], locals: [], localAssigns: [], fieldAssigns: [], memberAssigns: [] };
}

function fromFacts(file: SourceFile): Reading {
  const f = file.facts;
  const r = emptyReading();
  for (const c of f.calls) {
    r.calls.push(`${c.fn}:${c.line + 1}:${c.column + 1} ${c.callee}(${c.args.length})`);
    c.args.forEach((a, i) => r.callArgs.push(`${c.line + 1}:${c.column + 1} ${c.callee} #${i + 1}${TO}${showRefs(a)}`));
  }
  for (const fn of f.functions) {
    r.params.push(`${fn.name}(${fn.params.map((p) => p.name).join(', ')}${fn.variadic ? ', ...' : ''})`);
    r.returns.push(`${fn.name}: ${fn.returnsValue ? 'value' : 'void'}`);
    for (const l of fn.locals) r.locals.push(`${fn.name}: ${l}`);
  }
  for (const a of f.localAssigns) r.localAssigns.push(`${a.fn}: ${a.local}${TO}${showRefs(a.refs)}`);
  for (const a of f.fieldAssigns) r.fieldAssigns.push(`.${a.field}${TO}${showRefs(a.refs)}`);
  for (const m of f.memberAssigns) r.memberAssigns.push(`${m.line + 1}:${m.column + 1} .${m.member} = ${m.fn}`);
  return r;
}

// ------------------------------------------------------------ the tree, read alone

/** The identifier a declarator declares (through pointers, arrays, parentheses, attributes). */
function declaredName(node: SyntaxNode | null): SyntaxNode | null {
  let n = node;
  while (n) {
    if (n.type === 'identifier') return n;
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ?? null;
  }
  return null;
}

/** The function_declarator a declarator is, or holds below pointers and parentheses (not below an array). */
function functionDeclaratorOf(node: SyntaxNode | null): SyntaxNode | null {
  let n = node;
  while (n && n.type !== 'function_declarator') {
    if (n.type === 'identifier' || n.type === 'array_declarator' || n.type === 'init_declarator') return null;
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type.endsWith('declarator')) ?? null;
  }
  return n;
}

function arguments_(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
}

/** The last `.field` / `->field` of a postfix chain on the left of `=` (`a->b.c`, `p[i].x`, `(*p).x`). */
function assignedField(left: SyntaxNode): string | undefined {
  return left.type === 'field_expression' ? left.childForFieldName('field')?.text : undefined;
}

/** Type keywords: no name a value can come from. */
const TYPE_KEYWORDS = new Set(['int', 'char', 'short', 'long', 'void', 'bool', 'float', 'double', 'unsigned', 'signed']);

/** The names an expression mentions, in document order: identifiers (type names and NULL too), then fields. */
function treeRefs(node: SyntaxNode): Refs {
  const refs: Refs = { idents: [], fields: [] };
  const walk = (n: SyntaxNode) => {
    if (n.type === 'field_identifier') refs.fields.push(n.text);
    else if (n.type === 'identifier' || n.type === 'type_identifier' || n.type === 'null' || n.type === 'true' || n.type === 'false')
      refs.idents.push(n.text);
    else if (n.type === 'primitive_type') {
      if (!TYPE_KEYWORDS.has(n.text)) refs.idents.push(n.text);
    } else for (const c of n.namedChildren) walk(c);
  };
  walk(node);
  return refs;
}

function fromTree(file: SourceFile): Reading {
  const r = emptyReading();
  const root = file.parsed.tree.rootNode;
  for (const def of root.descendantsOfType('function_definition')) {
    const decl = functionDeclaratorOf(def.childForFieldName('declarator'));
    const id = decl && declaredName(decl.childForFieldName('declarator'));
    if (!decl || !id) continue;
    const name = id.text;
    const params: string[] = [];
    let variadic = false;
    for (const p of decl.childForFieldName('parameters')?.namedChildren ?? []) {
      if (p.type === 'variadic_parameter') variadic = true;
      else if (p.type === 'parameter_declaration') {
        const pid = declaredName(p.childForFieldName('declarator'));
        if (pid) params.push(pid.text);
      }
    }
    r.params.push(`${name}(${params.join(', ')}${variadic ? ', ...' : ''})`);
    // `void f(...)`: no value; `void *f(...)` returns one.
    let pointer = false;
    for (let n: SyntaxNode | null = def.childForFieldName('declarator'); n && n.id !== decl.id; n = n.childForFieldName('declarator'))
      if (n.type === 'pointer_declarator') pointer = true;
    const type = def.childForFieldName('type');
    r.returns.push(`${name}: ${type?.type === 'primitive_type' && type.text === 'void' && !pointer ? 'void' : 'value'}`);

    const locals = new Set(params);
    const body = def.childForFieldName('body');
    const nodes = body?.descendantsOfType(['call_expression', 'declaration']) ?? [];
    for (const n of nodes) {
      if (n.type === 'call_expression') {
        const callee = n.childForFieldName('function');
        if (callee?.type !== 'identifier') continue;
        const at = callee.startPosition;
        const args = arguments_(n);
        const mark = inIfCondition(n) ? IN_IF : '';
        r.calls.push(`${name}:${at.row + 1}:${at.column + 1} ${callee.text}(${args.length})${mark}`);
        args.forEach((a, i) =>
          r.callArgs.push(`${at.row + 1}:${at.column + 1} ${callee.text} #${i + 1}${mark}${TO}${showRefs(treeRefs(a))}`),
        );
      } else {
        // An initializer list of a named struct may be a table of functions (an ops initializer), not a value.
        const structType = n.childForFieldName('type');
        const table = structType?.type === 'struct_specifier' && !!structType.childForFieldName('name');
        for (const d of n.childrenForFieldName('declarator')) {
          if (functionDeclaratorOf(d)) continue;
          const did = declaredName(d.type === 'init_declarator' ? d.childForFieldName('declarator') : d);
          if (!did) continue;
          locals.add(did.text);
          const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
          if (value && !(value.type === 'initializer_list' && table))
            r.localAssigns.push(`${name}: ${did.text}${TO}${showRefs(treeRefs(value))}`);
        }
      }
    }
    for (const l of locals) r.locals.push(`${name}: ${l}`);
  }
  // Assignments anywhere (file scope too: an initializer the tree could not hold may read as one).
  for (const n of root.descendantsOfType('assignment_expression')) {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) continue;
    if (left.type === 'identifier') {
      const fn = enclosingFunction(n);
      if (fn) r.localAssigns.push(`${fn}: ${left.text}${TO}${showRefs(treeRefs(right))}`);
      continue;
    }
    const field = assignedField(left);
    if (!field) continue;
    r.fieldAssigns.push(`.${field}${TO}${showRefs(treeRefs(right))}`);
    if (right.type === 'identifier') {
      const at = right.startPosition;
      r.memberAssigns.push(`${at.row + 1}:${at.column + 1} .${field} = ${right.text}`);
    }
  }
  return r;
}

function inIfCondition(node: SyntaxNode): boolean {
  for (let n = node.parent; n && n.type !== 'function_definition'; n = n.parent) {
    const condition = n.type === 'preproc_if' || n.type === 'preproc_elif' ? n.childForFieldName('condition') : null;
    if (condition && condition.startIndex <= node.startIndex && node.endIndex <= condition.endIndex) return true;
  }
  return false;
}

function enclosingFunction(node: SyntaxNode): string | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type !== 'function_definition') continue;
    const decl = functionDeclaratorOf(n.childForFieldName('declarator'));
    return (decl && declaredName(decl.childForFieldName('declarator'))?.text) ?? undefined;
  }
  return undefined;
}

/** Multiset difference: what `a` has more often than `b`. */
function minus(a: string[], b: string[]): string[] {
  const count = new Map<string, number>();
  for (const x of b) count.set(x, (count.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = count.get(x) ?? 0;
    if (n > 0) count.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

interface Difference {
  kind: Kind;
  file: string;
  /** What the fact is about: a call, an argument, a function, a local, an assignment's target. */
  key: string;
  /** What the text reading and the tree reading say about it (undefined: nothing). */
  text?: string;
  tree?: string;
}

/** One thing read differently, or found by one reading only: text-only and tree-only entries paired by key. */
function differences(kind: Kind, file: string, text: string[], tree: string[]): Difference[] {
  const split = (line: string): [string, string] => {
    const at = line.indexOf(TO);
    return at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + TO.length)];
  };
  const out: Difference[] = [];
  const treeOnly = minus(tree, text).map(split);
  for (const [key, value] of minus(text, tree).map(split)) {
    const i = treeOnly.findIndex(([k]) => k === key);
    const other = i < 0 ? undefined : treeOnly.splice(i, 1)[0][1];
    out.push({ kind, file, key, text: value, tree: other });
  }
  for (const [key, value] of treeOnly) out.push({ kind, file, key, tree: value });
  return out;
}

function show(d: Difference): string {
  const reading = (v?: string) => (v === undefined ? '(nothing)' : v === '' ? '(found)' : v);
  return `${d.kind} ${d.file} ${d.key}: text ${reading(d.text)}; tree ${reading(d.tree)}`;
}

/**
 * The intended differences, each with the most occurrences allowed on 6.12's
 * drivers/vfio/pci (the count there today): more of them, or any other difference,
 * is drift between what the facts read from the text and what the tree says.
 */
const KNOWN: { reason: string; matches: (d: Difference) => boolean; max: number }[] = [
  {
    reason:
      'A call in an `#if` condition inside a function (`#if IS_ENABLED(CONFIG_EEH)`, vfio_pci_core.c) is a call_expression ' +
      'in the tree; the text scan steps over preprocessor lines: it is evaluated when the kernel is built, the driver never calls it.',
    matches: (d) => (d.kind === 'calls' || d.kind === 'callArgs') && d.text === undefined && d.key.endsWith(IN_IF),
    max: 4, // 2 calls, their 2 arguments
  },
  {
    reason:
      '`offsetof(struct s, member)` (mlx5/main.c): the text reads `offsetof` and the member as identifiers, the tree has ' +
      'an offsetof_expression whose member is a field. Neither is a value the data flow could follow.',
    matches: (d) => d.text !== undefined && d.tree !== undefined && d.text.split(' ').includes('offsetof') && !d.tree.includes('offsetof'),
    max: 4, // 2 call arguments, the local and the field they are assigned to
  },
];

describe('facts read from the text agree with the syntax tree (Linux 6.12 drivers/vfio/pci)', () => {
  it('calls and their arguments, parameters, return values, locals and assignments', (t) => {
    const dir = path.join(ensureKernel(), 'drivers/vfio/pci');
    const files = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((n) => n.endsWith('.c'))
      .sort();
    assert.ok(files.length >= 15, `${files.length} files`);
    const diffs: Difference[] = [];
    const totals = new Map<Kind, number>();
    for (const rel of files) {
      const file = createSourceFile(rel, fs.readFileSync(path.join(dir, rel), 'utf8'), 0);
      const text = fromFacts(file);
      const tree = fromTree(file);
      for (const k of KINDS) {
        totals.set(k, (totals.get(k) ?? 0) + text[k].length);
        diffs.push(...differences(k, rel, text[k], tree[k]));
      }
    }
    t.diagnostic(`facts compared: ${[...totals].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    // Not a vacuous comparison: the readings found what the directory holds.
    assert.ok(totals.get('calls')! > 2500 && totals.get('localAssigns')! > 1500 && totals.get('params')! > 400, 'too few facts');
    const unexplained = diffs.filter((d) => !KNOWN.some((k) => k.matches(d)));
    assert.deepEqual(unexplained.map(show), [], 'differences with no reason in KNOWN');
    for (const k of KNOWN) {
      const seen = diffs.filter((d) => k.matches(d));
      t.diagnostic(`${seen.length} known (max ${k.max}): ${k.reason}`);
      assert.ok(seen.length <= k.max, `${seen.length} > ${k.max}: ${k.reason}\n${seen.map(show).join('\n')}`);
    }
  });
});
