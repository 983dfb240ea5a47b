/** The engine's FileSystemHost on the real file system (synchronous: files are small and local). */
import * as fs from 'fs';
import type { FileStat, FileSystemHost } from '../engine';

export const nodeFileSystem: FileSystemHost = {
  readBytes(p) {
    try {
      return fs.readFileSync(p);
    } catch {
      return undefined;
    }
  },
  readDir(p) {
    try {
      return fs.readdirSync(p);
    } catch {
      return undefined;
    }
  },
  stat(p): FileStat | undefined {
    try {
      const st = fs.lstatSync(p);
      return {
        isFile: st.isFile(),
        isDirectory: st.isDirectory(),
        isSymbolicLink: st.isSymbolicLink(),
        size: st.size,
        mtimeMs: st.mtimeMs,
      };
    } catch {
      return undefined;
    }
  },
  realPath(p) {
    try {
      return fs.realpathSync(p);
    } catch {
      return undefined;
    }
  },
};
