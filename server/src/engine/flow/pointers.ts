/**
 * What a pointer holds, per flow node: a forward may-analysis over one function's
 * CFG that tracks, for each place (a local, parameter or global `migf`, or a field
 * path `migf->filp`), facts such as "allocated by kvzalloc()", "holds a reference
 * from debugfs_lookup()", "may be an ERR_PTR, not yet tested with IS_ERR()", "is an
 * ERR_PTR on this path", "freed by kfree() on this path", "NULL on this path".
 * Assignments copy facts (`p = q`, `x->f = p`: aliases), reassignment kills them
 * (also a loop macro's cursor), conditions refine them on their edges (`if (!p)`,
 * `if (IS_ERR(p))`). Shared by the memory rules; tables live in tables/memory.ts.
 */
import type { DriverModel } from '../model/driver';
import type { SyntaxNode } from '../syntax/cParser';
import { ACQUIRES, ALLOCATORS, ERR_CHECKS, ERR_PTR_APIS, FREES, RELEASES, allocFamily, freedArgIndex, isFree } from '../tables/memory';
import type { Cfg, FlowNode } from './cfg';
import { solveForward, type ForwardResult } from './dataflow';

/**
 * A fact about a place, as a string (cheap to join and compare):
 * `alloc:<family>:<allocator>:<line>`, `ref:<release>:<acquirer>:<line>`,
 * `maybe-err:<api>:<line>`, `is-err`, `freed:<free>:<line>`, `null`.
 */
export type PtrFact = string;
export type PtrState = ReadonlyMap<string, ReadonlySet<PtrFact>>;

export interface PointerEnv {
  /** Functions whose result is ERR_PTR() on failure, never NULL: kernel APIs and the driver's own. */
  errPtrFunctions: ReadonlySet<string>;
}

export interface ParsedFact {
  kind: 'alloc' | 'ref' | 'maybe-err' | 'is-err' | 'freed' | 'null';
  /** alloc: the family; ref: the release. */
  detail?: string;
  /** The call that produced the fact. */
  callee?: string;
  /** 0-based line of that call. */
  line?: number;
}

export function parseFact(f: PtrFact): ParsedFact {
  const parts = f.split(':');
  switch (parts[0]) {
    case 'alloc':
    case 'ref':
      return { kind: parts[0], detail: parts[1], callee: parts[2], line: Number(parts[3]) };
    case 'maybe-err':
    case 'freed':
      return { kind: parts[0], callee: parts[1], line: Number(parts[2]) };
    default:
      return { kind: parts[0] as ParsedFact['kind'] };
  }
}

export function factsOf(state: PtrState | undefined, place: string, kind: ParsedFact['kind']): ParsedFact[] {
  const set = state?.get(place);
  if (!set) return [];
  const out: ParsedFact[] = [];
  for (const f of set) if (f === kind || f.startsWith(`${kind}:`)) out.push(parseFact(f));
  return out;
}

// ---------------------------------------------------------------- places

/** Skips parentheses and casts: the value an expression denotes. */
export function stripValue(node: SyntaxNode | null | undefined): SyntaxNode | undefined {
  let n = node ?? undefined;
  while (n) {
    if (n.type === 'parenthesized_expression') n = n.namedChildren.find((c) => c.type !== 'comment');
    else if (n.type === 'cast_expression') n = n.childForFieldName('value') ?? undefined;
    else return n;
  }
  return undefined;
}

/** `migf`, `migf->filp`, `vdev.buf`, `(x)->f`: a place as text; undefined for anything else. */
export function placeOf(node: SyntaxNode | null | undefined): string | undefined {
  const n = stripValue(node);
  if (!n) return undefined;
  if (n.type === 'identifier') return n.text;
  if (n.type === 'field_expression') {
    const base = placeOf(n.childForFieldName('argument'));
    const field = n.childForFieldName('field')?.text;
    const op = n.childForFieldName('operator')?.text ?? '->';
    return base && field ? `${base}${op}${field}` : undefined;
  }
  return undefined;
}

/** The identifier a place starts from. */
export function placeRoot(place: string): string {
  const m = /^[A-Za-z_]\w*/.exec(place);
  return m ? m[0] : place;
}

