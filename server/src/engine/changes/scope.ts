/**
 * Findings limited to a change, the way `checkpatch.pl -g` and `git
 * clang-format` limit themselves: a finding of the post-image is reported
 *
 *  - when it sits on a line the change adds or rewrites, or
 *  - when the change creates it although its line is old: it has no
 *    counterpart among the pre-image's findings (same file, rule, item name;
 *    lines move, so they are not compared). A new ops member that wires an old
 *    undocumented function, a removed comment, a first `vfio_migration_ops`
 *    without a `DOC:` overview: all show up; an old driver's old findings do not.
 *
 * Paths here are whatever the caller uses for findings (absolute); the caller
 * resolves the change's tree-relative paths first.
 */
import type { Finding } from '../rules';
import type { FileChange } from './patch';

/** A FileChange with paths resolved the way findings name files. */
export interface ResolvedChange {
  oldPath?: string;
  newPath?: string;
  added: ReadonlySet<number>;
  removed: ReadonlySet<number>;
}

export function resolveChanges(changes: FileChange[], resolve: (rel: string) => string): ResolvedChange[] {
  return changes.map((c) => ({
    ...(c.oldPath !== undefined ? { oldPath: resolve(c.oldPath) } : {}),
    ...(c.newPath !== undefined ? { newPath: resolve(c.newPath) } : {}),
    added: c.added,
    removed: c.removed,
  }));
}

/** What identifies a finding across versions of a file: not its line. */
function identity(f: Finding, filePath: string): string {
  // One function's undocumented parent calls: a call added to it makes a new finding.
  const calls = f.kind === 'parent-calls' ? f.related.map((r) => r.message).join(',') : '';
  return [filePath, f.rule, f.kind, f.name, f.parent ?? '', f.ops ?? '', (f.roles ?? []).join(','), calls].join('\0');
}

/**
 * The findings of `after` that the change makes: on changed lines, or new.
 * `before`: the findings of the pre-image (same rules and settings), of the same drivers.
 */
export function findingsInChange(after: Finding[], before: Finding[], changes: ResolvedChange[]): Finding[] {
  const byNew = new Map<string, ResolvedChange>();
  const byOld = new Map<string, ResolvedChange>();
  for (const c of changes) {
    if (c.newPath) byNew.set(c.newPath, c);
    if (c.oldPath) byOld.set(c.oldPath, c);
  }
  // Old findings that survive the change, counted per identity (a callee called three times: three).
  const pool = new Map<string, number>();
  for (const f of before) {
    const c = byOld.get(f.path);
    if (c?.removed.has(f.line)) continue; // its line is gone or rewritten
    const renamed = c ? (c.newPath ?? f.path) : f.path;
    const key = identity(f, renamed);
    pool.set(key, (pool.get(key) ?? 0) + 1);
  }
  const out: Finding[] = [];
  const rest: Finding[] = [];
  for (const f of after) {
    if (byNew.get(f.path)?.added.has(f.line)) out.push(f);
    else rest.push(f);
  }
  for (const f of rest) {
    const key = identity(f, f.path);
    const left = pool.get(key) ?? 0;
    if (left > 0) pool.set(key, left - 1);
    else out.push(f);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column));
}

/** Lines of `filePath` the change adds or rewrites (0-based), for an editor's view of one file. */
export function changedLinesOf(changes: ResolvedChange[], filePath: string): ReadonlySet<number> {
  return changes.find((c) => c.newPath === filePath)?.added ?? new Set();
}
