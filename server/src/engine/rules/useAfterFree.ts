import { suppressionFix, fixableText } from '../fixes/edits';
import { pointerEnv } from '../flow/driverPointers';
import { factsOf, type ParsedFact, type PtrState } from '../flow/pointerFacts';
import { argsOf, calleeOf, mentionsTracked, nodeDigest, nodeTokens, placeOf, stripValue } from '../flow/pointerSyntax';
import { pointerFlow } from '../flow/pointers';
import type { FlowNode } from '../flow/cfg';
import type { SyntaxNode } from '../syntax/cParser';
import { FREES, RELEASES, freedArgIndex, isFree } from '../tables/memory';
import type { Rule } from './rule';

type Kind = 'use-after-free' | 'double-free' | 'err-ptr-use';

interface Data {
  kind: Kind;
  place: string;
  by?: string;
  freedLine?: number;
}

/** `a->b->c`: `a->b->c`, `a->b`, `a`. */
function prefixes(place: string): string[] {
  const out = [place];
  const re = /(?:->|\.)[A-Za-z_]\w*$/;
  let p = place;
  while (re.test(p)) {
    p = p.replace(re, '');
    out.push(p);
  }
  return out;
}

function freedFact(state: PtrState, place: string): { place: string; fact: ParsedFact } | undefined {
  for (const p of prefixes(place)) {
    const f = factsOf(state, p, 'freed')[0];
    if (f) return { place: p, fact: f };
  }
  return undefined;
}

interface Use {
  node: SyntaxNode;
  place: string;
  /** A free or release of the place itself (not a dereference). */
  free?: string;
  deref: boolean;
}

const USE_SET = new Set(['field_expression', 'pointer_expression', 'subscript_expression', 'call_expression', 'return_statement']);

function insideSizeof(n: SyntaxNode, top: SyntaxNode): boolean {
  for (let p = n.parent; p && p !== top.parent; p = p.parent)
    if (p.type === 'sizeof_expression' || p.type === 'offsetof_expression') return true;
  return false;
}

/** How a flow node uses pointers: dereferences, passing them on, returning them, freeing them. */
function usesIn(node: FlowNode): Use[] {
  const syn = node.syntax;
  if (!syn || node.kind === 'label' || (node.kind === 'cond' && syn === node.owner)) return [];
  const out: Use[] = [];
  const sizeofs = nodeTokens(node).has('sizeof') || nodeTokens(node).has('offsetof');
  for (const n of nodeDigest(node).all) {
    if (!USE_SET.has(n.type)) continue;
    if (sizeofs && insideSizeof(n, syn)) continue;
    if (n.type === 'field_expression') {
      if (n.childForFieldName('operator')?.text !== '->') continue;
      const p = placeOf(n.childForFieldName('argument'));
      if (p) out.push({ node: n, place: p, deref: true });
    } else if (n.type === 'pointer_expression') {
      if (n.childForFieldName('operator')?.text !== '*') continue;
      const p = placeOf(n.childForFieldName('argument'));
      if (p) out.push({ node: n, place: p, deref: true });
    } else if (n.type === 'subscript_expression') {
      const p = placeOf(n.childForFieldName('argument'));
      if (p) out.push({ node: n, place: p, deref: true });
    } else if (n.type === 'call_expression') {
      const callee = calleeOf(n) ?? '';
      const args = argsOf(n);
      const freeing = isFree(callee) ? freedArgIndex(callee) : RELEASES.has(callee) ? 0 : -1;
      args.forEach((a, i) => {
        const p = stripValue(a)?.type === 'identifier' || stripValue(a)?.type === 'field_expression' ? placeOf(a) : undefined;
        if (p) out.push({ node: a, place: p, deref: false, ...(i === freeing ? { free: callee } : {}) });
      });
    } else if (n.type === 'return_statement') {
      const v = n.namedChildren.find((c) => c.type !== 'comment');
      const p = placeOf(v);
      if (v && p) out.push({ node: v, place: p, deref: false });
    }
  }
  return out;
}

