import { fixableText, suppressionFix } from '../fixes/edits';
import { solveForward } from '../flow/dataflow';
import { type FunctionLocks } from '../flow/lockOps';
import { heldBefore } from '../flow/lockQueries';
import { lockIndex } from '../flow/locks';
import { isMigrationDataHandler, mentionsAny, positionPointers, positionUses } from '../flow/taint';
import type { SyntaxNode } from '../syntax/cParser';
import type { Rule } from './rule';
import { wiringRelated } from './wiring';

interface PosData {
  lock: string;
  lockLine: number;
  member: string;
}

/** The file position of a migration read/write handler, read before the handler takes the file's lock. */
export const migrationPosUnlocked: Rule = {
  meta: {
    id: 'migration-pos-unlocked',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      "A migration file's read/write handler checks or uses *pos / f_pos before it takes the lock it later takes to protect the file.",
    docs: 'docs/rules/migration-pos-unlocked.md',
    fixable: false,
    flow: true,
  },
  create(context) {
    const locks = lockIndex(context.model, context.flow);
    for (const h of context.model.handlers) {
      const member = isMigrationDataHandler(h);
      if (!member) continue;
      const fl = locks.of(h.file, h.fn);
      if (!fl) continue;
      const pointers = positionPointers(h.file, h.fn, fl.cfg.body);
      if (pointers.size === 0 && !h.file.text.slice(h.fn.start, h.fn.end).includes('f_pos')) continue;
      const ever = everAcquired(fl);
      // Nodes before the lock: nothing held yet, and a lock not yet taken on the way here is taken later.
      const pre = new Map<number, { key: string; line: number; column: number }>();
      for (const id of fl.cfg.order) {
        const node = fl.cfg.nodes[id];
        if (!node.syntax || (node.kind !== 'stmt' && node.kind !== 'cond' && node.kind !== 'return')) continue;
        if (node.kind === 'cond' && node.syntax === node.owner) continue;
        if (!fl.before[id] || heldBefore(fl, id).length > 0) continue;
        const later = laterAcquisition(fl, id, ever[id] ?? new Set());
        if (later) pre.set(id, later);
      }
      if (pre.size === 0) continue;
      // What the unlocked code derives from the position, and whether it bounds-checks it or hands it past the lock.
      const derived = new Set<string>();
      let bounded = false;
      for (const id of fl.cfg.order) {
        const syntax = fl.cfg.nodes[id].syntax;
        if (!pre.has(id) || !syntax) continue;
        const mentions = (n: SyntaxNode) => positionUses(n, pointers).length > 0 || mentionsAny(n, derived);
        for (const v of derivedTargets(syntax, mentions)) derived.add(v);
        if (fl.cfg.nodes[id].kind === 'cond' && hasBoundCheck(syntax, mentions)) bounded = true;
      }
      const handedOver =
        derived.size > 0 &&
        fl.cfg.nodes.some(
          (n) => n.syntax && !pre.has(n.id) && heldBefore(fl, n.id).length > 0 && n.kind !== 'label' && mentionsAny(n.syntax, derived),
        );
      if (!bounded && !handedOver) continue;
      const reported = new Set<number>();
      for (const [id, later] of pre) {
        const uses = positionUses(fl.cfg.nodes[id].syntax!, pointers);
        if (uses.length === 0) continue;
        const use = uses[0];
        if (reported.has(use.startPosition.row)) continue;
        reported.add(use.startPosition.row);
        const name = use.text.replace(/\s+/g, '');
        const data: PosData = { lock: later.key, lockLine: later.line, member };
        context.report({
          file: h.file,
          line: use.startPosition.row,
          column: use.startPosition.column,
          endLine: use.endPosition.row,
          endColumn: use.endPosition.column,
          name,
          message: `'${name}' is checked before ${h.fn.name}() takes '${later.key}' (line ${later.line + 1}): a concurrent ${member}() on the same migration file can move the position between this check and the copy (check and use the file position under the file's lock).`,
          related: [
            { path: h.file.path, line: later.line, column: later.column, message: `'${later.key}' taken here` },
            ...wiringRelated(h),
          ],
          data,
        });
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    if (!file || !fixableText(file)) return [];
    return [suppressionFix(file, this.meta.id, finding.anchorLine, `this use of ${finding.name}`)];
  },
  explain(finding) {
    const data = finding.data as PosData | undefined;
    if (!data) return '';
    return [
      `**${finding.name}** is read before the handler takes **'${data.lock}'** (line ${data.lockLine + 1}).`,
      '',
      `A migration file is a stream: userspace may call ${data.member}() on it from several threads at once, and the VFS does not serialize the position of such a file. Another ${data.member}() can advance the position between this check and the copy made under the lock, so the copy runs at an offset that was never checked (two writers overflow the state buffer).`,
      '',
      `Take '${data.lock}' first, then check and use the position, and advance it before dropping the lock.`,
    ].join('\n');
  },
};

/** Variables a statement sets from something `mentions` accepts: `x = *pos + len`, `check_add_overflow(len, *pos, &end)`. */
function derivedTargets(syntax: SyntaxNode, mentions: (n: SyntaxNode) => boolean): string[] {
  const out: string[] = [];
  const nodes = syntax.descendantsOfType(['assignment_expression', 'init_declarator', 'call_expression']);
  if (['assignment_expression', 'init_declarator', 'call_expression'].includes(syntax.type)) nodes.unshift(syntax);
  for (const n of nodes) {
    if (n.type === 'call_expression') {
      if (!/^check_(?:add|sub|mul)_overflow$/.test(n.childForFieldName('function')?.text ?? '')) continue;
      const args = n.childForFieldName('arguments')?.namedChildren ?? [];
      const target = args[2]?.text.replace(/\s+/g, '');
      if (target?.startsWith('&') && args.slice(0, 2).some(mentions)) out.push(target.slice(1));
      continue;
    }
    const left = n.type === 'assignment_expression' ? n.childForFieldName('left') : n.childForFieldName('declarator');
    const right = n.type === 'assignment_expression' ? n.childForFieldName('right') : n.childForFieldName('value');
    if (left?.type === 'identifier' && right && mentions(right)) out.push(left.text);
  }
  return out;
}

const RELATIONAL = new Set(['<', '<=', '>', '>=']);

/** A comparison of the position (or a value derived from it) against a bound other than 0. */
function hasBoundCheck(syntax: SyntaxNode, mentions: (n: SyntaxNode) => boolean): boolean {
  const nodes = syntax.descendantsOfType('binary_expression');
  if (syntax.type === 'binary_expression') nodes.unshift(syntax);
  return nodes.some((b) => {
    if (!RELATIONAL.has(b.childForFieldName('operator')?.text ?? '')) return false;
    const l = b.childForFieldName('left');
    const r = b.childForFieldName('right');
    if (!l || !r) return false;
    const isZero = (n: SyntaxNode) => /^\(?0[uUlL]*\)?$/.test(n.text.trim());
    return (mentions(l) && !isZero(r)) || (mentions(r) && !isZero(l));
  });
}

/** Lock keys acquired on every path from the entry to each node (before it). */
function everAcquired(fl: FunctionLocks): (ReadonlySet<string> | undefined)[] {
  const all = new Set<string>();
  for (const ops of fl.ops) for (const op of ops) if (op.kind !== 'release') all.add(op.hold.key);
  return solveForward<ReadonlySet<string>>(fl.cfg, {
    initial: new Set(),
    transfer: (node, before) => {
      const ops = fl.ops[node.id];
      if (!ops.some((o) => o.kind !== 'release')) return before;
      const out = new Set(before);
      for (const op of ops) if (op.kind !== 'release') out.add(op.hold.key);
      return out;
    },
    join: (a, b) => new Set([...a].filter((k) => b.has(k))),
    equals: (a, b) => a.size === b.size && [...a].every((k) => b.has(k)),
  }).before;
}

/** The nearest acquisition reachable from `from` of a lock not yet taken on the way to `from`. */
function laterAcquisition(
  fl: FunctionLocks,
  from: number,
  taken: ReadonlySet<string>,
): { key: string; line: number; column: number } | undefined {
  const seen = new Set<number>([from]);
  let frontier = [from];
  while (frontier.length) {
    const next: number[] = [];
    for (const id of frontier) {
      for (const op of fl.ops[id]) {
        if (id !== from && op.kind !== 'release' && !taken.has(op.hold.key)) {
          return { key: op.hold.key, line: op.hold.line, column: op.hold.column };
        }
      }
      for (const s of fl.cfg.nodes[id].succ) {
        if (!seen.has(s)) {
          seen.add(s);
          next.push(s);
        }
      }
    }
    frontier = next;
  }
  return undefined;
}