/** The callee of a call expression, when it is a plain name. */
export function calleeOf(call: SyntaxNode): string | undefined {
  const f = call.childForFieldName('function');
  return f?.type === 'identifier' ? f.text : undefined;
}

export function argsOf(call: SyntaxNode): SyntaxNode[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
}

/** `likely(x)`, `unlikely(x)`, `(x)`: the condition inside. */
function unwrapCondition(node: SyntaxNode | undefined): SyntaxNode | undefined {
  let n = stripValue(node);
  while (n?.type === 'call_expression' && /^(?:un)?likely$/.test(calleeOf(n) ?? '')) n = stripValue(argsOf(n)[0]);
  return n;
}

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

// ---------------------------------------------------------------- the analysis

type MutState = Map<string, Set<PtrFact>>;

/** Removes `place` and every place reached through it (`place->f`, `place.f->g`). */
function kill(s: MutState, place: string): void {
  s.delete(place);
  for (const k of [...s.keys()])
    if (k.length > place.length && k.startsWith(place) && /^(?:->|\.)/.test(k.slice(place.length))) s.delete(k);
}

function valueFacts(rhs: SyntaxNode | undefined, s: MutState, env: PointerEnv): Set<PtrFact> | undefined {
  const v = stripValue(rhs);
  if (!v) return undefined;
  if (v.type === 'call_expression') {
    const callee = calleeOf(v);
    if (!callee) return undefined;
    const line = v.startPosition.row;
    const out = new Set<PtrFact>();
    const fam = allocFamily(callee);
    if (fam) out.add(`alloc:${fam}:${callee}:${line}`);
    const release = Object.prototype.hasOwnProperty.call(ACQUIRES, callee) ? ACQUIRES[callee] : undefined;
    if (release) out.add(`ref:${release}:${callee}:${line}`);
    if (env.errPtrFunctions.has(callee)) out.add(`maybe-err:${callee}:${line}`);
    if (callee === 'ERR_PTR' || callee === 'ERR_CAST') out.add('is-err');
    return out.size ? out : undefined;
  }
  if (v.type === 'null' || (v.type === 'number_literal' && v.text === '0')) return new Set(['null']);
  const p = placeOf(v);
  const facts = p ? s.get(p) : undefined;
  return facts ? new Set(facts) : undefined;
}

const EVENT_TYPES = ['assignment_expression', 'init_declarator', 'call_expression'];
const EVENT_SET = new Set(EVENT_TYPES);
const DIGEST_TYPES = [...EVENT_TYPES, 'identifier', 'field_expression', 'pointer_expression', 'subscript_expression', 'return_statement'];

/** The syntax of one flow node that flow analyses read, materialised once per node (transfers run repeatedly). */
export interface NodeDigest {
  /** Assignments, declarator initialisations and calls, in evaluation order (by end, inner first). */
  events: SyntaxNode[];
  identifiers: SyntaxNode[];
  /** The node and its descendants of the digest's types, in tree order. */
  all: SyntaxNode[];
}

const digests = new WeakMap<FlowNode, NodeDigest>();
const tokens = new WeakMap<FlowNode, ReadonlySet<string>>();
const NO_TOKENS: ReadonlySet<string> = new Set();
const WORD = /[A-Za-z_]\w*/g;

function tokenize(text: string): ReadonlySet<string> {
  const t = new Set(text.match(WORD) ?? []);
  if (ASSIGNS.test(text)) t.add(ASSIGN_TOKEN);
  return t;
}

function analysable(node: FlowNode): boolean {
  return !!node.syntax && node.kind !== 'label' && !(node.kind === 'cond' && node.syntax === node.owner);
}

/** A function's analysable nodes by source range, for handing out syntax found by one walk of its body. */
interface Prepared {
  body: SyntaxNode;
  nodes: FlowNode[];
  starts: number[];
  ends: number[];
  events: boolean;
}

const prepared = new WeakMap<Cfg, Prepared>();
const preparedOf = new WeakMap<FlowNode, Prepared>();

/**
 * Reads the text of a function once and gives each flow node its words; the syntax
 * that transfers need is then found by one walk of the whole body (native calls per
 * node are what flow analyses spend their time on). Idempotent.
 */
