/**
 * Driver-wide pointer queries, read across the driver's functions rather than one
 * flow graph: which functions return ERR_PTR() (the pointer analysis's environment),
 * whether a function frees what a parameter points to, which allocations struct
 * fields hold, and a text test for a free that may not match its allocator.
 */
import type { DriverModel } from '../model/driver';
import type { SyntaxNode } from '../syntax/cParser';
import { ALLOCATORS, ERR_PTR_APIS, FREES, allocFamily, freedArgIndex, isFree } from '../tables/memory';
import type { PointerEnv } from './pointerFacts';
import { EVENT_TYPES, argsOf, calleeOf, innermostName, placeOf } from './pointerSyntax';

// ---------------------------------------------------------------- driver environment

const envs = new WeakMap<DriverModel, PointerEnv>();
const RETURNS_ERR = /\breturn\s+(?:ERR_PTR|ERR_CAST)\s*\(/;
const RETURNS_NULL = /\breturn\b[^;]*\bNULL\b/;

/**
 * The driver's own functions that return ERR_PTR()/ERR_CAST() on some path and
 * never NULL (read from their text), with the kernel APIs of the table.
 */
export function pointerEnv(model: DriverModel): PointerEnv {
  let env = envs.get(model);
  if (env) return env;
  const errPtrFunctions = new Set(ERR_PTR_APIS);
  for (const file of model.files) {
    const text = file.parsed.masked;
    for (const fn of file.facts.functions) {
      const body = text.slice(fn.start, fn.end);
      if (!body.includes('ERR_') || !RETURNS_ERR.test(body) || RETURNS_NULL.test(body)) continue;
      if (!text.slice(fn.start, fn.nameStart).includes('*')) continue;
      errPtrFunctions.add(fn.name);
    }
  }
  env = { errPtrFunctions };
  envs.set(model, env);
  return env;
}

// ---------------------------------------------------------------- who frees what

const freeing = new WeakMap<DriverModel, Map<string, string | null>>();

/**
 * Whether the driver's function `fnName` frees what its parameter `index` points to
 * (or, with `field`, what `param->field` points to: `filp->private_data`), directly or
 * through the driver's own helpers, following copies into locals. Returns the free.
 */
export function freesParam(model: DriverModel, fnName: string, index: number, field?: string, depth = 0): string | undefined {
  let cache = freeing.get(model);
  if (!cache) freeing.set(model, (cache = new Map()));
  const key = `${fnName}/${index}/${field ?? ''}`;
  if (cache.has(key)) return cache.get(key) ?? undefined;
  cache.set(key, null); // recursion guard
  let found: string | undefined;
  const def = findFunction(model, fnName);
  const param = def?.fn.params[index]?.name;
  if (def && param && depth < 4) {
    const body = functionBody(def.file.parsed.tree.rootNode, def.fn.nameStart);
    const aliases = new Set([field ? `${param}->${field}` : param]);
    for (const n of body?.descendantsOfType(EVENT_TYPES) ?? []) {
      if (n.type === 'init_declarator') {
        const p = placeOf(n.childForFieldName('value'));
        const name = innermostName(n.childForFieldName('declarator'));
        if (p && name && aliases.has(p)) aliases.add(name);
      } else if (n.type === 'assignment_expression') {
        const p = placeOf(n.childForFieldName('right'));
        const l = placeOf(n.childForFieldName('left'));
        if (p && l && aliases.has(p)) aliases.add(l);
      } else {
        const callee = calleeOf(n);
        if (!callee) continue;
        const args = argsOf(n);
        if (isFree(callee)) {
          const p = placeOf(args[freedArgIndex(callee)]);
          if (p && aliases.has(p)) found = callee;
        } else if (findFunction(model, callee)) {
          args.forEach((a, i) => {
            const p = placeOf(a);
            if (!found && p && aliases.has(p)) {
              const via = freesParam(model, callee, i, undefined, depth + 1);
              if (via) found = `${callee}`;
            }
          });
        }
      }
      if (found) break;
    }
  }
  cache.set(key, found ?? null);
  return found;
}

function findFunction(
  model: DriverModel,
  name: string,
): { file: DriverModel['files'][number]; fn: DriverModel['files'][number]['facts']['functions'][number] } | undefined {
  for (const file of model.files) for (const fn of file.facts.functions) if (fn.name === name) return { file, fn };
  return undefined;
}

function functionBody(root: SyntaxNode, nameStart: number): SyntaxNode | undefined {
  let n: SyntaxNode | null = root.descendantForIndex(nameStart, nameStart + 1);
  while (n && n.type !== 'function_definition') n = n.parent;
  return n?.childForFieldName('body') ?? undefined;
}

// ---------------------------------------------------------------- what struct fields hold

export interface FieldAllocation {
  family: string;
  allocator: string;
  file: DriverModel['files'][number];
  line: number;
}

const fieldAllocs = new WeakMap<DriverModel, Map<string, FieldAllocation[]>>();

/**
 * Per field name, the allocations the driver stores in it anywhere
 * (`r->host_seq = vzalloc(n)`, or `bmp = vzalloc(n); ... r->host_seq = bmp;`):
 * a field allocated in one function and freed in another.
 */
export function fieldAllocations(model: DriverModel): Map<string, FieldAllocation[]> {
  let out = fieldAllocs.get(model);
  if (out) return out;
  out = new Map();
  const add = (field: string, allocator: string, file: DriverModel['files'][number], offset: number) => {
    const family = allocFamily(allocator);
    if (!family) return;
    const list = out!.get(field) ?? [];
    if (!list.some((x) => x.family === family && x.allocator === allocator)) {
      list.push({ family, allocator, file, line: file.lines.positionAt(offset).line });
    }
    out!.set(field, list);
  };
  // Read from the text: which allocator a field or a local is assigned from is exact enough there,
  // and no function needs a flow graph for it.
  for (const file of model.files) {
    const allocating = new Set<string>();
    for (const c of file.facts.calls) if (c.fn && allocFamily(c.callee)) allocating.add(c.fn);
    if (!allocating.size) continue;
    const masked = file.parsed.masked;
    for (const fn of file.facts.functions) {
      if (!allocating.has(fn.name)) continue;
      const text = masked.slice(fn.start, fn.end);
      for (const m of text.matchAll(FIELD_ALLOC_G)) add(m[1], m[2], file, fn.start + m.index);
      for (const m of text.matchAll(LOCAL_ALLOC)) {
        const store = new RegExp(`(?:->|\\.)\\s*([A-Za-z_]\\w*)\\s*=\\s*(?:\\([^;=]*?\\)\\s*)?${m[1]}\\s*;`, 'g');
        for (const st of text.matchAll(store)) add(st[1], m[2], file, fn.start + m.index);
      }
    }
  }
  fieldAllocs.set(model, out);
  return out;
}

const ALLOC_NAMES = Object.keys(ALLOCATORS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const LOCAL_ALLOC = new RegExp(`\\b([A-Za-z_]\\w*)\\s*=\\s*(?:\\([^;=]*?\\)\\s*)?(${ALLOC_NAMES})\\s*\\(`, 'g');
const FIELD_ALLOC_G = new RegExp(`(?:->|\\.)\\s*([A-Za-z_]\\w*)\\s*=\\s*(?:\\([^;=]*?\\)\\s*)?(${ALLOC_NAMES})\\s*\\(`, 'g');

/**
 * Text test: can a local the function frees hold memory from an allocator that free
 * does not take (`p = vzalloc(n); ... kfree(p);`)? Only then is its flow worth building.
 */
export function mayMismatchFree(text: string): boolean {
  const allocs = new Map<string, string[]>();
  for (const m of text.matchAll(LOCAL_ALLOC)) (allocs.get(m[1]) ?? allocs.set(m[1], []).get(m[1])!).push(m[2]);
  if (!allocs.size) return false;
  for (const m of text.matchAll(FREE_OF_LOCAL)) {
    const free = m[1];
    const args = m[2].split(',').map((a) => a.trim());
    const arg = args[freedArgIndex(free)];
    const families = allocs.get(arg ?? '');
    if (families?.some((a) => !FREES[free].includes(allocFamily(a)!))) return true;
  }
  return false;
}
const FREE_OF_LOCAL = new RegExp(`\\b(${Object.keys(FREES).join('|')})\\s*\\(([^;()]*)\\)`, 'g');
