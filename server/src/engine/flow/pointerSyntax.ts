/**
 * The syntax pointer and taint analyses read: places (`migf`, `migf->filp`) and calls
 * as text, and per flow node its words (a cheap relevance test) and its digest (the
 * assignments, initialisations and calls in evaluation order), found by one walk of a
 * function's body.
 */
import type { SyntaxNode } from '../syntax/cParser';
import type { Cfg, FlowNode } from './cfg';

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
export function unwrapCondition(node: SyntaxNode | undefined): SyntaxNode | undefined {
  let n = stripValue(node);
  while (n?.type === 'call_expression' && /^(?:un)?likely$/.test(calleeOf(n) ?? '')) n = stripValue(argsOf(n)[0]);
  return n;
}

/** Skips the declarator's pointers and arrays: the name it declares. */
export function innermostName(decl: SyntaxNode | null): string | undefined {
  let n: SyntaxNode | null = decl;
  while (n && n.type !== 'identifier') n = n.childForFieldName('declarator');
  return n?.text;
}

// ---------------------------------------------------------------- node digests

export const EVENT_TYPES = ['assignment_expression', 'init_declarator', 'call_expression'];
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
