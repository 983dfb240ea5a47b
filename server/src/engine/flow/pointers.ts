/**
 * What a pointer holds, per flow node: a forward may-analysis over one function's
 * CFG that tracks, for each place (a local, parameter or global `migf`, or a field
 * path `migf->filp`), facts such as "allocated by kvzalloc()", "holds a reference
 * from debugfs_lookup()", "may be an ERR_PTR, not yet tested with IS_ERR()", "is an
 * ERR_PTR on this path", "freed by kfree() on this path", "NULL on this path".
 * Assignments copy facts (`p = q`, `x->f = p`: aliases), reassignment kills them
 * (also a loop macro's cursor), conditions refine them on their edges (`if (!p)`,
 * `if (IS_ERR(p))`). Shared by the memory rules; tables live in tables/memory.ts.
 * Fact strings live in pointerFacts.ts, places and node digests in pointerSyntax.ts,
 * the driver-wide queries (who frees a parameter, what fields hold) in driverPointers.ts.
 */
import { ACQUIRES, ALLOCATORS, ERR_CHECKS, FREES, RELEASES, allocFamily, freedArgIndex, isFree } from '../tables/memory';
import type { SyntaxNode } from '../syntax/cParser';
import type { Cfg, FlowNode } from './cfg';
import { solveForward, type ForwardResult } from './dataflow';
import type { PointerEnv, PtrFact, PtrState } from './pointerFacts';
import {
  ASSIGN_TOKEN,
  argsOf,
  calleeOf,
  innermostName,
  isLoopHead,
  mentionsTracked,
  nodeEvents,
  nodeTokens,
  placeOf,
  placeRoot,
  prepareCfg,
  stripValue,
  unwrapCondition,
} from './pointerSyntax';

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