const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const FREE_CALL = new RegExp(`\\b(${[...Object.keys(FREES), ...RELEASES].join('|')})\\s*\\(([^;]*?)\\)\\s*;`, 'g');

/**
 * The text a path can run through after `from`: up to a `return` or `goto` in the same
 * block (then from the goto's label on), or the rest of the function.
 */
function textAfter(text: string, from: number): string {
  let depth = 0;
  let end = text.length;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth < 0) {
      end = i;
      break;
    }
  }
  const block = text.slice(from, end);
  const jump = /\breturn\b[^;]*;|\bgoto\s+([A-Za-z_]\w*)\s*;/.exec(block);
  if (!jump) return text.slice(from);
  const upTo = block.slice(0, jump.index + jump[0].length);
  if (!jump[1]) return upTo;
  const label = new RegExp(`^\\s*${jump[1]}\\s*:`, 'm').exec(text);
  return label ? upTo + text.slice(label.index) : text.slice(from);
}

/**
 * Text prefilter: after some free or release in the function's text, the freed
 * expression appears again (or a freed ERR_PTR was IS_ERR-tested before it). Cleanup
 * functions that free each thing once, last, are ruled out without building a flow.
 */
function mayUseAfterFree(text: string): boolean {
  const errTested = text.includes('IS_ERR');
  for (const m of text.matchAll(FREE_CALL)) {
    const free = isFree(m[1]);
    if (!free && !errTested) continue;
    const args = m[2].split(',');
    const arg = (args[free ? freedArgIndex(m[1]) : 0] ?? '').replace(/\s+/g, '').replace(/^\([^()]*\)/, '');
    if (!/^[A-Za-z_][\w>.-]*$/.test(arg)) continue;
    const after = free ? textAfter(text, m.index + m[0].length) : '';
    // Used again later (not merely reassigned: `p = NULL;`).
    if (free && after.includes(placeRootText(arg))) {
      const again = new RegExp(`(?<![\\w>.])${escapeRe(arg)}(?!\\w)(?!\\s*=[^=])`);
      if (again.test(after)) return true;
    }
    if (errTested && onErrorBranch(text, arg, m.index)) return true;
  }
  return false;
}

/**
 * Whether the text offset `at` lies where `arg` is known to be an ERR_PTR: inside the
 * body of `if (IS_ERR(arg))`, or after `if (!IS_ERR(arg))` whose body jumps away.
 */
function onErrorBranch(text: string, arg: string, at: number): boolean {
  const test = new RegExp(`(!\\s*)?IS_ERR\\s*\\(\\s*${escapeRe(arg)}\\s*\\)\\s*\\)`, 'g');
  for (const m of text.slice(0, at).matchAll(test)) {
    let i = m.index + m[0].length;
    while (i < text.length && /\s/.test(text[i])) i++;
    let end: number;
    if (text[i] === '{') {
      let depth = 0;
      for (end = i; end < text.length; end++) {
        if (text[end] === '{') depth++;
        else if (text[end] === '}' && --depth === 0) break;
      }
    } else end = text.indexOf(';', i);
    if (end < 0) end = text.length;
    if (!m[1] && at > i && at < end) return true;
    if (m[1] && at > end && /\b(?:return|goto)\b/.test(text.slice(i, end + 1))) return true;
  }
  return false;
}

function placeRootText(place: string): string {
  return /^[A-Za-z_]\w*/.exec(place)?.[0] ?? place;
}

