/** An in-memory FileSystemHost: rule tests describe a driver as a map of file name -> text. */
import * as path from 'path';
import type { FileSystemHost } from '../../server/src/engine';

export function memoryHost(files: Record<string, string>): FileSystemHost {
  const abs = new Map(Object.entries(files).map(([p, t]) => [path.resolve('/mem', p), Buffer.from(t, 'utf8')]));
  const dirs = new Set<string>();
  for (const p of abs.keys()) for (let d = path.dirname(p); d !== '/'; d = path.dirname(d)) dirs.add(d);
  return {
    readBytes: (p) => abs.get(p),
    readDir: (p) =>
      dirs.has(p) ? [...new Set([...abs.keys(), ...dirs].filter((f) => path.dirname(f) === p).map((f) => path.basename(f)))] : undefined,
    stat: (p) => {
      if (abs.has(p)) return { isFile: true, isDirectory: false, isSymbolicLink: false, size: abs.get(p)!.length, mtimeMs: 1 };
      if (dirs.has(p)) return { isFile: false, isDirectory: true, isSymbolicLink: false, size: 0, mtimeMs: 1 };
      return undefined;
    },
    realPath: (p) => (abs.has(p) || dirs.has(p) ? p : undefined),
  };
}

export const MEM_ROOT = '/mem';
