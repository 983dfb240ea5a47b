import { fixableText, insertLines, quickFix, suppressionFix } from '../fixes/edits';
import { solveForward } from '../flow/dataflow';
import type { Cfg, FlowNode } from '../flow/cfg';
import { argsOf, calleeOf, mentionsTracked, nodeDigest, nodeTokens, placeOf, prepareCfg, stripValue } from '../flow/pointerSyntax';
import type { FunctionFact } from '../model/facts';
import type { SourceFile } from '../model/sourceFile';
import type { SyntaxNode } from '../syntax/cParser';
import { ACQUIRES, ALLOCATORS, BORROWS, MATCHING_FREE, RELEASES, allocFamily, freedArgIndex, isFree } from '../tables/memory';
import type { Rule } from './rule';

/** What a local owns: `<release>:<acquirer>:<line>`. */
type State = ReadonlyMap<string, string>;

interface Data {
  local: string;
  release: string;
  acquirer: string;
  acquiredLine: number;
  /** Where the release goes: above this line, with this indent (undefined: no safe place). */
  insertAbove?: number;
  indent?: string;
}

/** The release an acquisition needs, or undefined when none is owed (devm memory, ...). */
function owed(callee: string): string | undefined {
  const fam = allocFamily(callee);
  if (fam) return fam === 'devm' || fam === 'pages' || fam === 'kmem_cache' ? undefined : MATCHING_FREE[fam];
  return Object.prototype.hasOwnProperty.call(ACQUIRES, callee) && callee !== 'get_file' ? ACQUIRES[callee] : undefined;
}

/** `x` directly as an operand of `!`, `==`, `!=`, or a whole condition: a test, not a use that hands it on. */
function isTest(n: SyntaxNode): boolean {
  let p = n.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
  if (!p) return false;
  if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '!') return true;
  if (p.type === 'binary_expression' && /^(?:==|!=|&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? '')) return true;
  if (p.type === 'if_statement' || p.type === 'while_statement' || p.type === 'conditional_expression')
    return p.childForFieldName('condition') !== n;
  return false;
}

type Mention = 'release' | 'escape' | 'read' | 'assign';

/** How one occurrence of local `x` uses it. */
function classify(id: SyntaxNode, top: SyntaxNode): Mention {
  for (let p: SyntaxNode | null = id.parent; p && p !== top.parent; p = p.parent) {
    if (p.type === 'sizeof_expression') return 'read';
  }
  let n: SyntaxNode = id;
  let p = n.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) {
    n = p;
    p = p.parent;
  }
  if (!p) return 'read';
  if (p.type === 'assignment_expression' && p.childForFieldName('left') === n) return 'assign';
  if (p.type === 'field_expression' && p.childForFieldName('argument') === n) {
    // `&x->node` hands the object on (list_add(&buf->node, ...)); `x->len` reads it.
    let q: SyntaxNode | null = p.parent;
    while (q && (q.type === 'field_expression' || q.type === 'parenthesized_expression' || q.type === 'subscript_expression')) q = q.parent;
    return q?.type === 'pointer_expression' && q.childForFieldName('operator')?.text === '&'
      ? borrowedArg(q)
        ? 'read'
        : 'escape'
      : 'read';
  }
  if (p.type === 'subscript_expression' && p.childForFieldName('argument') === n) return 'read';
  if (p.type === 'pointer_expression' && p.childForFieldName('operator')?.text === '*') return 'read';
  if (p.type === 'argument_list') {
    const call = p.parent!;
    const callee = calleeOf(call) ?? '';
    const args = argsOf(call);
    if (isFree(callee) && args[freedArgIndex(callee)] === n) return 'release';
    if (RELEASES.has(callee) && args[0] === n) return 'release';
    if (BORROWS.test(callee)) return 'read';
    return 'escape';
  }
  if (isTest(n)) return 'read';
  return 'escape';
}

function borrowedArg(n: SyntaxNode): boolean {
  let p = n.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
  return p?.type === 'argument_list' && BORROWS.test(calleeOf(p.parent!) ?? '');
}

