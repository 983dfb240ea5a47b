/**
 * Which directories to analyse for the paths given on the command line. A
 * directory is a candidate driver when one of its .c/.h files mentions vfio: a
 * byte-level prefilter, so a whole kernel tree is walked without parsing it.
 */
import * as fs from 'fs';
import * as path from 'path';

const SOURCE = /\.[ch]$/;
const SKIP_DIRS = new Set(['node_modules', '.git', '.kernel', 'out']);
const MARKER = Buffer.from('vfio');

export interface Target {
  /** Driver directory. */
  dir: string;
  /** Only report on these files (a file was named on the command line), or all. */
  only?: Set<string>;
}

function mentionsVfio(file: string): boolean {
  try {
    return fs.readFileSync(file).includes(MARKER);
  } catch {
    return false;
  }
}

export function discoverTargets(paths: string[], errors: string[]): Target[] {
  const byDir = new Map<string, Target>();
  const visited = new Set<string>();
  const walk = (dir: string) => {
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      errors.push(`cannot read directory ${dir}`);
      return;
    }
    if (visited.has(real)) return; // symlink loops
    visited.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      errors.push(`cannot read directory ${dir}`);
      return;
    }
    let candidate = false;
    for (const e of entries) {
      if (e.isFile() && SOURCE.test(e.name) && !candidate && mentionsVfio(path.join(dir, e.name))) candidate = true;
    }
    if (candidate && !byDir.has(dir)) byDir.set(dir, { dir });
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) walk(path.join(dir, e.name));
    }
  };
  for (const raw of paths) {
    const p = path.resolve(raw);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      errors.push(`no such file or directory: ${raw}`);
      continue;
    }
    if (st.isDirectory()) walk(p);
    else if (st.isFile()) {
      const dir = path.dirname(p);
      const t = byDir.get(dir);
      if (t && !t.only) continue; // the whole directory is already listed
      const target = t ?? { dir, only: new Set<string>() };
      target.only!.add(p);
      byDir.set(dir, target);
    } else errors.push(`not a regular file or directory: ${raw}`);
  }
  return [...byDir.values()].sort((a, b) => a.dir.localeCompare(b.dir));
}
