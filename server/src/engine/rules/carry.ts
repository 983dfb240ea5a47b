/**
 * Findings of the flow rules carried from their last run onto newer file versions,
 * while the user types (see RuleRunner): a finding inside a top-level item (a function)
 * whose text is unchanged moves with it; one inside an item that changed, or that
 * vanished, is dropped until the rules run again. Nothing else is recomputed, so a
 * carried finding is never more than a pause in typing old. Its `data` (for fixes and
 * hover) still holds the old positions: fixes and hovers ask for a fresh run.
 */
import type { SourceFile } from '../model/sourceFile';
import type { Finding } from './finding';

/** What a run saw of one file: enough to place its findings in a later version, no tree. */
export interface FileSnapshot {
  text: string;
  /** Top-level items: offsets, first and last line, and the column the item starts at. */
  items: { start: number; end: number; startRow: number; endRow: number; column: number }[];
}

export function snapshot(file: SourceFile): FileSnapshot {
  return {
    text: file.text,
    items: file.chunks.map((c) => ({
      start: c.start,
      end: c.end,
      startRow: c.startRow,
      endRow: c.endRow,
      column: c.start - file.lines.offsetAt({ line: c.startRow, character: 0 }),
    })),
  };
}

/** Maps a line of `old` to the same line of `now`; undefined when its item changed or is gone. */
function lineMap(old: FileSnapshot, now: FileSnapshot): (line: number) => number | undefined {
  const byText = new Map<string, FileSnapshot['items'][number]>();
  for (const it of now.items) byText.set(now.text.slice(it.start, it.end), it);
  const shifts = old.items.map((it) => {
    const moved = byText.get(old.text.slice(it.start, it.end));
    return moved && moved.column === it.column ? moved.startRow - it.startRow : undefined;
  });
  return (line) => {
    // Items are in order and do not overlap.
    let lo = 0;
    let hi = old.items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const it = old.items[mid];
      if (line < it.startRow) hi = mid - 1;
      else if (line > it.endRow) lo = mid + 1;
      else return shifts[mid] === undefined ? undefined : line + shifts[mid]!;
    }
    return undefined;
  };
}

/**
 * `findings` (of files as `before` saw them) placed in the current versions `now`. Files
 * whose text is the same keep their findings as they are.
 */
export function carryFindings(
  findings: readonly Finding[],
  before: ReadonlyMap<string, FileSnapshot>,
  now: readonly SourceFile[],
): Finding[] {
  const current = new Map(now.map((f) => [f.path, f]));
  const maps = new Map<string, ((line: number) => number | undefined) | null>();
  /** The line map of a file, null when the file is unchanged. */
  const mapOf = (path: string) => {
    let m = maps.get(path);
    if (m === undefined) {
      const old = before.get(path);
      const file = current.get(path);
      m = !old || !file ? () => undefined : old.text === file.text ? null : lineMap(old, snapshot(file));
      maps.set(path, m);
    }
    return m;
  };
  const out: Finding[] = [];
  for (const f of findings) {
    const file = current.get(f.path);
    if (!file) continue;
    const map = mapOf(f.path);
    if (map === null) {
      out.push(f.version === file.version ? f : { ...f, version: file.version });
      continue;
    }
    const line = map(f.line);
    const endLine = map(f.endLine);
    const anchorLine = map(f.anchorLine);
    if (line === undefined || endLine === undefined || anchorLine === undefined) continue;
    const related = [];
    for (const r of f.related) {
      const m = mapOf(r.path);
      const at = m === null ? r.line : m(r.line);
      if (at === undefined) break;
      related.push(at === r.line ? r : { ...r, line: at });
    }
    if (related.length !== f.related.length) continue;
    // Messages name lines of the same function ("taken on line 345"): they move with it.
    const message = f.message.replace(/\bline (\d+)\b/g, (text, n: string) => {
      const at = map(Number(n) - 1);
      return at === undefined ? text : `line ${at + 1}`;
    });
    out.push({ ...f, version: file.version, line, endLine, anchorLine, related, message });
  }
  return out;
}