/** A pointer used after it was freed on the same path, freed twice, or an ERR_PTR freed or dereferenced. */
export const useAfterFree: Rule = {
  meta: {
    id: 'use-after-free',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      'A pointer must not be dereferenced, passed on or freed again after kfree()/kvfree()/vfree() on the same path, and an ERR_PTR value must not be dereferenced or freed.',
    docs: 'docs/rules/use-after-free.md',
    fixable: false,
    flow: true,
  },
  create(context) {
    const env = pointerEnv(context.model);
    for (const file of context.model.files) {
      // Prefilter: only functions that free or release something.
      const candidates = new Set<string>();
      for (const c of file.facts.calls) if (c.fn && (isFree(c.callee) || RELEASES.has(c.callee))) candidates.add(c.fn);
      if (!candidates.size) continue;
      for (const fn of file.facts.functions) {
        if (!candidates.has(fn.name) || !mayUseAfterFree(file.parsed.masked.slice(fn.start, fn.end))) continue;
        const cfg = context.flow.cfg(file, fn);
        if (!cfg) continue;
        const flow = pointerFlow(cfg, env);
        const seen = new Set<string>();
        for (const node of cfg.nodes) {
          const before = flow.before[node.id];
          if (!before || before.size === 0 || !mentionsTracked(nodeTokens(node), before)) continue;
          for (const use of usesIn(node)) {
            let data: Data | undefined;
            let message = '';
            const freed = freedFact(before, use.place);
            if (freed) {
              const by = freed.fact.callee!;
              const at = freed.fact.line! + 1;
              if (use.free && freed.place === use.place) {
                data = { kind: 'double-free', place: use.place, by, freedLine: freed.fact.line };
                message = `'${use.place}' was already freed by ${by}() on line ${at}: ${use.free}() frees it again (double free: an object is freed exactly once).`;
              } else {
                data = { kind: 'use-after-free', place: freed.place, by, freedLine: freed.fact.line };
                message = `'${freed.place}' was freed by ${by}() on line ${at}, so this use of '${use.place}' touches freed memory (use after free: nothing may use an object after it is freed).`;
              }
            } else if ((use.deref || use.free) && factsOf(before, use.place, 'is-err').length) {
              data = { kind: 'err-ptr-use', place: use.place };
              message = use.free
                ? `'${use.place}' holds an ERR_PTR on this path (IS_ERR() was true), and ${use.free}() of an ERR_PTR crashes (ERR_PTR convention: only PTR_ERR()/ERR_CAST() may read it).`
                : `'${use.place}' holds an ERR_PTR on this path (IS_ERR() was true), and dereferencing it oopses (ERR_PTR convention: only PTR_ERR()/ERR_CAST() may read it).`;
            }
            if (!data) continue;
            const key = `${data.kind}:${data.place}:${data.freedLine ?? node.id}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const start = file.lines.positionAt(use.node.startIndex);
            const end = file.lines.positionAt(use.node.endIndex);
            const stmt = node.kind === 'cond' ? (node.owner ?? node.syntax!) : node.syntax!;
            context.report({
              file,
              line: start.line,
              column: start.character,
              endLine: end.line,
              endColumn: end.character,
              name: data.place,
              anchorLine: stmt.startPosition.row,
              related:
                data.freedLine !== undefined
                  ? [{ path: file.path, line: data.freedLine, column: 0, message: `freed here by ${data.by}()` }]
                  : [],
              message,
              data,
            });
          }
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    if (!file || !fixableText(file)) return [];
    return [suppressionFix(file, this.meta.id, finding.anchorLine, 'this use')];
  },
  explain(finding) {
    const data = finding.data as Data | undefined;
    if (data?.kind === 'err-ptr-use') {
      return (
        '**ERR_PTR used as an object**\n\nOn this path `IS_ERR()` was true: the pointer encodes an errno, not an object. ' +
        'Dereferencing it oopses; `kfree()`/`fput()` of it corrupts memory or oopses. Read it only with `PTR_ERR()` or ' +
        'pass it on with `ERR_CAST()`, and reset it (`= NULL`) before shared cleanup code frees it.'
      );
    }
    return (
      `**${data?.kind === 'double-free' ? 'Double free' : 'Use after free'}**\n\n\`${data?.place ?? ''}\` was freed by ` +
      `\`${data?.by ?? 'kfree'}()\` earlier on this path. The memory may already belong to another allocation: reading ` +
      'it returns garbage, writing it corrupts someone else’s object, freeing it again corrupts the allocator. Read what ' +
      'you need (`ERR_CAST(migf->filp)`, `PTR_ERR(...)`) into a local before the free, or free last.'
    );
  },
};
