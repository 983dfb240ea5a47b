import { fixableText, insertLines, quickFix, suppressionFix } from '../fixes/edits';
import type { FlowNode } from '../flow/cfg';
import { enclosingLoop, type FunctionLocks, type HeldLock } from '../flow/lockOps';
import { forEachLockOp, mustHeldBefore, returnStates } from '../flow/lockQueries';
import { lockIndex } from '../flow/locks';
import { LOCK_APIS, LOCK_HELPER_NAME } from '../tables/locks';
import type { Rule } from './rule';

interface ImbalanceData {
  key: string;
  lockApi: string;
  lockLine: number;
  /** The release line the preferred fix inserts above the return, if one is safe. */
  insert?: { line: number; text: string };
}

/** A way out of the function that leaves a lock held, when other ways out release it. */
export const lockImbalance: Rule = {
  meta: {
    id: 'lock-imbalance',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'A return (or a goto to a label that returns) leaves a lock held on some path while the function releases it on others.',
    docs: 'docs/rules/lock-imbalance.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    const locks = lockIndex(context.model, context.flow);
    for (const file of context.model.files) {
      for (const fn of file.facts.functions) {
        if (LOCK_HELPER_NAME.test(fn.name)) continue;
        // Only a function that takes a lock itself (guards release themselves) can leave one held.
        if (![...locks.directLockApis(file, fn)].some((a) => LOCK_APIS.get(a)?.unlock)) continue;
        if (!exitBetweenLockAndUnlock(file.text.slice(fn.start, fn.end))) continue;
        const fl = locks.of(file, fn);
        if (!fl) continue;
        const head = file.text.slice(fn.start, fl.cfg.body.startIndex);
        if (/\b__acquires\s*\(/.test(head)) continue;
        const exits = returnStates(fl);
        const holdsAt = exits.map((e) => [...e.held.values()].filter((h) => !h.scope && !h.pending));
        const keys = new Set(holdsAt.flatMap((hs) => hs.map((h) => h.key)));
        if (keys.size === 0) continue;
        const always = new Set(mustHeldBefore(fl, fl.cfg.exit).map((h) => h.key));
        // The last way out (the main path): a lock held there is what the function hands its caller.
        // The main way out: the last one that is not part of an error-unwind chain after a label.
        const main = exits.filter((e) => !afterLabel(e.node));
        const last = main.reduce<(typeof exits)[number] | undefined>(
          (a, b) => (!a || exitOffset(fl, b.node) > exitOffset(fl, a.node) ? b : a),
          undefined,
        );
        const lastMust = new Set(last ? mustAfterOps(fl, last.node).map((h) => h.key) : []);
        const callers = callerHeldKeys(fl);
        for (const key of keys) {
          // Held on every path out, or on the main one: the function exists to take it for its caller.
          if (always.has(key) || lastMust.has(key)) continue;
          // Released before it is taken: the caller's lock, dropped and retaken around a call.
          if (callers.has(key)) continue;
          // Never released here: a helper that takes the lock for its caller (maybe conditionally).
          const releases = fl.ops.flat().filter((o) => o.kind === 'release' && o.key === key);
          if (releases.length === 0) continue;
          // A lock per list element, taken in one loop and released in another: beyond a per-path count.
          const loops = new Set(releases.map((o) => enclosingLoop(fl.file, o.call.node)?.id));
          const taken = holdsAt.flat().filter((h) => h.key === key);
          if (taken.some((h) => isInOtherLoop(fl, h, loops))) continue;
          const done = new Set<number>();
          exits.forEach((e, i) => {
            const hold = holdsAt[i].find((h) => h.key === key);
            if (!hold) return;
            for (const site of culprits(fl, e.node, key)) {
              if (done.has(site.id)) continue;
              done.add(site.id);
              reportAt(context, fl, site, hold, e.node === site);
            }
          });
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    const data = finding.data as ImbalanceData | undefined;
    if (!file || !data || !fixableText(file)) return [];
    const fixes = [];
    if (data.insert)
      fixes.push(quickFix(file, `Release '${data.key}' before returning`, [insertLines(file, data.insert.line, [data.insert.text])], true));
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, 'this exit'));
    return fixes;
  },
  explain(finding) {
    const data = finding.data as ImbalanceData | undefined;
    if (!data) return '';
    return [
      `**'${data.key}'** is taken with **${data.lockApi}()** on line ${data.lockLine + 1} and is still held when the function leaves here, while its other exits release it.`,
      '',
      "At run time the next thread that takes the lock (the migration file's next read or write, a reset, a state change) waits forever; for a spinlock, the CPU spins with preemption (and maybe interrupts) disabled.",
      '',
      'Release it on this path (usually by jumping to the unlock label instead of returning), or, if the function is meant to return with the lock held, name it `*_lock()` or annotate it `__acquires(lock)`.',
    ].join('\n');
  },
};

/** The goto statements that lead from a held lock straight to this return, or the return itself. */
function culprits(fl: FunctionLocks, exit: FlowNode, key: string): FlowNode[] {
  if (isJump(exit)) return [exit];
  const preds = predecessors(fl);
  const out: FlowNode[] = [];
  const seen = new Set<number>([exit.id]);
  const work = [exit.id];
  while (work.length) {
    const id = work.pop()!;
    for (const p of preds[id]) {
      if (seen.has(p)) continue;
      seen.add(p);
      const n = fl.cfg.nodes[p];
      const holds = (fl.after[p] ? [...fl.after[p]!.values()] : []).some((h) => h.key === key && !h.pending && !h.scope);
      if (!holds) continue;
      if (isJump(n)) out.push(n);
      else if ((n.kind === 'label' || (n.kind === 'stmt' && fl.ops[p].length === 0)) && n.succ.length === 1) work.push(p);
    }
  }
  return out.length ? out : [exit];
}

/** Must-held after a node's own lock operations (a return statement that releases in its expression). */
function mustAfterOps(fl: FunctionLocks, n: FlowNode): HeldLock[] {
  const held = mustHeldBefore(fl, n.id);
  const released = new Set(fl.ops[n.id].filter((o) => o.kind === 'release').map((o) => (o.kind === 'release' ? o.key : '')));
  return held.filter((h) => !released.has(h.key));
}

function isInOtherLoop(fl: FunctionLocks, h: HeldLock, releaseLoops: Set<number | undefined>): boolean {
  const node = fl.cfg.body.descendantForIndex(h.offset);
  const loop = node && enclosingLoop(fl.file, node);
  return !!loop && [...releaseLoops].some((l) => l !== undefined && l !== loop.id);
}

/** A return inside an unwind chain: after a label in its block (or labelled itself). */
function afterLabel(n: FlowNode): boolean {
  const stmt = n.kind === 'return' ? n.syntax : undefined;
  if (!stmt) return false;
  if (stmt.parent?.type === 'labeled_statement') return true;
  for (let s = stmt.previousNamedSibling; s; s = s.previousNamedSibling) if (s.type === 'labeled_statement') return true;
  return false;
}

const CALL = /\b([A-Za-z_]\w*)\s*\(/g;

/**
 * Text screen: a way out (`return`, `goto`, `break`) between the first acquisition and
 * the last release. Without one no path can leave with the lock while another releases it.
 */
function exitBetweenLockAndUnlock(text: string): boolean {
  let first = -1;
  let last = -1;
  CALL.lastIndex = 0;
  for (let m = CALL.exec(text); m; m = CALL.exec(text)) {
    const api = LOCK_APIS.get(m[1]);
    if (api && api.kind !== 'unlock' && first < 0) first = m.index;
    if ((api?.kind === 'unlock' || (!api && /unlock|release/.test(m[1]))) && m.index > last) last = m.index;
  }
  return first >= 0 && last > first && /\b(?:return|goto|break)\b/.test(text.slice(first, last));
}

function exitOffset(fl: FunctionLocks, n: FlowNode): number {
  return n.kind === 'return' && n.syntax ? n.syntax.startIndex : fl.fn.end;
}

/** Locks the function releases where it does not hold them: its caller's. */
function callerHeldKeys(fl: FunctionLocks): Set<string> {
  const out = new Set<string>();
  forEachLockOp(fl, (_n, op, held) => {
    if (op.kind === 'release' && !held.some((h) => h.key === op.key)) out.add(op.key);
  });
  return out;
}

function isJump(n: FlowNode): boolean {
  return n.syntax?.type === 'goto_statement' || n.syntax?.type === 'break_statement';
}

const predCache = new WeakMap<FunctionLocks, number[][]>();
function predecessors(fl: FunctionLocks): number[][] {
  let preds = predCache.get(fl);
  if (!preds) {
    preds = fl.cfg.nodes.map(() => []);
    for (const n of fl.cfg.nodes) for (const s of n.succ) preds[s].push(n.id);
    predCache.set(fl, preds);
  }
  return preds;
}

function reportAt(
  context: Parameters<typeof lockImbalance.create>[0],
  fl: FunctionLocks,
  site: FlowNode,
  hold: HeldLock,
  isExit: boolean,
): void {
  const file = fl.file;
  const fallOff = isExit && site.kind !== 'return' && !isJump(site);
  const syntax = fallOff ? undefined : site.syntax;
  const pos = syntax ? syntax.startPosition : { row: fl.fn.endLine, column: 0 };
  const endPos = syntax && syntax.endPosition.row === pos.row ? syntax.endPosition.column : pos.column + 1;
  const how =
    syntax?.type === 'goto_statement'
      ? `goto ${syntax.childForFieldName('label')?.text ?? ''}`
      : syntax?.type === 'return_statement'
        ? 'return'
        : syntax?.type === 'break_statement'
          ? 'break to the end'
          : 'falling off the end';
  const data: ImbalanceData = { key: hold.key, lockApi: hold.api, lockLine: hold.line };
  const unlock = hold.unlock && LOCK_APIS.get(hold.unlock);
  if (isExit && syntax?.type === 'return_statement' && syntax.parent?.type === 'compound_statement' && unlock && hold.arg && !hold.via) {
    // Only when every path to this return holds the lock: otherwise the release would be a double unlock.
    if (mustHeldBefore(fl, site.id).some((h) => h.key === hold.key)) {
      const args = unlock.noArg ? '' : [hold.arg, ...(unlock.flagsArg !== undefined ? [hold.flags ?? 'flags'] : [])].join(', ');
      data.insert = { line: pos.row, text: `${file.lines.indentOf(pos.row)}${unlock.name}(${args});` };
    }
  }
  context.report({
    file,
    line: pos.row,
    column: pos.column,
    endLine: pos.row,
    endColumn: endPos,
    name: hold.key,
    message: `${how} leaves '${hold.key}' held (taken with ${hold.api}() on line ${hold.line + 1}) while other paths release it: the next taker deadlocks (a function must release on every path what it takes).`,
    related: [{ path: file.path, line: hold.line, column: hold.column, message: `'${hold.key}' taken here` }],
    data,
  });
}
