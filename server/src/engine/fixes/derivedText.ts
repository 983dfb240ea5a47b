/**
 * The facts derived from the code (model/derived.ts), phrased for templates: what a
 * reviewer would otherwise ask the author to type. Questions the code cannot answer
 * stay `TODO:` prompts in templates.ts.
 */
import { boundsChecks, locksTaken, releaseFacts, stateArcs } from '../model/derived';
import type { DriverModel, HandlerItem, ParentCallItem } from '../model/driver';
import type { DerivedFacts } from './templates';

const fnList = (names: string[]) => names.map((n) => `${n}()`).join(', ');

/** What the code says about a handler, by role. */
export function handlerFacts(model: DriverModel, h: HandlerItem): DerivedFacts {
  const roles = new Set(h.wiring.map((w) => w.member));
  const paragraphs: DerivedFacts['paragraphs'] = [];
  if (roles.has('migration_set_state')) {
    const arcs = stateArcs(model, h);
    if (arcs.length) {
      paragraphs.push({
        heading: 'State arcs handled',
        text: `(from the code of ${fnList([...new Set(arcs.map((a) => a.where))])}):`,
        items: arcs.map((a) => {
          const calls = a.parentCalls.length
            ? `parent calls ${a.parentCalls.map((c) => `${c.callee}() (${c.parent})`).join(', ')}`
            : 'no parent call';
          return `${a.from} -> ${a.to}: ${calls}.`;
        }),
      });
    } else {
      paragraphs.push({
        heading: 'State arcs handled:',
        text: 'none found as "cur == VFIO_DEVICE_STATE_X && new == VFIO_DEVICE_STATE_Y" conditions. TODO: list the arcs.',
      });
    }
  }
  if (roles.has('read') || roles.has('write')) {
    const b = boundsChecks(h);
    if (b.pos || b.len) {
      const what = [b.pos && `*${b.pos}`, b.len].filter(Boolean).join(' and ');
      paragraphs.push(
        b.checks.length
          ? { heading: `Bounds on ${what}:`, text: 'checks found in this function:', items: b.checks }
          : { heading: `Bounds on ${what}:`, text: 'none found in this function. TODO: say what bounds them.' },
      );
    }
  }
  if (roles.has('read') || roles.has('write') || roles.has('unlocked_ioctl') || roles.has('migration_set_state')) {
    const { locks, helpers } = locksTaken({ file: h.file, fn: h.fn });
    const taken = [...locks, ...helpers.map((x) => `${x}()`)];
    paragraphs.push({
      heading: 'Locking:',
      text: taken.length ? `takes ${taken.join(', ')}.` : 'no lock taken in this function. TODO: say what serializes it.',
    });
  }
  if (roles.has('release')) {
    const r = releaseFacts(model, h);
    paragraphs.push({
      heading: 'Frees:',
      text: r.frees.length
        ? `${fnList(r.frees)} (called here or in the driver functions it calls).`
        : 'no freeing call found. TODO: say what it releases.',
    });
    let lock: string;
    if (!r.reset)
      lock = r.locks.length ? `takes ${r.locks.join(', ')}; no reset_done handler found.` : 'takes no lock; no reset_done handler found.';
    else if (r.sharedWithReset.length)
      lock = `takes ${r.sharedWithReset.join(', ')}, which the reset path (${fnList(r.reset.fns)}) also takes.`;
    else
      lock = `does not take the lock the reset path (${fnList(r.reset.fns)}) takes (${r.reset.locks.join(', ') || 'none'}). TODO: say why a concurrent reset is safe.`;
    paragraphs.push({ heading: 'Locking:', text: lock });
  }
  return { paragraphs };
}

/** One-line summaries of the parent APIs called, from their kernel-doc in the kernel tree (when the workspace found one). */
export function apiSummaries(model: DriverModel, calls: ParentCallItem[]): Map<string, string> {
  const out = new Map<string, string>();
  if (!model.apiDocs) return out;
  for (const c of calls) {
    if (out.has(c.call.callee)) continue;
    const doc = model.apiDocs.lookup(c);
    if (doc?.summary) out.set(c.call.callee, `${doc.summary} (${doc.relPath})`);
  }
  return out;
}
