/**
 * Calls through tables of function pointers (see parentTables.ts): where a table's
 * address goes, followed flow-insensitively across the driver (struct fields by name,
 * locals, parameters of the driver's own functions and their return values), then,
 * for a call through a member, narrowed by the assignments reaching it.
 */
import type { SyntaxNode } from '../syntax/cParser';
import { anchorLinesOf, innermostIdentifier, resultTarget, type CallContext, type CallFact, type FunctionFact } from './facts';
import { reachingDefinitions } from './reachingDefinitions';
import type { SourceFile } from './sourceFile';
import { stripped, type Table, type TableEntry } from './tableEntries';

/** A parent interaction found here, for driver.ts to turn into a review item. */
export interface TableInteraction<C> {
  file: SourceFile;
  call: CallFact;
  context: CallContext;
  verdict: C;
  /** Calls through a table: the member path called (`ggtt.load`). */
  via?: string;
  /** Calls through a table: the table variable, the expression called and every parent function it can reach. */
  pointer?: { table: string; expression: string; candidates: string[] };
  /** Table entries: the table variable and the member path. */
  entry?: { table: string; member: string };
  /** Length of the text at the position (the member's name for a call through a table). */
  span: number;
}

/** `local`: an assignment in the function (`def`), or a parameter bound at a call site. */
type Target =
  | { kind: 'local'; key: string; def?: { name: string; node: SyntaxNode } }
  | { kind: 'global'; key: string }
  | { kind: 'param'; key: string }
  /** `def`: `v->field = ...` with `v` a local, a definition of `v.field` in the function. */
  | { kind: 'field'; field: string; def?: { name: string; node: SyntaxNode } }
  | { kind: 'return'; fn: string };

interface Flow {
  target: Target;
  expr: SyntaxNode;
  scope: string;
}

const MAX_PATH = 8;
/** Top-level nodes that only group others. */
const CONTAINERS = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);
const MAX_ROUNDS = 12;

/**
 * Calls through the tables that reach parent functions (`parentOf` says which
 * functions are the parent's), one interaction per function a call can reach.
 */
