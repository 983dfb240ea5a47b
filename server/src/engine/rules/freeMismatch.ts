import { fixableText, quickFix, replaceRange, suppressionFix } from '../fixes/edits';
import { fieldAllocations, mayMismatchFree, pointerEnv } from '../flow/driverPointers';
import { factsOf, type PtrState } from '../flow/pointerFacts';
import { argsOf, calleeOf, nodeEvents, nodeTokens, placeOf } from '../flow/pointerSyntax';
import { pointerFlow } from '../flow/pointers';
import { FREES, MATCHING_FREE, allocFamily, freedArgIndex, isFree, type AllocFamily } from '../tables/memory';
import type { SyntaxNode } from '../syntax/cParser';
import type { Rule } from './rule';

interface Data {
  free: string;
  families: AllocFamily[];
  allocators: string[];
  /** The free's name in the text, and what replaces it. */
  calleeStart: number;
  calleeEnd: number;
  replacement?: string;
}

const EMPTY: PtrState = new Map();

/** The row of the statement around a node. */
function statementRow(n: SyntaxNode): number {
  let p: SyntaxNode | null = n;
  while (p && !/statement$|^declaration$/.test(p.type)) p = p.parent;
  return (p ?? n).startPosition.row;
}

/** Whether a function's text frees one of the fields the driver allocates (`vfree(r->host_seq)`). */
function fieldFreeMentioned(text: string, fields: Map<string, unknown>): boolean {
  for (const m of text.matchAll(/(?:->|\.)\s*([A-Za-z_]\w*)\s*\)/g)) if (fields.has(m[1])) return true;
  return false;
}

/** Frees that take the pointer alone: the ones a quick fix can swap for each other. */
const SIMPLE_FREES = new Set(['kfree', 'vfree', 'kvfree', 'bitmap_free']);

function matchingFree(families: AllocFamily[]): string | undefined {
  const set = new Set(families);
  if (set.size === 1) return MATCHING_FREE[families[0]];
  // kmalloc on one path, vmalloc on another: kvfree() takes both.
  if ([...set].every((f) => FREES.kvfree.includes(f))) return 'kvfree';
  return undefined;
}

