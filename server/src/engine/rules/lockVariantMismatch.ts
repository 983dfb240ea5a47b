import { fixableText, quickFix, replaceRange, suppressionFix } from '../fixes/edits';
import { type HeldLock } from '../flow/lockOps';
import { forEachLockOp } from '../flow/lockQueries';
import { lockIndex } from '../flow/locks';
import { LOCK_APIS, LOCK_FAMILIES } from '../tables/locks';
import type { Rule } from './rule';

interface MismatchData {
  /** The unlock call's range and the replacement text of the preferred fix. */
  start: number;
  end: number;
  replacement: string;
  lockApi: string;
  lockLine: number;
  effect: string;
}

/** What goes wrong when `unlock` releases a lock taken with `lock`. */
export function mismatchEffect(lock: string, unlock: string): string {
  const l = LOCK_APIS.get(lock);
  const u = LOCK_APIS.get(unlock);
  if (!l || !u) return 'the release does not undo what the acquisition did';
  if (l.family !== u.family)
    return `a ${LOCK_FAMILIES[l.family].name} is released through the ${LOCK_FAMILIES[u.family].name} API, corrupting the lock`;
  if (l.side && u.side && l.side !== u.side) return `a ${l.side} hold is released as a ${u.side} hold, corrupting the lock`;
  const v = (name: string) =>
    /_irqsave|_irqrestore/.test(name) ? 'irqsave' : /_irq\b|_irq$/.test(name) ? 'irq' : /_bh$/.test(name) ? 'bh' : 'plain';
  const lv = v(lock);
  const uv = v(unlock);
  if (uv === 'irq' && lv === 'plain')
    return 'interrupts are re-enabled that the lock never disabled, under a caller that may hold them off';
  if (uv === 'irq' && lv === 'irqsave') return 'interrupts are re-enabled instead of restored, under a caller that may hold them off';
  if (uv === 'irqsave' && lv === 'plain') return 'interrupt state is "restored" from flags the lock never saved';
  if (uv === 'irqsave' && lv === 'irq') return 'interrupt state is restored from flags the lock never saved instead of re-enabled';
  if (uv === 'plain' && (lv === 'irq' || lv === 'irqsave')) return 'interrupts stay disabled after the lock is released';
  if (uv === 'bh' || lv === 'bh') return 'bottom halves stay disabled, or are enabled that were never disabled';
  return 'the release does not undo what the acquisition did';
}

/** Whether some acquisition and some release the function calls do not pair (else nothing to check). */
function mayMismatch(apis: Set<string>): boolean {
  const releases = [...apis].filter((a) => LOCK_APIS.get(a)?.kind === 'unlock');
  if (releases.length === 0) return false;
  for (const a of apis) {
    const api = LOCK_APIS.get(a);
    if (api?.unlock && releases.some((r) => r !== api.unlock)) return true;
  }
  return false;
}

/** A lock released with a different API variant than it was taken with. */
export const lockVariantMismatch: Rule = {
  meta: {
    id: 'lock-variant-mismatch',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      'A lock is released with an unlock variant that does not pair with how it was taken (spin_lock/spin_unlock_irq, _irqsave/plain, mutex/spinlock, read/write).',
    docs: 'docs/rules/lock-variant-mismatch.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    const locks = lockIndex(context.model, context.flow);
    for (const file of context.model.files) {
      for (const fn of file.facts.functions) {
        if (!mayMismatch(locks.directLockApis(file, fn))) continue;
        const fl = locks.of(file, fn);
        if (!fl) continue;
        const seen = new Set<number>();
        forEachLockOp(fl, (_node, op, held) => {
          if (op.kind !== 'release' || op.via || !op.apiInfo || seen.has(op.call.node.startIndex)) return;
          const holds = held.filter((h) => h.key === op.key && !h.via && !h.scope && h.unlock);
          if (holds.length === 0 || holds.some((h) => h.unlock === op.api)) return;
          seen.add(op.call.node.startIndex);
          const h: HeldLock = holds[0];
          const effect = mismatchEffect(h.api, op.api);
          const lockArg = op.call.argNodes[0];
          const args = [lockArg ? file.text.slice(lockArg.startIndex, lockArg.endIndex) : op.call.args[0]];
          const unlockApi = LOCK_APIS.get(h.unlock!);
          if (unlockApi?.flagsArg !== undefined) args.push(h.flags ?? 'flags');
          const data: MismatchData = {
            start: op.call.node.startIndex,
            end: op.call.node.endIndex,
            replacement: `${h.unlock}(${args.join(', ')})`,
            lockApi: h.api,
            lockLine: h.line,
            effect,
          };
          context.report({
            file,
            line: op.call.line,
            column: op.call.column,
            name: op.api,
            message: `${op.api}() releases '${op.key}' taken with ${h.api}() on line ${h.line + 1}: ${effect} (an unlock must pair with its lock variant).`,
            related: [{ path: file.path, line: h.line, column: h.column, message: `'${op.key}' taken with ${h.api}()` }],
            data,
          });
        });
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    const data = finding.data as MismatchData | undefined;
    if (!file || !data || !fixableText(file)) return [];
    return [
      quickFix(file, `Release with ${data.replacement}`, [replaceRange(file, data.start, data.end, data.replacement)], true),
      suppressionFix(file, this.meta.id, finding.anchorLine, `this ${finding.name}() call`),
    ];
  },
  explain(finding) {
    const data = finding.data as MismatchData | undefined;
    if (!data) return '';
    return [
      `**${finding.name}()** releases a lock taken with **${data.lockApi}()** (line ${data.lockLine + 1}).`,
      '',
      `At run time ${data.effect}. Each lock variant saves or changes CPU state (interrupts, bottom halves, the lock's own type) that only its own unlock variant undoes.`,
      '',
      `Use \`${data.replacement}\`, or take the lock with the variant this release expects.`,
    ].join('\n');
  },
};
