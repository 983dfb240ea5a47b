/** Writing fixed files back without ever leaving a half-written file or clobbering a concurrent change. */
import * as fs from 'fs';
import * as path from 'path';

export class ChangedOnDiskError extends Error {}

/**
 * Replaces `file` with `text` if its bytes are still `expected`: writes a
 * temporary file beside it with the same mode, then renames it over the original.
 */
export function writeFileAtomic(file: string, text: string, expected: Uint8Array, bom: boolean): void {
  const current = fs.readFileSync(file);
  if (!Buffer.from(expected).equals(current)) throw new ChangedOnDiskError(`${file} changed on disk while it was being fixed; not written`);
  const st = fs.statSync(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.vfio-variant-${process.pid}.tmp`);
  const body = Buffer.from(text, 'utf8');
  const data = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  try {
    fs.writeFileSync(tmp, data, { mode: st.mode & 0o7777, flag: 'wx' });
    fs.chmodSync(tmp, st.mode & 0o7777);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
