/**
 * Which directories to analyse for the paths given on the command line. A
 * directory is a candidate driver when one of its .c/.h files contains
 * `vfio_pci_core` (every variant driver includes <linux/vfio_pci_core.h> or
 * calls into it): a byte-level prefilter, so a whole kernel tree is walked
 * without parsing it, and the reading is shared out over the cores.
 */
import * as fs from 'fs';
import * as path from 'path';
import { compareText } from '../engine';

const SOURCE = /\.[ch]$/;
const SKIP_DIRS = new Set(['node_modules', '.git', '.kernel', 'out']);
const MARKER = Buffer.from('vfio_pci_core');

export interface Target {
  /** Driver directory. */
  dir: string;
  /** Only report on these files (a file was named on the command line), or all. */
  only?: Set<string>;
}

/** A directory met while walking, with its .c/.h file names. */
export interface SourceDir {
  dir: string;
  files: string[];
}

const CHUNK = 1 << 20;
let scratch: Buffer | undefined;

/** Whether the file contains MARKER; reads it in chunks into one reused buffer (no allocation per file). */
function fileMentions(file: string, marker: Buffer = MARKER): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    scratch ??= Buffer.allocUnsafe(CHUNK + marker.length);
    let carry = 0;
    for (;;) {
      const n = fs.readSync(fd, scratch, carry, CHUNK, null);
      if (n <= 0) return false;
      const filled = carry + n;
      if (scratch.subarray(0, filled).includes(marker)) return true;
      if (n < CHUNK) return false; // a short read of a regular file is its end: spare the extra read
      // Keep the tail so a marker across two chunks is still seen.
      carry = Math.min(marker.length - 1, filled);
      scratch.copy(scratch, 0, filled - carry, filled);
    }
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/** The candidate driver directories among `dirs`. */
export function candidateDirs(dirs: SourceDir[]): string[] {
  return dirs.filter((d) => d.files.some((f) => fileMentions(path.join(d.dir, f)))).map((d) => d.dir);
}

/**
 * Walks the given paths. Directories come back unfiltered (the caller runs the
 * prefilter, possibly in parallel); files named explicitly become targets at once.
 */
export function walkPaths(paths: string[], errors: string[]): { dirs: SourceDir[]; named: Target[] } {
  const dirs: SourceDir[] = [];
  const named = new Map<string, Target>();
  const roots = new Set<string>();
  // Symbolic links to directories are not followed (a Dirent of a link is not a
  // directory), so the walk cannot loop; only the given roots are resolved, to
  // skip a root named twice. (Resolving every directory doubled the walk's time.)
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      errors.push(`cannot read directory ${dir}`);
      return;
    }
    const files = entries.filter((e) => e.isFile() && SOURCE.test(e.name)).map((e) => e.name);
    // A driver has C files; a directory of headers alone (include/linux) never is one.
    if (files.some((f) => f.endsWith('.c'))) dirs.push({ dir, files });
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
    if (st.isDirectory()) {
      const real = fs.realpathSync.native(p);
      if (!roots.has(real)) walk(p);
      roots.add(real);
    } else if (st.isFile()) {
      const dir = path.dirname(p);
      const target = named.get(dir) ?? { dir, only: new Set<string>() };
      target.only!.add(p);
      named.set(dir, target);
    } else errors.push(`not a regular file or directory: ${raw}`);
  }
  return { dirs, named: [...named.values()] };
}

/** Candidate directories plus named files, one target per directory, in path order. */
export function mergeTargets(candidates: string[], named: Target[]): Target[] {
  const byDir = new Map<string, Target>();
  for (const dir of candidates) byDir.set(dir, { dir });
  for (const t of named) if (!byDir.has(t.dir)) byDir.set(t.dir, t); // a whole directory wins over files in it
  return [...byDir.values()].sort((a, b) => compareText(a.dir, b.dir));
}
