import { fixableText, suppressionFix } from '../fixes/edits';
import type { DriverModel } from '../model/driver';
import type { CallFact } from '../model/facts';
import type { SourceFile } from '../model/sourceFile';
import { LOCK_APIS, LOCK_FAMILIES } from '../tables/locks';
import type { Rule } from './rule';

interface LifecycleData {
  member: string;
  problem: 'not-destroyed' | 'open-device';
  root: string;
  other?: string;
}

const RESET_MEMBERS = new Set(['reset_prepare', 'reset_done', 'error_detected', 'slot_reset', 'resume']);

/** Driver functions reachable from `root` through direct calls (root included). */
function reachable(calls: Map<string, CallFact[]>, defined: Set<string>, root: string): Set<string> {
  const out = new Set<string>();
  const work = [root];
  while (work.length) {
    const f = work.pop()!;
    if (out.has(f) || !defined.has(f)) continue;
    out.add(f);
    for (const c of calls.get(f) ?? []) work.push(c.callee);
  }
  return out;
}

/** The member a lock argument names: `&mvdev->state_mutex` -> `state_mutex`. */
function memberOf(call: CallFact): string | undefined {
  const a = call.args[0];
  if (!a) return undefined;
  return a.fields[a.fields.length - 1] ?? a.idents[a.idents.length - 1];
}