export function prepareCfg(cfg: Cfg): void {
  if (prepared.has(cfg)) return;
  const text = cfg.body.text;
  const base = cfg.body.startIndex;
  const list: { n: FlowNode; s: number; e: number }[] = [];
  for (const n of cfg.nodes) {
    if (!analysable(n)) continue;
    const syn = n.syntax!;
    const s = syn.startIndex;
    const e = syn.endIndex;
    if (!tokens.has(n)) tokens.set(n, tokenize(text.slice(s - base, e - base)));
    list.push({ n, s, e });
  }
  list.sort((a, b) => a.s - b.s);
  const p: Prepared = {
    body: cfg.body,
    nodes: list.map((x) => x.n),
    starts: list.map((x) => x.s),
    ends: list.map((x) => x.e),
    events: false,
  };
  prepared.set(cfg, p);
  for (const n of p.nodes) preparedOf.set(n, p);
}

/** The flow node whose syntax contains [start, end), by binary search. */
function owner(p: Prepared, start: number, end: number): FlowNode | undefined {
  let lo = 0;
  let hi = p.starts.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (p.starts[mid] <= start) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best >= 0 && end <= p.ends[best] ? p.nodes[best] : undefined;
}

function byEvaluation(a: SyntaxNode, b: SyntaxNode): number {
  return a.endIndex - b.endIndex || b.startIndex - a.startIndex;
}

function fillEvents(p: Prepared): void {
  p.events = true;
  const per = new Map<FlowNode, SyntaxNode[]>();
  for (const f of p.body.descendantsOfType(EVENT_TYPES)) {
    const n = owner(p, f.startIndex, f.endIndex);
    if (n) (per.get(n) ?? per.set(n, []).get(n)!).push(f);
  }
  for (const n of p.nodes) eventLists.set(n, (per.get(n) ?? []).sort(byEvaluation));
}

/**
 * The words of a flow node's text (identifiers, keywords, and words in comments or
 * strings too): a cheap test of whether a node can matter before its syntax is read.
 */
export function nodeTokens(node: FlowNode): ReadonlySet<string> {
  if (!analysable(node)) return NO_TOKENS;
  let t = tokens.get(node);
  if (!t) tokens.set(node, (t = tokenize(node.syntax!.text)));
  return t;
}

/** Added to a node's words when its text assigns (`=`, `+=`, ..., not `==`): only then can a tracked place change by assignment. */
export const ASSIGN_TOKEN = '=';
const ASSIGNS = /(?:^|[^=!<>])=(?!=)/;

export function isLoopHead(node: FlowNode): boolean {
  return node.kind === 'cond' && !!node.owner && node.owner.type !== 'if_statement' && node.owner.type !== 'switch_statement';
}

/** Whether the words of a node name the root of a place the state tracks. */
export function mentionsTracked(toks: ReadonlySet<string>, state: ReadonlyMap<string, unknown>): boolean {
  for (const k of state.keys()) if (toks.has(placeRoot(k))) return true;
  return false;
}

/** Calls that create or end a fact: allocators, frees, acquisitions, releases, ERR_PTR tests and makers. */
const INTERESTING: ReadonlySet<string> = new Set([
  ...Object.keys(ALLOCATORS),
  ...Object.keys(FREES),
  ...Object.keys(ACQUIRES),
  ...RELEASES,
  ...ERR_CHECKS,
  'ERR_PTR',
  'ERR_CAST',
]);
const EMPTY_DIGEST: NodeDigest = { events: [], identifiers: [], all: [] };

const eventLists = new WeakMap<FlowNode, SyntaxNode[]>();

/** Only the assignments, initialisations and calls of a node (cheaper than the full digest), in evaluation order. */
export function nodeEvents(node: FlowNode): SyntaxNode[] {
  if (!analysable(node)) return EMPTY_DIGEST.events;
  const full = digests.get(node);
  if (full) return full.events;
  let ev = eventLists.get(node);
  if (ev) return ev;
  const p = preparedOf.get(node);
  if (p && !p.events) {
    fillEvents(p);
    return eventLists.get(node)!;
  }
  const syn = node.syntax!;
  ev = syn.descendantsOfType(EVENT_TYPES);
  if (EVENT_SET.has(syn.type)) ev.push(syn);
  ev.sort(byEvaluation);
  eventLists.set(node, ev);
  return ev;
}

