/**
 * A FileSystemHost that shows some files at another version: the pre-image or
 * post-image of a change (git blobs, a patch applied in memory) over the
 * working tree. `null` hides a file (added by the change: absent before it;
 * deleted: absent after). Everything else passes through to the base host.
 */
import * as path from 'path';
import type { FileStat, FileSystemHost } from '../host';

export function overlayHost(base: FileSystemHost, files: ReadonlyMap<string, Uint8Array | null>): FileSystemHost {
  const byDir = new Map<string, { add: Set<string>; hide: Set<string> }>();
  for (const [p, bytes] of files) {
    const dir = path.dirname(p);
    const entry = byDir.get(dir) ?? byDir.set(dir, { add: new Set(), hide: new Set() }).get(dir)!;
    (bytes ? entry.add : entry.hide).add(path.basename(p));
  }
  const stat = (bytes: Uint8Array): FileStat => ({
    isFile: true,
    isDirectory: false,
    isSymbolicLink: false,
    size: bytes.length,
    mtimeMs: 0,
  });
  return {
    readBytes: (p) => (files.has(p) ? (files.get(p) ?? undefined) : base.readBytes(p)),
    readDir: (dir) => {
      const names = base.readDir(dir);
      const change = byDir.get(dir);
      if (!change) return names;
      const out = new Set((names ?? []).filter((n) => !change.hide.has(n)));
      for (const n of change.add) out.add(n);
      return [...out];
    },
    stat: (p) => {
      if (!files.has(p)) return base.stat(p);
      const bytes = files.get(p);
      return bytes ? stat(bytes) : undefined;
    },
    realPath: (p) => (files.has(p) ? (files.get(p) ? p : undefined) : base.realPath(p)),
  };
}