/** Locals known NULL or ERR_PTR when `cond` is `truth`: nothing is owned then. */
function emptyWhen(cond: SyntaxNode | undefined, truth: boolean, out: Set<string>): void {
  let c = stripValue(cond);
  while (c?.type === 'call_expression' && /^(?:un)?likely$/.test(calleeOf(c) ?? '')) c = stripValue(argsOf(c)[0]);
  if (!c) return;
  if (c.type === 'unary_expression' && c.childForFieldName('operator')?.text === '!')
    return emptyWhen(c.childForFieldName('argument') ?? undefined, !truth, out);
  if (c.type === 'binary_expression') {
    const op = c.childForFieldName('operator')?.text;
    const l = c.childForFieldName('left') ?? undefined;
    const r = c.childForFieldName('right') ?? undefined;
    if ((op === '&&' && truth) || (op === '||' && !truth)) {
      emptyWhen(l, truth, out);
      emptyWhen(r, truth, out);
    } else if (op === '==' || op === '!=') {
      const isNull = (x: SyntaxNode | undefined) => stripValue(x)?.type === 'null' || stripValue(x)?.text === '0';
      const p = isNull(r) ? placeOf(l) : isNull(l) ? placeOf(r) : undefined;
      if (p && (op === '==') === truth) out.add(p);
    }
    return;
  }
  if (c.type === 'call_expression') {
    if (/^IS_ERR(?:_OR_NULL)?$/.test(calleeOf(c) ?? '') && truth) {
      const p = placeOf(argsOf(c)[0]);
      if (p) out.add(p);
    }
    return;
  }
  const p = placeOf(c);
  if (p && !truth) out.add(p);
}

function declName(n: SyntaxNode): string | undefined {
  let d: SyntaxNode | null = n.childForFieldName('declarator');
  while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
  return d?.text;
}

function transfer(node: FlowNode, before: State, file: SourceFile, locals: Set<string>): State {
  const syn = node.syntax;
  if (!syn || node.kind === 'label' || (node.kind === 'cond' && syn === node.owner)) return before;
  const toks = nodeTokens(node);
  const tracked = before.size > 0 && mentionsTracked(toks, before);
  if (!tracked && ![...toks].some((t) => owed(t))) return before;
  let s: Map<string, string> | undefined;
  const w = () => (s ??= new Map(before));
  // A loop's condition reassigns the cursors of loop macros.
  if (node.kind === 'cond' && node.owner && node.owner.type !== 'if_statement' && node.owner.type !== 'switch_statement') {
    for (const id of nodeDigest(node).identifiers) if (before.has(id.text)) w().delete(id.text);
  }
  if (tracked) {
    for (const id of nodeDigest(node).identifiers) {
      if (!(s ?? before).has(id.text)) continue;
      const how = classify(id, syn);
      if (how === 'release' || how === 'escape' || how === 'assign') w().delete(id.text);
    }
    if (node.kind === 'return') return s ?? before;
  }
  for (const a of nodeDigest(node).events) {
    if (a.type === 'call_expression') continue;
    const lhsNode = a.type === 'init_declarator' ? undefined : a.childForFieldName('left');
    const lhs =
      a.type === 'init_declarator' ? declName(a) : stripValue(lhsNode)?.type === 'identifier' ? stripValue(lhsNode)!.text : undefined;
    if (!lhs || !locals.has(lhs)) continue;
    if (a.type === 'assignment_expression' && a.childForFieldName('operator')?.text !== '=') continue;
    const rhs = stripValue(a.childForFieldName(a.type === 'init_declarator' ? 'value' : 'right'));
    if (rhs?.type !== 'call_expression') continue;
    const callee = calleeOf(rhs);
    const release = callee && owed(callee);
    if (!release) continue;
    // `__free(kfree)` (masked away in the tree) frees it at scope exit.
    if (a.type === 'init_declarator' && /__free\s*\(/.test(file.text.slice(a.startIndex, a.endIndex))) continue;
    w().set(lhs, `${release}:${callee}:${rhs.startPosition.row}`);
  }
  return s ?? before;
}

function edge(node: FlowNode, index: number, after: State): State {
  if (
    node.kind !== 'cond' ||
    node.succ.length !== 2 ||
    !node.syntax ||
    node.syntax === node.owner ||
    node.owner?.type === 'switch_statement'
  )
    return after;
  if (!after.size || !mentionsTracked(nodeTokens(node), after)) return after;
  const empty = new Set<string>();
  emptyWhen(node.syntax, index === 0, empty);
  if (![...empty].some((p) => after.has(p))) return after;
  const s = new Map(after);
  for (const p of empty) s.delete(p);
  return s;
}

function analyse(cfg: Cfg, file: SourceFile, fn: FunctionFact) {
  const params = new Set(fn.params.map((p) => p.name));
  const locals = new Set([...fn.locals].filter((l) => !params.has(l)));
  prepareCfg(cfg);
  return solveForward<State>(cfg, {
    initial: new Map(),
    transfer: (n, b) => transfer(n, b, file, locals),
    edge,
    join: (a, b) => {
      if (a === b || !b.size) return a;
      if (!a.size) return b;
      const out = new Map(a);
      for (const [k, v] of b) if (!out.has(k)) out.set(k, v);
      return out;
    },
    equals: (a, b) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v),
  });
}

