/**
 * Migration state handlers: the driver functions wired into `vfio_migration_ops`,
 * `vfio_log_ops` (or, before Linux 6.0, `vfio_device_ops`), in an initializer or at run
 * time, and the `file_operations` of the migration data files handed to userspace.
 */
import type { AssignFact, CallFact } from './facts';
import type { HandlerItem, HandlerWiring, LocalNames } from './driver';
import { suppressedBy } from './reviewItems';
import { commentsAbove, isSuppression, type SourceFile } from './sourceFile';
import { compareText } from '../syntax/text';

export const MIGRATION_OPS = 'vfio_migration_ops';
export const LOG_OPS = 'vfio_log_ops';
export const FILE_OPS = 'file_operations';
/** file_operations members that move or control migration data. */
export const MIGRATION_FOPS_MEMBERS = new Set(['read', 'write', 'unlocked_ioctl', 'compat_ioctl', 'release']);
/** Members that may be assigned at run time rather than in an initializer. */
const RUNTIME_OPS_MEMBER = /^(?:migration_\w+|log_start|log_stop|log_read_and_clear)$/;
/** Functions that turn a file_operations into a file handed to userspace. */
const ANON_INODE_FILE = /^anon_inode_(?:getfile|getfile_fmode|create_getfile|getfd|create_getfd)$/;
const isAnonInodeSink = (callee: string) => callee.startsWith('anon_inode_') && ANON_INODE_FILE.test(callee);

/** Before Linux 6.0, the migration and dirty-logging handlers were members of vfio_device_ops itself. */
export const DEVICE_OPS = 'vfio_device_ops';

export function findHandlers(files: SourceFile[], functions: LocalNames['functions'], treeMembers?: ReadonlySet<string>): HandlerItem[] {
  const runtimeMember = (m: string) => RUNTIME_OPS_MEMBER.test(m) || !!treeMembers?.has(m);
  const migrationFops = migrationFileOperations(files, functions);
  const wiringByFn = new Map<string, HandlerWiring[]>();
  const wire = (fnName: string, w: HandlerWiring) => {
    if (!functions.has(fnName)) return; // generic helpers such as compat_ptr_ioctl
    const list = wiringByFn.get(fnName) ?? [];
    list.push(w);
    wiringByFn.set(fnName, list);
  };
  for (const file of files) {
    for (const init of file.facts.opsInits) {
      const isFops = init.structType === FILE_OPS && migrationFops.has(init.variable);
      const isDeviceOps = init.structType === DEVICE_OPS;
      if (init.structType !== MIGRATION_OPS && init.structType !== LOG_OPS && !isFops && !isDeviceOps) continue;
      for (const m of init.members) {
        if (isFops && !MIGRATION_FOPS_MEMBERS.has(m.member)) continue;
        if (isDeviceOps && !RUNTIME_OPS_MEMBER.test(m.member)) continue;
        wire(m.fn, { ops: init.structType, member: m.member, variable: init.variable, file, line: m.line, column: m.column });
      }
    }
    for (const m of file.facts.memberAssigns) {
      if (!runtimeMember(m.member)) continue;
      const ops = m.member.startsWith('log_') ? LOG_OPS : MIGRATION_OPS;
      wire(m.fn, { ops, member: m.member, variable: '', file, line: m.line, column: m.column });
    }
  }
  const items: HandlerItem[] = [];
  for (const [name, wiring] of wiringByFn) {
    const { file, fn } = functions.get(name)!;
    const above = commentsAbove(file, fn.startLine);
    const docs = above.filter((c) => !isSuppression(c));
    items.push({
      kind: 'migration-handler',
      file,
      fn,
      wiring,
      documented: docs.length > 0,
      kernelDoc: docs.some((c) => c.kernelDoc),
      docComment: docs[0],
      suppressed: suppressedBy(above),
    });
  }
  return items.sort((a, b) => compareText(a.file.path, b.file.path) || a.fn.start - b.fn.start);
}

/**
 * file_operations variables whose address reaches anon_inode_getfile() and
 * friends: directly, through local variables, or through driver-local wrapper
 * functions whose parameter is passed on (to any depth).
 */
function migrationFileOperations(files: SourceFile[], functions: LocalNames['functions']): Set<string> {
  const fopsVars = new Set<string>();
  for (const f of files) for (const [name, tag] of f.facts.structVars) if (tag === FILE_OPS) fopsVars.add(name);
  if (fopsVars.size === 0) return fopsVars;

  // Identifiers that flow into an anonymous-inode file, per function. Only sink calls
  // and calls to the driver's own functions (possible wrappers) can carry the flow:
  // the rest, most calls, are skipped without allocating (this runs on every edit).
  const reach = new Map<string, Set<string>>();
  const callsByFn = new Map<string, CallFact[]>();
  const assignsByFn = new Map<string, AssignFact[]>();
  for (const f of files) {
    for (const c of f.facts.calls) {
      if (!c.fn) continue;
      if (isAnonInodeSink(c.callee)) {
        const set = reach.get(c.fn) ?? new Set<string>();
        for (const a of c.args) for (const id of a.idents) set.add(id);
        reach.set(c.fn, set);
      } else if (functions.has(c.callee)) {
        (callsByFn.get(c.fn) ?? callsByFn.set(c.fn, []).get(c.fn)!).push(c);
      }
    }
    for (const a of f.facts.localAssigns) {
      if (a.fn) (assignsByFn.get(a.fn) ?? assignsByFn.set(a.fn, []).get(a.fn)!).push(a);
    }
  }
  if (reach.size === 0) return new Set();
  // A function with a sink but no wrapper calls still grows through its locals.
  for (const fnName of reach.keys()) if (!callsByFn.has(fnName)) callsByFn.set(fnName, []);
  for (let changed = true, rounds = 0; changed && rounds < 16; rounds++) {
    changed = false;
    for (const [fnName, calls] of callsByFn) {
      let set = reach.get(fnName);
      const before = set?.size ?? 0;
      // A call to a wrapper whose parameter reaches the sink.
      for (const c of calls) {
        const target = functions.get(c.callee);
        const targetReach = target && reach.get(c.callee);
        if (!target || !targetReach) continue;
        target.fn.params.forEach((p, i) => {
          if (targetReach.has(p.name) && c.args[i]) for (const id of c.args[i].idents) (set ??= new Set()).add(id);
        });
      }
      if (!set) continue; // nothing reaches a sink here (yet), so no local can carry it
      // Locals assigned from other expressions.
      for (let grew = true; grew;) {
        grew = false;
        for (const a of assignsByFn.get(fnName) ?? []) {
          if (!set.has(a.local)) continue;
          for (const id of a.refs.idents)
            if (!set.has(id)) {
              set.add(id);
              grew = true;
            }
        }
      }
      if (set.size !== before) {
        reach.set(fnName, set);
        changed = true;
      }
    }
  }
  const used = new Set<string>();
  for (const set of reach.values()) for (const id of set) if (fopsVars.has(id)) used.add(id);
  // `migf->fops = &save_fops; ... anon_inode_getfile(name, migf->fops, ...)`.
  const sinkFields = new Set<string>();
  for (const f of files) {
    for (const c of f.facts.calls) if (isAnonInodeSink(c.callee)) for (const a of c.args) for (const fld of a.fields) sinkFields.add(fld);
  }
  for (const f of files) {
    for (const a of f.facts.fieldAssigns) {
      if (sinkFields.has(a.field)) for (const id of a.refs.idents) if (fopsVars.has(id)) used.add(id);
    }
  }
  return used;
}