export function callsThroughTables<C>(
  files: SourceFile[],
  functions: ReadonlyMap<string, { file: SourceFile; fn: FunctionFact }>,
  tables: Table[],
  parentOf: (name: string) => C | undefined,
): TableInteraction<C>[] {
  const fileTables = new Map<string, Table[]>();
  const localTables = new Map<string, Table[]>();
  for (const t of tables) {
    const map = t.fn ? localTables : fileTables;
    const key = t.fn ? `${t.file.path}\0${t.fn}\0${t.variable}` : t.variable;
    (map.get(key) ?? map.set(key, []).get(key)!).push(t);
  }
  const localValues = new Map<string, Set<string>>();
  const fieldValues = new Map<string, Set<string>>();
  const returnValues = new Map<string, Set<string>>();
  const flows: Flow[] = [];
  const calls: { file: SourceFile; fn: FunctionFact; node: SyntaxNode; scope: string }[] = [];
  const scopeOf = (file: SourceFile, fn: string) => `${file.path}\0${fn}`;
  const functionOf = new Map<string, FunctionFact>();
  /** A name as seen from a scope: the function's local (or parameter), else a global. */
  const keyOf = (scope: string, name: string) => (functionOf.get(scope)?.locals.has(name) ? `${scope}\0${name}` : `\0${name}`);
  /** Where `left = ...` stores: a local (a definition, when the whole variable is assigned), a global, a field. */
  const store = (left: SyntaxNode, scope: string, node: SyntaxNode): Target | undefined => {
    let l = left;
    let whole = true;
    while (l.type === 'subscript_expression' || l.type === 'parenthesized_expression') {
      whole = false;
      const inner: SyntaxNode | null = l.type === 'subscript_expression' ? l.childForFieldName('argument') : l.namedChildren[0];
      if (!inner) return undefined;
      l = inner;
    }
    if (l.type === 'identifier') {
      const key = keyOf(scope, l.text);
      if (key.startsWith('\0')) return { kind: 'global', key };
      return whole ? { kind: 'local', key, def: { name: l.text, node } } : { kind: 'local', key };
    }
    if (l.type === 'field_expression') {
      const field = l.childForFieldName('field')?.text;
      if (!field) return undefined;
      const name = whole ? localField(l, scope) : undefined;
      return name ? { kind: 'field', field, def: { name, node } } : { kind: 'field', field };
    }
    return undefined;
  };
  /** `v->field` / `v.field` with `v` a local or parameter: `v.field`, tracked like a local within the function. */
  const localField = (n: SyntaxNode, scope: string): string | undefined => {
    const arg = n.childForFieldName('argument');
    const field = n.childForFieldName('field')?.text;
    if (arg?.type !== 'identifier' || !field || !functionOf.get(scope)?.locals.has(arg.text)) return undefined;
    return `${arg.text}.${field}`;
  };

  // Table addresses stored in other initializers: `{ .pf_ops = &xe_pf_ops }`.
  for (const t of tables) {
    for (const e of t.entries) {
      const held = fileTables.get(e.fn);
      if (!held) continue;
      const field = e.path.slice(e.path.lastIndexOf('.') + 1);
      const set = fieldValues.get(field) ?? fieldValues.set(field, new Set()).get(field)!;
      for (const h of held) set.add(ref(h.id, ''));
    }
  }

  for (const file of files) for (const fn of file.facts.functions) functionOf.set(scopeOf(file, fn.name), fn);
  for (const file of files) {
    // File-scope pointers: `static const struct pf_ops *pf_ops = &pf_ops_real;`.
    const fileScope = scopeOf(file, '');
    const visitTop = (parent: SyntaxNode) => {
      for (const c of parent.namedChildren) {
        if (CONTAINERS.has(c.type)) visitTop(c);
        else if (c.type === 'declaration')
          for (const d of c.childrenForFieldName('declarator')) {
            const value = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
            const id = value && value.type !== 'initializer_list' ? innermostIdentifier(d.childForFieldName('declarator')) : null;
            if (id && value) flows.push({ target: { kind: 'global', key: `\0${id.text}` }, expr: value, scope: fileScope });
          }
      }
    };
    visitTop(file.parsed.tree.rootNode);
    for (const fn of file.facts.functions) {
      const body = functionBody(file, fn);
      if (!body) continue;
      const scope = scopeOf(file, fn.name);
      for (const node of body.descendantsOfType(['assignment_expression', 'init_declarator', 'call_expression', 'return_statement'])) {
        switch (node.type) {
          case 'assignment_expression': {
            const left = node.childForFieldName('left');
            const right = node.childForFieldName('right');
            if (!left || !right || node.childForFieldName('operator')?.text !== '=') break;
            const target = store(left, scope, node);
            if (target) flows.push({ target, expr: right, scope });
            break;
          }
          case 'init_declarator': {
            const id = innermostIdentifier(node.childForFieldName('declarator'));
            const value = node.childForFieldName('value');
            if (!id || !value) break;
            const key = keyOf(scope, id.text);
            if (value.type !== 'initializer_list')
              flows.push({ target: { kind: 'local', key, def: { name: id.text, node } }, expr: value, scope });
            else {
              // `const struct ggtt_ops *tiles[] = { &v->pf_ops->ggtt, &v->pf_ops->media_ggtt }`
              for (const el of value.namedChildren)
                if (el.type !== 'initializer_pair' && el.type !== 'comment')
                  flows.push({ target: { kind: 'local', key }, expr: el, scope });
            }
            break;
          }
          case 'return_statement': {
            const value = node.namedChildren.find((c) => c.type !== 'comment');
            if (value) flows.push({ target: { kind: 'return', fn: fn.name }, expr: value, scope });
            break;
          }
          case 'call_expression': {
            const callee = node.childForFieldName('function');
            const target = callee?.type === 'identifier' ? functions.get(callee.text) : undefined;
            if (callee?.text === 'memcpy') {
              // `memcpy(&v->ops_copy, &tbl, sizeof(tbl))`
              const [dst, src] = argumentsOf(node);
              const to = dst && store(stripped(dst), scope, node);
              if (to && src) flows.push({ target: to.kind === 'local' ? { kind: 'local', key: to.key } : to, expr: src, scope });
            } else if (target) {
              const args = argumentsOf(node);
              const calleeScope = scopeOf(target.file, target.fn.name);
              target.fn.params.forEach((p, i) => {
                if (args[i]) flows.push({ target: { kind: 'param', key: `${calleeScope}\0${p.name}` }, expr: args[i], scope });
              });
            } else calls.push({ file, fn, node, scope });
            break;
          }
        }
      }
    }
  }

  const valid = (id: number, path: string) => tables[id].prefixes.has(path);
  const overrides: ReadonlyMap<string, Set<string>> = new Map();
  const evaluate = (node: SyntaxNode, scope: string, at: ReadonlyMap<string, Set<string>> = overrides, depth = 0): Set<string> => {
    const out = new Set<string>();
    if (depth > 32) return out;
    const n = stripped(node);
    switch (n.type) {
      case 'identifier': {
        for (const v of at.get(n.text) ?? localValues.get(keyOf(scope, n.text)) ?? []) out.add(v);
        for (const t of localTables.get(`${scope}\0${n.text}`) ?? fileTables.get(n.text) ?? []) out.add(ref(t.id, ''));
        return out;
      }
      case 'field_expression': {
        const field = n.childForFieldName('field')?.text;
        const arg = n.childForFieldName('argument');
        if (!field || !arg) return out;
        const own = at.size ? localField(n, scope) : undefined;
        if (own && at.has(own)) return at.get(own)!;
        const base = evaluate(arg, scope, at, depth + 1);
        if (!base.size) return fieldValues.get(field) ?? out;
        for (const v of base) {
          const { id, path } = unref(v);
          const next = path ? `${path}.${field}` : field;
          // A member holding another table's address: `.ggtt = &pf_ggtt_ops`.
          const held = fileTables.get(tables[id].byPath.get(next)?.fn ?? '');
          if (held) for (const h of held) out.add(ref(h.id, ''));
          else if (valid(id, next) && next.split('.').length <= MAX_PATH) out.add(ref(id, next));
        }
        return out;
      }
      case 'conditional_expression': {
        for (const f of ['consequence', 'alternative']) {
          const c = n.childForFieldName(f);
          if (c) for (const v of evaluate(c, scope, at, depth + 1)) out.add(v);
        }
        return out;
      }
      case 'subscript_expression': {
        const arg = n.childForFieldName('argument');
        return arg ? evaluate(arg, scope, at, depth + 1) : out;
      }
      case 'comma_expression': {
        const right = n.childForFieldName('right');
        return right ? evaluate(right, scope, at, depth + 1) : out;
      }
      case 'call_expression': {
        const callee = n.childForFieldName('function');
        if (callee?.type !== 'identifier') return out;
        // `kmemdup(&tbl, sizeof(tbl), GFP_KERNEL)`: a copy of the table.
        const source = COPIES.get(callee.text);
        if (source !== undefined) {
          const arg = argumentsOf(n)[source];
          return arg ? evaluate(arg, scope, at, depth + 1) : out;
        }
        return returnValues.get(callee.text) ?? out;
      }
    }
    return out;
  };

  const paramValues = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, values: Set<string>): boolean => {
    const store = map.get(key) ?? map.set(key, new Set()).get(key)!;
    let grew = false;
    for (const v of values)
      if (!store.has(v)) {
        store.add(v);
        grew = true;
      }
    return grew;
  };
  for (let changed = true, round = 0; changed && round < MAX_ROUNDS; round++) {
    changed = false;
    for (const f of flows) {
      const values = evaluate(f.expr, f.scope, overrides);
      if (!values.size) continue;
      const t = f.target;
      if (t.kind === 'param') changed = add(paramValues, t.key, values) || changed;
      if (t.kind === 'local' || t.kind === 'param' || t.kind === 'global') changed = add(localValues, t.key, values) || changed;
      else if (t.kind === 'field') changed = add(fieldValues, t.field, values) || changed;
      else changed = add(returnValues, t.fn, values) || changed;
    }
  }
  // Where a local holds a table reference at a call: the assignments that reach it (`ops = &x->ggtt; ops->load()`).
  const defsByScope = new Map<string, { name: string; node: SyntaxNode; values: Set<string> }[]>();
  for (const f of flows) {
    if ((f.target.kind !== 'local' && f.target.kind !== 'field') || !f.target.def) continue;
    const list = defsByScope.get(f.scope) ?? defsByScope.set(f.scope, []).get(f.scope)!;
    list.push({ ...f.target.def, values: evaluate(f.expr, f.scope) });
  }

  const reaching = new Map<string, (call: SyntaxNode) => ReadonlyMap<string, Set<string>>>();
  /** The parent functions a call can reach, with the values of locals at the call (`at`). */
  const reach = (f: SyntaxNode, fn: FunctionFact, scope: string, at: ReadonlyMap<string, Set<string>>) => {
    const refs = new Set<string>();
    if (f.type === 'field_expression') {
      const member = f.childForFieldName('field');
      const arg = f.childForFieldName('argument');
      if (!member || !arg) return undefined;
      const base = evaluate(arg, scope, at);
      for (const v of base) {
        const { id, path } = unref(v);
        refs.add(ref(id, path ? `${path}.${member.text}` : member.text));
      }
      if (!base.size) for (const v of fieldValues.get(member.text) ?? []) refs.add(v);
    } else if (f.type === 'identifier' && (fn.locals.has(f.text) || localValues.has(`\0${f.text}`))) {
      for (const v of evaluate(f, scope, at)) refs.add(v);
    } else return undefined;
    const reached = new Map<string, { table: Table; entry: TableEntry; verdict: C }>();
    for (const v of refs) {
      const { id, path } = unref(v);
      const entry = tables[id].mock ? undefined : tables[id].byPath.get(path);
      if (!entry || reached.has(entry.fn)) continue;
      const verdict = parentOf(entry.fn);
      if (verdict) reached.set(entry.fn, { table: tables[id], entry, verdict });
    }
    return reached;
  };
  const out: TableInteraction<C>[] = [];
  for (const { file, fn, node, scope } of calls) {
    const callee = node.childForFieldName('function');
    if (!callee) continue;
    const f = stripped(callee);
    const pos = f.type === 'field_expression' ? f.childForFieldName('field') : f;
    // Flow-insensitive first: most member calls reach no table at all.
    let reached = pos && reach(f, fn, scope, overrides);
    if (!pos || !reached?.size) continue;
    // Then only what the assignments reaching this call allow (`ops = &x->ggtt; ops->load()`).
    const defs = defsByScope.get(scope);
    if (defs?.length) {
      if (!reaching.has(scope))
        reaching.set(
          scope,
          reachingDefinitions(file, fn, defs, (name) => {
            const dot = name.indexOf('.');
            return dot < 0 ? paramValues.get(`${scope}\0${name}`) : fieldValues.get(name.slice(dot + 1));
          }),
        );
      reached = reach(f, fn, scope, reaching.get(scope)!(node));
      if (!reached?.size) continue;
    }
    const candidates = [...reached.keys()];
    const target = resultTarget(node);
    const context: CallContext = { anchorLines: anchorLinesOf(node), resultLocal: target.local, resultField: target.field };
    const expression = callee.text.replace(/\s+/g, '');
    for (const [name, { table, entry, verdict }] of reached) {
      const call: CallFact = {
        callee: name,
        start: pos.startIndex,
        line: pos.startPosition.row,
        column: pos.startPosition.column,
        fn: fn.name,
        args: [],
        throughPointer: true,
      };
      out.push({
        file,
        call,
        context,
        verdict,
        via: entry.path,
        pointer: { table: table.variable, expression, candidates },
        span: pos.endIndex - pos.startIndex,
      });
    }
  }
  return out;
}

/** Functions returning a copy of what one argument points at: the argument's index. */
const COPIES = new Map([
  ['kmemdup', 0],
  ['kmemdup_array', 0],
  ['devm_kmemdup', 1],
]);

function argumentsOf(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
}

function ref(id: number, path: string): string {
  return `${id}:${path}`;
}

function unref(v: string): { id: number; path: string } {
  const colon = v.indexOf(':');
  return { id: Number(v.slice(0, colon)), path: v.slice(colon + 1) };
}

function functionBody(file: SourceFile, fn: FunctionFact): SyntaxNode | undefined {
  let n: SyntaxNode | null = file.parsed.tree.rootNode.descendantForIndex(fn.nameStart, fn.nameStart + fn.name.length);
  while (n && n.type !== 'function_definition') n = n.parent;
  return n?.childForFieldName('body') ?? undefined;
}