const ACQUIRE_NAMES = [...Object.keys(ALLOCATORS), ...Object.keys(ACQUIRES)].filter((n) => owed(n)).sort((a, b) => b.length - a.length);
const ACQUIRE_INTO = new RegExp(`\\b([A-Za-z_]\\w*)\\s*=\\s*(?:\\([^;=]*?\\)\\s*)?(?:${ACQUIRE_NAMES.join('|')})\\s*\\(`, 'g');
const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/**
 * Text prefilter: can some acquisition into a local reach a `return` (or the end)
 * with no release, store, return or hand-over of that local in a block still open at
 * that return? Returns inside the NULL/IS_ERR test right after the acquisition own
 * nothing. Functions that pass are analysed on their flow graph.
 */
function mayLeak(text: string): boolean {
  for (const m of text.matchAll(ACQUIRE_INTO)) {
    const name = m[1];
    const l = escapeRe(name);
    const stmtEnd = text.indexOf(';', m.index + m[0].length);
    if (stmtEnd < 0) continue;
    if (/__free\s*\(/.test(text.slice(Math.max(0, text.lastIndexOf('\n', m.index)), m.index))) continue;
    const nullTest = new RegExp(
      `^\\s*if\\s*\\(\\s*(?:(?:un)?likely\\s*\\()?\\s*(?:!\\s*${l}|${l}\\s*==\\s*NULL|IS_ERR(?:_OR_NULL)?\\s*\\(\\s*${l}\\s*\\))\\s*\\)?\\s*\\)\\s*(?:\\{[^{}]*)?$`,
    );
    // Consumes by the depth of the block they sit in; a closing brace forgets the deeper ones.
    const open: boolean[] = [false];
    const owned = () => !open.some(Boolean);
    for (let i = stmtEnd + 1; i <= text.length; i++) {
      const c = text[i];
      if (c === '{') open.push(false);
      else if (c === '}' || i === text.length) {
        if (open.length === 1 && owned()) return true; // falls off the end still owning it
        open.pop();
        if (!open.length) break;
      } else if (c === 'r' && text.startsWith('return', i) && !/\w/.test(text[i - 1] ?? ' ') && !/\w/.test(text[i + 6] ?? ' ')) {
        const semi = text.indexOf(';', i);
        const ret = text.slice(i, semi < 0 ? text.length : semi);
        if (new RegExp(`\\b${l}\\b`).test(ret)) open[open.length - 1] = true;
        else if (owned() && !nullTest.test(text.slice(stmtEnd + 1, i))) return true;
      } else if (text.startsWith(name, i) && !/\w/.test(text[i - 1] ?? ' ') && !/\w/.test(text[i + name.length] ?? ' ')) {
        if (consumes(text, i, name.length)) open[open.length - 1] = true;
      }
    }
  }
  return false;
}

/** Whether the occurrence of a local at [at, at+len) hands it on: passed whole or as `&x->f`, or stored. */
function consumes(text: string, at: number, len: number): boolean {
  let b = at - 1;
  while (b >= 0 && /\s/.test(text[b])) b--;
  let after = at + len;
  while (after < text.length && /\s/.test(text[after])) after++;
  const next = text[after];
  // `= x;`: stored (the left side is a field, global or out-parameter, or another local).
  if (text[b] === '=' && text[b - 1] !== '=' && text[b - 1] !== '!' && (next === ';' || next === ',' || next === ')')) return true;
  const whole = (text[b] === '(' || text[b] === ',') && (next === ',' || next === ')');
  const address = text[b] === '&' && text.startsWith('->', after);
  if (!whole && !address) return false;
  const callee = enclosingCallee(text, at);
  if (!callee || /^(?:if|while|for|switch|return|sizeof)$/.test(callee)) return false;
  return !BORROWS.test(callee);
}

/** The name before the innermost unclosed `(` before `at`. */
function enclosingCallee(text: string, at: number): string | undefined {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i];
    if (c === ')') depth++;
    else if (c === '(') {
      if (depth-- === 0) {
        const m = /([A-Za-z_]\w*)\s*$/.exec(text.slice(Math.max(0, i - 64), i));
        return m?.[1];
      }
    } else if (c === ';' || c === '{' || c === '}') return undefined;
  }
  return undefined;
}

