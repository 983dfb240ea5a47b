import { fixableText, quickFix, replaceRange, suppressionFix } from '../fixes/edits';
import { callsIn } from '../flow/calls';
import { functionNode } from '../flow/cfg';
import { isAtomicFamily } from '../flow/lockOps';
import { forEachCallHeld } from '../flow/lockQueries';
import { lockIndex, type LockIndex } from '../flow/locks';
import { LOCK_FAMILIES } from '../tables/locks';
import { ATOMIC_LOCK_TEXT, GFP_ALLOCATORS, sleepingCall } from '../tables/sleeping';
import type { Rule } from './rule';

interface SleepData {
  lock: string;
  lockApi: string;
  lockLine: number;
  reason: string;
  chain: string[];
  /** A GFP_KERNEL-style flag in this call that GFP_ATOMIC replaces. */
  gfp?: { start: number; end: number; text: string };
}

interface SleepSite {
  reason: string;
  chain: string[];
}

/** Whether a driver function may sleep: a sleeping call in it or (up to a few levels) in the driver functions it calls. */
function sleeps(locks: LockIndex, name: string, memo: Map<string, SleepSite | null>, depth: number): SleepSite | undefined {
  const hit = memo.get(name);
  if (hit !== undefined) return hit ?? undefined;
  memo.set(name, null);
  const def = locks.definition(name);
  const body = def && functionNode(def.file.parsed.tree, def.fn)?.childForFieldName('body');
  let found: SleepSite | undefined;
  if (def && body) {
    for (const c of callsIn(body, def.file.parsed.masked)) {
      const reason = sleepingCall(c.callee, c.args);
      if (reason) {
        found = { reason: `${reason} (${def.file.path.split(/[\\/]/).pop()}:${c.line + 1})`, chain: [name] };
        break;
      }
    }
    if (!found && depth > 0) {
      for (const c of callsIn(body, def.file.parsed.masked)) {
        if (c.callee === name || !locks.definition(c.callee)) continue;
        const inner = sleeps(locks, c.callee, memo, depth - 1);
        if (inner) {
          found = { reason: inner.reason, chain: [name, ...inner.chain] };
          break;
        }
      }
    }
  }
  memo.set(name, found ?? null);
  return found;
}

/** A call that may sleep made while a spinlock (or rwlock, or RCU read lock) is held. */
export const sleepInAtomic: Rule = {
  meta: {
    id: 'sleep-in-atomic',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      'A call that may sleep (mutex_lock, GFP_KERNEL allocation, copy_*_user, msleep, wait_for_*...) is made, directly or through a driver helper, while a spinlock is held.',
    docs: 'docs/rules/sleep-in-atomic.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    const locks = lockIndex(context.model, context.flow);
    const memo = new Map<string, SleepSite | null>();
    for (const file of context.model.files) {
      for (const fn of file.facts.functions) {
        if (!ATOMIC_LOCK_TEXT.test(file.text.slice(fn.start, fn.end))) continue;
        const fl = locks.of(file, fn);
        if (!fl) continue;
        forEachCallHeld(
          fl,
          () => true,
          (_node, call, held) => {
            const h = held.find((x) => isAtomicFamily(x.family));
            if (!h) return;
            let reason = sleepingCall(call.callee, call.args);
            let chain: string[] = [];
            if (!reason && locks.definition(call.callee) && call.callee !== fn.name) {
              const site = sleeps(locks, call.callee, memo, 2);
              if (site) {
                reason = site.reason;
                chain = site.chain;
              }
            }
            if (!reason) return;
            const data: SleepData = { lock: h.key, lockApi: h.api, lockLine: h.line, reason, chain };
            const gfpIndex = GFP_ALLOCATORS.get(call.callee);
            const flagNode = gfpIndex !== undefined && gfpIndex >= 0 ? call.argNodes[gfpIndex] : undefined;
            if (flagNode && chain.length === 0) {
              const text = file.text.slice(flagNode.startIndex, flagNode.endIndex);
              const m = /\bGFP_KERNEL\b/.exec(text);
              if (m && text.trim() === 'GFP_KERNEL') data.gfp = { start: flagNode.startIndex, end: flagNode.endIndex, text: 'GFP_ATOMIC' };
            }
            const what = chain.length
              ? `${call.callee}() may sleep (${chain
                  .slice(1)
                  .map((c) => `${c}() → `)
                  .join('')}${reason})`
              : reason;
            const kind = LOCK_FAMILIES[h.family]?.name ?? h.family;
            context.report({
              file,
              line: call.line,
              column: call.column,
              name: call.callee,
              message: `${what} while ${kind} '${h.key}' is held (taken on line ${h.line + 1}): sleeping in atomic context can deadlock or corrupt scheduling (no sleeping under a spinlock).`,
              related: [{ path: file.path, line: h.line, column: h.column, message: `'${h.key}' taken with ${h.api}()` }],
              data,
            });
          },
        );
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    const data = finding.data as SleepData | undefined;
    if (!file || !data || !fixableText(file)) return [];
    const fixes = [];
    if (data.gfp)
      fixes.push(quickFix(file, 'Allocate with GFP_ATOMIC', [replaceRange(file, data.gfp.start, data.gfp.end, data.gfp.text)], true));
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, `this ${finding.name}() call`));
    return fixes;
  },
  explain(finding) {
    const data = finding.data as SleepData | undefined;
    if (!data) return '';
    return [
      `**${finding.name}()** ${data.chain.length ? `reaches ${data.reason} through ${data.chain.map((c) => `${c}()`).join(' → ')}` : `— ${data.reason}`}, while **'${data.lock}'** is held (taken with ${data.lockApi}() on line ${data.lockLine + 1}).`,
      '',
      'A spinlock (and an rwlock, and an RCU read-side section) makes the context atomic: preemption is off, and with the `_irq`/`_irqsave` variants interrupts too. A call that sleeps there schedules away while holding the lock: another CPU spinning on it waits for a task that may never run again on this CPU, and with interrupts off the system can hang. `CONFIG_DEBUG_ATOMIC_SLEEP` reports "BUG: sleeping function called from invalid context".',
      '',
      'Move the call out of the locked region (allocate before taking the lock, copy user data after releasing it), use a mutex if every user may sleep, or allocate with `GFP_ATOMIC` when the allocation must happen under the lock.',
    ].join('\n');
  },
};