/** Device locks set up in the wrong place: in open_device, or in .init with no mutex_destroy() in .release. */
export const lockLifecycle: Rule = {
  meta: {
    id: 'lock-lifecycle',
    type: 'problem',
    defaultSeverity: 'warning',
    description:
      'A device lock is initialised in open_device although reset/error/close paths use it, or a mutex initialised in .init is never destroyed in .release.',
    docs: 'docs/rules/lock-lifecycle.md',
    fixable: false,
  },
  create(context) {
    const model: DriverModel = context.model;
    const calls = new Map<string, CallFact[]>();
    const defined = new Set<string>();
    const fileOf = new Map<CallFact, SourceFile>();
    for (const file of model.files) {
      for (const fn of file.facts.functions) defined.add(fn.name);
      for (const c of file.facts.calls) {
        if (!c.fn) continue;
        const list = calls.get(c.fn) ?? [];
        list.push(c);
        calls.set(c.fn, list);
        fileOf.set(c, file);
      }
    }
    const roots = (struct: string, members: Set<string>) => {
      const out: { member: string; fn: string }[] = [];
      for (const file of model.files)
        for (const init of file.facts.opsInits)
          if (init.structType === struct) for (const m of init.members) if (members.has(m.member)) out.push({ member: m.member, fn: m.fn });
      return out;
    };
    const inits = (fns: Set<string>) => {
      const out: { call: CallFact; member: string; family: string }[] = [];
      for (const f of fns)
        for (const c of calls.get(f) ?? []) {
          const family = Object.entries(LOCK_FAMILIES).find(([, fam]) => fam.init === c.callee)?.[0];
          const member = family && memberOf(c);
          if (family && member) out.push({ call: c, member, family });
        }
      return out;
    };
    const seen = new Set<CallFact>();
    const report = (call: CallFact, data: LifecycleData, message: string) => {
      if (seen.has(call)) return;
      seen.add(call);
      // On the lock's name in the call's argument, where the squiggle says what it is about.
      const file = fileOf.get(call)!;
      const at = file.text.indexOf(data.member, call.start);
      const pos = at >= 0 && at - call.start < 512 ? file.lines.positionAt(at) : { line: call.line, character: call.column };
      context.report({ file, line: pos.line, column: pos.character, name: data.member, message, data });
    };
    const devOps = roots('vfio_device_ops', new Set(['init', 'release', 'open_device', 'close_device']));
    const resetRoots = roots('pci_error_handlers', RESET_MEMBERS);
    const users = new Set<string>();
    for (const r of [...resetRoots, ...devOps.filter((o) => o.member === 'close_device' || o.member === 'release')])
      for (const f of reachable(calls, defined, r.fn)) users.add(f);
    const acquiredIn = (member: string, fns: Set<string>) =>
      [...fns].some((f) =>
        (calls.get(f) ?? []).some((c) => LOCK_APIS.get(c.callee)?.kind !== 'unlock' && LOCK_APIS.has(c.callee) && memberOf(c) === member),
      );
    for (const op of devOps) {
      if (op.member === 'open_device') {
        for (const i of inits(reachable(calls, defined, op.fn))) {
          if (!acquiredIn(i.member, users)) continue;
          report(
            i.call,
            { member: i.member, problem: 'open-device', root: op.fn },
            `'${i.member}' is initialised in open_device (${op.fn}()) but reset/close paths take it: a reset before the first open uses an uninitialised lock, and each open re-initialises a lock others may hold (initialise device locks in .init).`,
          );
        }
      }
      if (op.member === 'init') {
        const release = devOps.find((o) => o.member === 'release' && devOps.indexOf(o) >= 0 && sameOps(devOps, o, op));
        const releaseFns = release ? reachable(calls, defined, release.fn) : new Set<string>();
        for (const i of inits(reachable(calls, defined, op.fn))) {
          const destroy = LOCK_FAMILIES[i.family].destroy;
          if (!destroy) continue;
          const destroyed = [...releaseFns].some((f) => (calls.get(f) ?? []).some((c) => c.callee === destroy && memberOf(c) === i.member));
          if (destroyed) continue;
          report(
            i.call,
            { member: i.member, problem: 'not-destroyed', root: op.fn, other: release?.fn },
            `'${i.member}' is initialised in .init (${op.fn}()) but .release (${release?.fn ?? 'none'}()) never calls ${destroy}() on it: the lock's debug state outlives the device (pair ${LOCK_FAMILIES[i.family].init}() in .init with ${destroy}() in .release).`,
          );
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    if (!file || !fixableText(file)) return [];
    return [suppressionFix(file, this.meta.id, finding.anchorLine, `the lifecycle of '${finding.name}'`)];
  },
  explain(finding) {
    const data = finding.data as LifecycleData | undefined;
    if (!data) return '';
    if (data.problem === 'open-device')
      return [
        `**'${data.member}'** is initialised from \`${data.root}()\` (\`.open_device\`), but the reset/error or close paths take it.`,
        '',
        'PCI reset and AER callbacks can run while the device is not open, before the first open or after the last close: they then take a lock that was never initialised (or was destroyed). Each open re-initialises the lock while another path may hold it. Device-lifetime locks belong in `.init` (and `mutex_destroy()` in `.release`).',
      ].join('\n');
    return [
      `**'${data.member}'** is initialised from \`${data.root}()\` (\`.init\`), and \`.release\` (${data.other ? `\`${data.other}()\`` : 'none'}) never destroys it.`,
      '',
      "`mutex_destroy()` is how a mutex ends its life: with CONFIG_DEBUG_MUTEXES it marks the lock dead so a later use is caught, and lockdep forgets its class. Without it a use after `.release` goes unnoticed. Call it from the driver's `.release` (and then `vfio_pci_core_release_dev()`).",
    ].join('\n');
  },
};

/** `release` and `init` come from the same vfio_device_ops initializer (by order in the list of roots). */
function sameOps(
  ops: { member: string; fn: string }[],
  release: { member: string; fn: string },
  init: { member: string; fn: string },
): boolean {
  // roots() lists members initializer by initializer: the release after init and before the next init belongs to it.
  const i = ops.indexOf(init);
  const r = ops.indexOf(release);
  const nextInit = ops.findIndex((o, k) => k > i && o.member === 'init');
  const prevInit = ops
    .slice(0, i)
    .map((o) => o.member)
    .lastIndexOf('init');
  return (r > i && (nextInit < 0 || r < nextInit)) || (r < i && r > prevInit);
}