/** Memory freed with a free that does not match its allocator. */
export const freeMismatch: Rule = {
  meta: {
    id: 'free-mismatch',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      'Memory must be freed by the free that matches its allocator (kmalloc→kfree, vmalloc/vzalloc→vfree, kvmalloc→kvfree, bitmap_zalloc→bitmap_free), also when a struct field is allocated in one function and freed in another.',
    docs: 'docs/rules/free-mismatch.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    const model = context.model;
    const env = pointerEnv(model);
    const fields = fieldAllocations(model);
    for (const file of model.files) {
      const freeing = new Set<string>();
      for (const c of file.facts.calls) if (c.fn && isFree(c.callee)) freeing.add(c.fn);
      if (!freeing.size) continue;
      const allocating = new Set<string>();
      for (const c of file.facts.calls) if (c.fn && allocFamily(c.callee)) allocating.add(c.fn);
      for (const fn of file.facts.functions) {
        if (!freeing.has(fn.name)) continue;
        // A function that allocates nothing frees what fields hold: judged by the driver-wide field map alone.
        const text = file.parsed.masked.slice(fn.start, fn.end);
        const locals = allocating.has(fn.name) && mayMismatchFree(text);
        if (!locals && !fieldFreeMentioned(text, fields)) continue;
        // Free calls with the state before them: from the flow when locals matter, else (fields only) from the tree.
        const sites: { call: SyntaxNode; before: PtrState; anchor: number }[] = [];
        if (locals) {
          const cfg = context.flow.cfg(file, fn);
          if (!cfg) continue;
          const flow = pointerFlow(cfg, env);
          for (const node of cfg.nodes) {
            const before = flow.before[node.id];
            if (!node.syntax || !before || ![...nodeTokens(node)].some(isFree)) continue;
            for (const call of nodeEvents(node))
              if (call.type === 'call_expression') sites.push({ call, before, anchor: node.syntax.startPosition.row });
          }
        } else {
          for (const c of file.facts.calls) {
            if (c.fn !== fn.name || !isFree(c.callee)) continue;
            let call: SyntaxNode | null = file.parsed.tree.rootNode.descendantForIndex(c.start, c.start + c.callee.length);
            while (call && call.type !== 'call_expression') call = call.parent;
            if (call) sites.push({ call, before: EMPTY, anchor: statementRow(call) });
          }
        }
        for (const { call, before, anchor } of sites) {
          {
            const free = calleeOf(call);
            if (!free || !isFree(free)) continue;
            const arg = argsOf(call)[freedArgIndex(free)];
            const place = placeOf(arg);
            if (!place || !arg) continue;
            // What this function's paths say the place holds; otherwise what the driver stores in that field.
            let allocs = factsOf(before, place, 'alloc').map((f) => ({
              family: f.detail as AllocFamily,
              allocator: f.callee!,
              line: f.line!,
              path: file.path,
            }));
            if (!allocs.length && before.get(place) === undefined) {
              const field = /(?:->|\.)([A-Za-z_]\w*)$/.exec(place)?.[1];
              const stored = field ? fields.get(field) : undefined;
              // Only a field every store of which agrees on the family (one field name may live in several structs).
              if (stored && new Set(stored.map((s) => s.family)).size === 1) {
                allocs = stored.map((s) => ({ family: s.family as AllocFamily, allocator: s.allocator, line: s.line, path: s.file.path }));
              }
            }
            const wrong = allocs.filter((a) => !FREES[free].includes(a.family));
            if (!wrong.length) continue;
            const families = [...new Set(allocs.map((a) => a.family))];
            const allocators = [...new Set(allocs.map((a) => a.allocator))];
            const fix = matchingFree(families);
            const fnNode = call.childForFieldName('function')!;
            const start = file.lines.positionAt(fnNode.startIndex);
            const end = file.lines.positionAt(call.endIndex);
            const w = wrong[0];
            context.report({
              file,
              line: start.line,
              column: start.character,
              endLine: end.line,
              endColumn: end.character,
              name: place,
              anchorLine: anchor,
              related: wrong.map((a) => ({ path: a.path, line: a.line, column: 0, message: `allocated here by ${a.allocator}()` })),
              message:
                `'${place}' is allocated by ${w.allocator}() (${w.family} memory), which ${free}() cannot free: the allocator's ` +
                `bookkeeping is corrupted or the memory leaks (free with ${fix ?? MATCHING_FREE[w.family]}(), the allocator's pair).`,
              data: {
                free,
                families,
                allocators,
                calleeStart: fnNode.startIndex,
                calleeEnd: fnNode.endIndex,
                ...(fix && SIMPLE_FREES.has(fix) && SIMPLE_FREES.has(free) ? { replacement: fix } : {}),
              } satisfies Data,
            });
          }
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    const data = finding.data as Data | undefined;
    if (!file || !data || !fixableText(file)) return [];
    const fixes = [];
    if (data.replacement) {
      fixes.push(
        quickFix(
          file,
          `Free ${finding.name} with ${data.replacement}()`,
          [replaceRange(file, data.calleeStart, data.calleeEnd, data.replacement)],
          true,
        ),
      );
    }
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, 'this free'));
    return fixes;
  },
  explain(finding) {
    const data = finding.data as Data | undefined;
    return (
      '**Free does not match the allocator**\n\n' +
      `\`${finding.name}\` comes from \`${data?.allocators.join('()`, `') ?? 'an allocator'}()\`. Each allocator has its own ` +
      'free: `kfree()` for the slab (`kmalloc`, `kzalloc`, `kcalloc`), `vfree()` for `vmalloc`/`vzalloc`/`vcalloc`, ' +
      '`kvfree()` for `kvmalloc` and friends (it also takes the other two), `bitmap_free()` for `bitmap_zalloc()`, and ' +
      '`devm_*` memory is released by the driver core. Freeing vmalloc memory with `kfree()`/`bitmap_free()` hands a ' +
      'vmalloc address to the slab allocator: a crash or silent corruption; `kfree()` of `devm_` memory frees it twice at unbind.'
    );
  },
};