/** An allocation or reference in a local that a return leaves unreleased and unstored. */
export const leakOnErrorPath: Rule = {
  meta: {
    id: 'leak-on-error-path',
    type: 'problem',
    defaultSeverity: 'warning',
    description:
      'Memory or a reference (kmalloc family, vmalloc, debugfs_lookup(), pci_get_*(), ...) held in a local must be released or handed on before every return.',
    docs: 'docs/rules/leak-on-error-path.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    for (const file of context.model.files) {
      const candidates = new Set<string>();
      for (const c of file.facts.calls) if (c.fn && owed(c.callee)) candidates.add(c.fn);
      if (!candidates.size) continue;
      for (const fn of file.facts.functions) {
        if (!candidates.has(fn.name) || !mayLeak(file.parsed.masked.slice(fn.start, fn.end))) continue;
        const cfg = context.flow.cfg(file, fn);
        if (!cfg) continue;
        const flow = analyse(cfg, file, fn);
        const exitPreds = cfg.nodes.filter((n) => n.succ.includes(cfg.exit));
        const seen = new Set<string>();
        for (const node of exitPreds) {
          const before = node.kind === 'return' ? flow.before[node.id] : flow.after[node.id];
          if (!before?.size) continue;
          const after = node.kind === 'return' ? flow.after[node.id] : before;
          for (const [local, fact] of before) {
            // The return hands it to the caller (or mentions it).
            if (node.kind === 'return' && !after?.has(local)) continue;
            const [release, acquirer, lineText] = fact.split(':');
            const acquiredLine = Number(lineText);
            const key = node.kind === 'return' ? `${local}:${node.id}` : `${local}:${acquiredLine}`;
            if (seen.has(key)) continue;
            seen.add(key);
            let at: SyntaxNode;
            let insertAbove: number | undefined;
            let indent: string | undefined;
            if (node.kind === 'return') {
              at = node.syntax!;
              if (at.parent?.type === 'compound_statement') {
                insertAbove = at.startPosition.row;
                indent = file.lines.indentOf(insertAbove);
              }
            } else {
              // Falls off the end: report at the acquisition, the release goes above the closing brace.
              at = cfg.body.lastChild ?? cfg.body;
              insertAbove = at.startPosition.row;
              indent = file.lines.indentOf(acquiredLine);
            }
            const pos = file.lines.positionAt(at.startIndex);
            const line = node.kind === 'return' ? pos.line : acquiredLine;
            const column = node.kind === 'return' ? pos.character : file.lines.indentOf(acquiredLine).length;
            const where = node.kind === 'return' ? 'this return' : `the end of ${fn.name}()`;
            context.report({
              file,
              line,
              column,
              ...(node.kind === 'return'
                ? { endLine: file.lines.positionAt(at.endIndex).line, endColumn: file.lines.positionAt(at.endIndex).character }
                : {}),
              name: local,
              related: [{ path: file.path, line: acquiredLine, column: 0, message: `${acquirer}() acquires it here` }],
              message:
                `'${local}' from ${acquirer}() on line ${acquiredLine + 1} is neither released nor stored on the path to ${where}, ` +
                `so it leaks (every ${acquirer}() needs a ${release}() on every path that does not hand it on).`,
              data: {
                local,
                release,
                acquirer,
                acquiredLine,
                ...(insertAbove !== undefined ? { insertAbove, indent } : {}),
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
    if (data.insertAbove !== undefined) {
      fixes.push(
        quickFix(
          file,
          `Release ${data.local} with ${data.release}() before returning`,
          [insertLines(file, data.insertAbove, [`${data.indent ?? '\t'}${data.release}(${data.local});`])],
          true,
        ),
      );
    }
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, 'this path'));
    return fixes;
  },
  explain(finding) {
    const data = finding.data as Data | undefined;
    return (
      `**Leak on this path**\n\n\`${data?.local ?? finding.name}\` holds what \`${data?.acquirer ?? 'the call'}()\` returned. ` +
      `On the path to this return it is not released with \`${data?.release ?? 'its release'}()\`, not stored in a struct ` +
      'field, global or out-parameter, not returned, and not passed to a function that could take it over. Every early ' +
      'return after the acquisition needs the release (usually through a `goto` to the unwind labels), or declare the ' +
      'local with `__free(...)`.'
    );
  },
};