/** The node's digest; empty for entry/exit, labels (their statement is a node of its own) and bare loop heads. */
export function nodeDigest(node: FlowNode): NodeDigest {
  if (!analysable(node)) return EMPTY_DIGEST;
  let d = digests.get(node);
  if (d) return d;
  // Per node: rules ask for the full digest of the few nodes that mention a tracked place.
  const syn = node.syntax!;
  const all = syn.descendantsOfType(DIGEST_TYPES);
  if (DIGEST_TYPES.includes(syn.type)) all.unshift(syn);
  d = {
    events: all.filter((x) => EVENT_SET.has(x.type)).sort(byEvaluation),
    identifiers: all.filter((x) => x.type === 'identifier'),
    all,
  };
  digests.set(node, d);
  return d;
}

/** The state after one node. */
function transfer(node: FlowNode, before: PtrState, env: PointerEnv): PtrState {
  const syn = node.syntax;
  if (!syn || node.kind === 'label' || node.kind === 'entry' || node.kind === 'exit') return before;
  if (node.kind === 'cond' && syn === node.owner) return before;
  // Most statements touch nothing tracked and call nothing that creates a fact: skip them by their words.
  const toks = nodeTokens(node);
  let relevant = false;
  for (const t of toks) {
    if (INTERESTING.has(t) || env.errPtrFunctions.has(t)) {
      relevant = true;
      break;
    }
  }
  if (!relevant && !(toks.has(ASSIGN_TOKEN) && mentionsTracked(toks, before)) && !(isLoopHead(node) && mentionsTracked(toks, before)))
    return before;
  let s: MutState | undefined;
  const w = (): MutState => (s ??= new Map(before as Map<string, Set<PtrFact>>));
  // A loop's condition assigns the cursors of loop macros (list_for_each_entry_safe(pos, n, ...)).
  if (isLoopHead(node)) {
    for (const k of [...before.keys()]) if (toks.has(placeRoot(k)) && (s ?? before).has(k)) kill(w(), placeRoot(k));
  }
  for (const e of nodeEvents(node)) {
    if (e.type === 'call_expression') {
      const callee = calleeOf(e);
      if (!callee) continue;
      const args = argsOf(e);
      if (isFree(callee)) {
        const p = placeOf(args[freedArgIndex(callee)]);
        const cur = p ? (s ?? before).get(p) : undefined;
        // Freeing an ERR_PTR frees nothing (use-after-free reports that free itself).
        if (p && !(cur?.size === 1 && cur.has('is-err'))) {
          kill(w(), p);
          w().set(p, new Set([`freed:${callee}:${e.startPosition.row}`]));
        }
      } else if (RELEASES.has(callee) || ERR_CHECKS.has(callee)) {
        const p = placeOf(args[0]);
        const cur = p ? (s ?? before).get(p) : undefined;
        if (p && cur) {
          const drop = RELEASES.has(callee) ? (f: string) => f.startsWith('ref:') : (f: string) => f.startsWith('maybe-err:');
          const next = new Set([...cur].filter((f) => !drop(f)));
          if (next.size !== cur.size) {
            if (next.size) w().set(p, next);
            else w().delete(p);
          }
        }
      }
      continue;
    }
    let lhs: string | undefined;
    let rhs: SyntaxNode | undefined;
    let plain = true;
    if (e.type === 'init_declarator') {
      lhs = innermostName(e.childForFieldName('declarator'));
      rhs = e.childForFieldName('value') ?? undefined;
    } else {
      lhs = placeOf(e.childForFieldName('left'));
      rhs = e.childForFieldName('right') ?? undefined;
      plain = e.childForFieldName('operator')?.text === '=';
    }
    if (!lhs) continue;
    const facts = plain ? valueFacts(rhs, s ?? (before as MutState), env) : undefined;
    if (!facts && !mentions(s ?? before, lhs)) continue;
    kill(w(), lhs);
    if (facts) w().set(lhs, facts);
  }
  return s ?? before;
}

/** Whether the state says anything about `place` or what is reached through it. */
function mentions(s: PtrState, place: string): boolean {
  if (s.has(place)) return true;
  for (const k of s.keys()) if (k.startsWith(place)) return true;
  return false;
}

function innermostName(decl: SyntaxNode | null): string | undefined {
  let n: SyntaxNode | null = decl;
  while (n && n.type !== 'identifier') n = n.childForFieldName('declarator');
  return n?.text;
}

