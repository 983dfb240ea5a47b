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
import { USER_COPY_APIS } from '../tables/userspace';
import { functionNode, type Cfg, type FlowNode } from './cfg';
import { solveForward } from './dataflow';

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

/** Calls that bound a value: `min(a, b)`, `min_t(T, a, b)`, `clamp(...)`. */
const BOUNDING_CALL = /^(?:min|min_t|min3|clamp|clamp_t|clamp_val|umin)$/;
const RELATIONAL = new Set(['<', '<=', '>', '>=']);

/** The userspace-controlled length of a read/write handler: its `size_t` parameter (`len`, `count`). */
export function userLengthParam(file: SourceFile, fn: FunctionFact): string | undefined {
  const params = parameterDecls(file, fn);
  const p = params.find((x, i) => i === 2 && /\bsize_t\b/.test(x.text) && !x.text.includes('*'));
  return p?.name || undefined;
}

/** Whether an identifier in `n` (or `n` itself) is one of `names`. */
export function mentionsAny(n: SyntaxNode, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  // A name the text does not hold is no identifier of it: the tree is searched only when one may be.
  const text = n.text;
  for (const name of names) if (text.includes(name)) return n.descendantsOfType('identifier').some((i) => names.has(i.text));
  return false;
}

/**
 * Flow-insensitive taint of a function body: the names whose value comes from `sources`
 * (assignments, `check_*_overflow(a, b, &out)`), except through a bounding call
 * (`min_t()`), with the sources each one carries.
 */
