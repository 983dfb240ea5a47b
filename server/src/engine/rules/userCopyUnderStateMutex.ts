import { fixableText, suppressionFix } from '../fixes/edits';
import { lastMember } from '../flow/lockOps';
import { forEachCallHeld } from '../flow/lockQueries';
import { lockIndex, type LockIndex } from '../flow/locks';
import type { DriverModel } from '../model/driver';
import { STATE_MUTEX_NAME, USER_COPY_APIS, USER_COPY_TEXT } from '../tables/userspace';
import type { Rule } from './rule';

interface CopyData {
  lock: string;
  lockApi: string;
  lockLine: number;
}

/** Member names of the device's state mutex: `*state_mutex*`, and what migration_set_state takes first. */
export function stateMutexMembers(model: DriverModel, locks: LockIndex): Set<string> {
  const out = new Set<string>();
  for (const h of model.handlers) {
    if (!h.wiring.some((w) => w.member === 'migration_set_state')) continue;
    const fl = locks.of(h.file, h.fn);
    const first = fl?.ops.flat().find((o) => o.kind === 'acquire' && o.hold.family === 'mutex');
    if (first && first.kind === 'acquire') out.add(lastMember(first.hold.key));
  }
  return out;
}

/** A user copy while the device state mutex is held: page faults take mmap_lock under it. */
export const userCopyUnderStateMutex: Rule = {
  meta: {
    id: 'user-copy-under-state-mutex',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      "copy_to_user()/copy_from_user()/get_user()/put_user() while the device's migration state mutex is held: a page fault takes mmap_lock under it, inverting the lock order against mmap and reset.",
    docs: 'docs/rules/user-copy-under-state-mutex.md',
    fixable: false,
    flow: true,
  },
  create(context) {
    const locks = lockIndex(context.model, context.flow);
    const setStateLocks = stateMutexMembers(context.model, locks);
    const isStateMutex = (key: string) => STATE_MUTEX_NAME.test(lastMember(key)) || setStateLocks.has(lastMember(key));
    for (const file of context.model.files) {
      for (const fn of file.facts.functions) {
        if (!USER_COPY_TEXT.test(file.text.slice(fn.start, fn.end))) continue;
        const fl = locks.of(file, fn);
        if (!fl) continue;
        forEachCallHeld(
          fl,
          (callee) => USER_COPY_APIS.has(callee),
          (_node, call, held) => {
            const h = held.find((x) => x.family === 'mutex' && isStateMutex(x.key));
            if (!h) return;
            const data: CopyData = { lock: h.key, lockApi: h.api, lockLine: h.line };
            context.report({
              file,
              line: call.line,
              column: call.column,
              name: call.callee,
              message: `${call.callee}() runs with '${h.key}' held (taken on line ${h.line + 1}): a page fault takes mmap_lock under the state mutex, the reverse of the mmap/reset order (copy user memory after unlocking).`,
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
    if (!file || !fixableText(file)) return [];
    return [suppressionFix(file, this.meta.id, finding.anchorLine, `this ${finding.name}() call`)];
  },
  explain(finding) {
    const data = finding.data as CopyData | undefined;
    if (!data) return '';
    return [
      `**${finding.name}()** touches user memory while **'${data.lock}'** is held (taken with ${data.lockApi}() on line ${data.lockLine + 1}).`,
      '',
      "A user copy can fault, and the fault handler takes the process's mmap_lock: the order here is state mutex → mmap_lock. Elsewhere the order is the reverse: vfio-pci's mmap fault path holds mmap_lock and takes the device's memory lock, and reset (which runs with that lock held) takes the state mutex. Lockdep reports the cycle and two threads of the VMM can deadlock.",
      '',
      'Copy the user data into a local before taking the state mutex, or copy the result out after releasing it (`mutex_unlock(); return copy_to_user(...) ? -EFAULT : 0;`).',
    ].join('\n');
  },
};