/** Refines a state with "`cond` is `truth`". */
function refine(cond: SyntaxNode | undefined, truth: boolean, s: MutState): void {
  const c = unwrapCondition(cond);
  if (!c) return;
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!') {
    refine(c.childForFieldName('argument') ?? undefined, !truth, s);
    return;
  }
  if (c.type === 'binary_expression') {
    const op = c.childForFieldName('operator')?.text;
    const l = c.childForFieldName('left') ?? undefined;
    const r = c.childForFieldName('right') ?? undefined;
    if ((op === '&&' && truth) || (op === '||' && !truth)) {
      refine(l, truth, s);
      refine(r, truth, s);
      return;
    }
    if (op === '==' || op === '!=') {
      const isNull = (n: SyntaxNode | undefined) => {
        const v = stripValue(n);
        return !!v && (v.type === 'null' || (v.type === 'number_literal' && v.text === '0'));
      };
      const p = isNull(r) ? placeOf(l) : isNull(l) ? placeOf(r) : undefined;
      if (p) refineNull(p, (op === '==') === truth, s);
    }
    return;
  }
  if (c.type === 'call_expression') {
    const callee = calleeOf(c);
    const p = placeOf(argsOf(c)[0]);
    if (!p) return;
    if (callee === 'IS_ERR') {
      if (truth) {
        kill(s, p);
        s.set(p, new Set(['is-err']));
      } else dropFacts(s, p, (f) => f === 'is-err' || f.startsWith('maybe-err:'));
    } else if (callee === 'IS_ERR_OR_NULL') {
      if (truth) kill(s, p);
      else dropFacts(s, p, (f) => f === 'is-err' || f === 'null' || f.startsWith('maybe-err:'));
    }
    return;
  }
  const p = placeOf(c);
  if (p) refineNull(p, !truth, s);
}

function refineNull(p: string, isNull: boolean, s: MutState): void {
  if (isNull) {
    kill(s, p);
    s.set(p, new Set(['null']));
  } else dropFacts(s, p, (f) => f === 'null');
}

function dropFacts(s: MutState, p: string, drop: (f: PtrFact) => boolean): void {
  const cur = s.get(p);
  if (!cur) return;
  const next = new Set([...cur].filter((f) => !drop(f)));
  if (next.size) s.set(p, next);
  else s.delete(p);
}

function edge(node: FlowNode, index: number, after: PtrState): PtrState {
  if (node.kind !== 'cond' || node.succ.length !== 2 || !node.syntax || node.syntax === node.owner) return after;
  if (node.owner?.type === 'switch_statement') return after;
  const toks = nodeTokens(node);
  if (!toks.has('IS_ERR') && !mentionsTracked(toks, after)) return after;
  const s = new Map(after as Map<string, Set<PtrFact>>);
  refine(node.syntax, index === 0, s);
  return s;
}

function join(a: PtrState, b: PtrState): PtrState {
  if (a === b) return a;
  const out = new Map(a as Map<string, Set<PtrFact>>);
  for (const [k, v] of b) {
    const cur = out.get(k);
    if (!cur) out.set(k, v as Set<PtrFact>);
    else {
      let merged: Set<PtrFact> | undefined;
      for (const f of v) if (!cur.has(f)) (merged ??= new Set(cur)).add(f);
      if (merged) out.set(k, merged);
    }
  }
  return out;
}

function equals(a: PtrState, b: PtrState): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.size !== v.size) return false;
    for (const f of v) if (!w.has(f)) return false;
  }
  return true;
}

const results = new WeakMap<Cfg, WeakMap<PointerEnv, ForwardResult<PtrState>>>();

/** Pointer facts before and after every node of `cfg` (cached per CFG and driver environment). */
export function pointerFlow(cfg: Cfg, env: PointerEnv): ForwardResult<PtrState> {
  let perCfg = results.get(cfg);
  if (!perCfg) results.set(cfg, (perCfg = new WeakMap()));
  let r = perCfg.get(env);
  if (!r) {
    prepareCfg(cfg);
    r = solveForward<PtrState>(cfg, {
      initial: new Map(),
      transfer: (n, b) => transfer(n, b, env),
      edge,
      join,
      equals,
    });
    perCfg.set(env, r);
  }
  return r;
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