export function taintedNames(body: SyntaxNode, sources: ReadonlySet<string>, extra?: (n: SyntaxNode) => boolean): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>([...sources].map((s) => [s, new Set([s])]));
  const texts = new Map<number, string>();
  const mentionsAnyText = (n: SyntaxNode): boolean => {
    let t = texts.get(n.id);
    if (t === undefined) texts.set(n.id, (t = n.text));
    if (extra && /f_pos|\*/.test(t)) return true;
    for (const name of out.keys()) if (t.includes(name)) return true;
    return false;
  };
  const origins = (n: SyntaxNode): Set<string> => {
    const o = new Set<string>();
    // Most right-hand sides mention nothing tainted: a substring test spares the tree walk.
    if (!mentionsAnyText(n)) return o;
    const visit = (x: SyntaxNode) => {
      if (x.type === 'call_expression' && BOUNDING_CALL.test(x.childForFieldName('function')?.text ?? '')) return;
      if (x.type === 'identifier') for (const s of out.get(x.text) ?? []) o.add(s);
      if (extra?.(x)) o.add('*pos');
      for (const c of x.namedChildren) visit(c);
    };
    visit(n);
    return o;
  };
  const nodes = body.descendantsOfType(['assignment_expression', 'init_declarator', 'call_expression']);
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const a of nodes) {
      let target: string | undefined;
      let from: Set<string> | undefined;
      if (a.type === 'call_expression') {
        if (!/^check_(?:add|sub|mul)_overflow$/.test(a.childForFieldName('function')?.text ?? '')) continue;
        const args = a.childForFieldName('arguments')?.namedChildren ?? [];
        const t = args[2]?.text.replace(/\s+/g, '');
        if (!t?.startsWith('&')) continue;
        target = t.slice(1);
        from = new Set([...origins(args[0] ?? a), ...(args[1] ? origins(args[1]) : [])]);
      } else {
        let left = a.type === 'assignment_expression' ? a.childForFieldName('left') : a.childForFieldName('declarator');
        while (left && left.type === 'pointer_declarator') left = left.childForFieldName('declarator');
        const right = a.type === 'assignment_expression' ? a.childForFieldName('right') : a.childForFieldName('value');
        if (left?.type !== 'identifier' || !right || sources.has(left.text)) continue;
        target = left.text;
        from = origins(right);
      }
      if (!target || !from || from.size === 0) continue;
      const cur = out.get(target) ?? new Set<string>();
      const before = cur.size;
      for (const s of from) cur.add(s);
      if (cur.size !== before || !out.has(target)) {
        out.set(target, cur);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * Names a condition bounds: the tainted names (and their sources) it compares with
 * something other than 0 (`len > size`, `end > sizeof(buf)`, `*pos + len >= max`).
 */
export function boundedBy(cond: SyntaxNode, tainted: ReadonlyMap<string, Set<string>>): Set<string> {
  const out = new Set<string>();
  const bins = cond.descendantsOfType('binary_expression');
  if (cond.type === 'binary_expression') bins.unshift(cond);
  for (const b of bins) {
    if (!RELATIONAL.has(b.childForFieldName('operator')?.text ?? '')) continue;
    const l = b.childForFieldName('left');
    const r = b.childForFieldName('right');
    if (!l || !r) continue;
    for (const [side, other] of [
      [l, r],
      [r, l],
    ] as const) {
      if (/^\(?0[uUlL]*\)?$/.test(other.text.trim())) continue;
      const ids = side.type === 'identifier' ? [side] : side.descendantsOfType('identifier');
      for (const i of ids) {
        for (const s of tainted.get(i.text) ?? []) {
          out.add(i.text);
          out.add(s);
        }
      }
    }
  }
  return out;
}

const BOUNDING_TEXT = /^(?:min|min_t|min3|clamp|clamp_t|clamp_val|umin)\s*\(/;

/**
 * Tainted names bounded on every path to each node: compared with a non-zero bound in
 * a dominating branch condition, or assigned from `min_t()`/`clamp()`.
 */
export function checkedBefore(cfg: Cfg, tainted: ReadonlyMap<string, Set<string>>): (ReadonlySet<string> | undefined)[] {
  // What each node bounds, read from the tree once per node (the solver revisits nodes in loops).
  const clamps = new Map<number, string[]>();
  const clampsOf = (node: FlowNode): string[] => {
    let out = clamps.get(node.id);
    if (out) return out;
    out = [];
    if (node.kind === 'stmt' && node.syntax && /min|clamp/.test(node.syntax.text)) {
      const nodes = node.syntax.descendantsOfType(['assignment_expression', 'init_declarator']);
      if (node.syntax.type === 'assignment_expression') nodes.unshift(node.syntax);
      for (const a of nodes) {
        const left = a.type === 'assignment_expression' ? a.childForFieldName('left') : a.childForFieldName('declarator');
        const right = a.type === 'assignment_expression' ? a.childForFieldName('right') : a.childForFieldName('value');
        if (left?.type === 'identifier' && right && tainted.has(left.text) && BOUNDING_TEXT.test(right.text.trim())) out.push(left.text);
      }
    }
    clamps.set(node.id, out);
    return out;
  };
  const bounds = new Map<number, Set<string>>();
  const boundsOf = (node: FlowNode): Set<string> => {
    let out = bounds.get(node.id);
    if (!out) bounds.set(node.id, (out = node.syntax && node.syntax !== node.owner ? boundedBy(node.syntax, tainted) : new Set()));
    return out;
  };
  return solveForward<ReadonlySet<string>>(cfg, {
    initial: new Set(),
    transfer: (node, before) => {
      const c = clampsOf(node);
      if (c.length === 0) return before;
      const out = new Set(before);
      for (const x of c) out.add(x);
      return out;
    },
    edge: (node, _index, after) => {
      if (node.kind !== 'cond') return after;
      const b = boundsOf(node);
      if (b.size === 0) return after;
      const out = new Set(after);
      for (const x of b) out.add(x);
      return out;
    },
    join: (a, b) => new Set([...a].filter((x) => b.has(x))),
    equals: (a, b) => a.size === b.size && [...a].every((x) => b.has(x)),
  }).before;
}

/** Locals filled from user memory: `copy_from_user(&info, arg, ...)`, `get_user(v, p)`, `x = memdup_user(...)`. */
export function userFilledLocals(body: SyntaxNode, fn: FunctionFact): Set<string> {
  const out = new Set<string>();
  for (const call of body.descendantsOfType('call_expression')) {
    const name = call.childForFieldName('function')?.text ?? '';
    const api = USER_COPY_APIS.get(name);
    if (!api || api.direction !== 'from') continue;
    if (api.kernel !== undefined) {
      const arg = call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment')[api.kernel];
      const m = arg && /^&?\s*(\w+)$/.exec(arg.text.trim());
      if (m && fn.locals.has(m[1])) out.add(m[1]);
    } else {
      const p = call.parent;
      const left =
        p?.type === 'assignment_expression'
          ? p.childForFieldName('left')
          : p?.type === 'init_declarator'
            ? p.childForFieldName('declarator')
            : null;
      if (left?.type === 'identifier') out.add(left.text);
    }
  }
  return out;
}
