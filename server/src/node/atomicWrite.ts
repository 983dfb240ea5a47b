/** Writing fixed files back without ever leaving a half-written file or clobbering a concurrent change. */
import * as fs from 'fs';
import * as path from 'path';

export class ChangedOnDiskError extends Error {}

export interface AtomicWriteOptions {
  /**
   * Test seam: runs after the temporary file is complete and before the last
   * check and the rename (tests change the file here to prove it is not clobbered).
   */
  beforeRename?: (tmp: string) => void;
}

/**
 * Replaces `file` with `text` if its bytes are still `expected`: refuses a
 * symbolic link (the rename would replace the link, and writing through it
 * could reach outside the tree), writes a temporary file beside it with the
 * same mode, compares the file with `expected` once more, then renames the
 * temporary file over it.
 *
 * What remains: between that last comparison and the rename (one read and one
 * rename(2), microseconds) another writer can still slip in; only a lock every
 * editor honours could close that, and none exists.
 */
export function writeFileAtomic(file: string, text: string, expected: Uint8Array, bom: boolean, opts: AtomicWriteOptions = {}): void {
  const st = fs.lstatSync(file);
  if (st.isSymbolicLink()) throw new ChangedOnDiskError(`${file}: not fixed: symbolic link`);
  if (!st.isFile()) throw new ChangedOnDiskError(`${file}: not fixed: not a regular file`);
  const unchanged = () => Buffer.from(expected).equals(fs.readFileSync(file)) && !fs.lstatSync(file).isSymbolicLink();
  const changed = () => new ChangedOnDiskError(`${file} changed on disk while it was being fixed; not written`);
  if (!unchanged()) throw changed();
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.vfio-variant-${process.pid}.tmp`);
  const body = Buffer.from(text, 'utf8');
  const data = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  try {
    fs.writeFileSync(tmp, data, { mode: st.mode & 0o7777, flag: 'wx' });
    fs.chmodSync(tmp, st.mode & 0o7777);
    opts.beforeRename?.(tmp);
    if (!unchanged()) throw changed();
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
