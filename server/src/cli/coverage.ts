/**
 * Whether every PATH of `check` reached a vfio-pci variant driver, and if not,
 * what was found there instead: a wrong path in CI must fail, not pass in silence.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SourceDir, Target } from './discover';

/** One analysed directory: a driver, or why not. */
export interface Analysed {
  dir: string;
  isVariantDriver: boolean;
  reason: string;
  /** Files of the directory that were not analysed (too large, binary, unreadable): their notices say why. */
  skipped?: number;
}

const rel = (p: string) => path.relative(process.cwd(), p) || '.';

function under(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** A short label for the engine's reason a directory is not a variant driver. */
export function shortReason(reason: string): string {
  if (/vfio-pci core/.test(reason)) return 'vfio-pci core';
  if (/vfio core/.test(reason)) return 'vfio core';
  if (/only headers/.test(reason)) return 'headers only';
  if (/vfio_pci_core/.test(reason)) return 'does not use vfio_pci_core';
  return reason;
}

/**
 * One error per PATH under which no variant driver was analysed. `dirs`: the
 * directories with C files the walk met; `analysed`: every target's verdict.
 */
export function uncoveredPaths(paths: string[], dirs: SourceDir[], targets: Target[], analysed: Analysed[]): string[] {
  const errors: string[] = [];
  const LIMIT = 5;
  for (const raw of paths) {
    const p = path.resolve(raw);
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) continue; // reported by the walk
    if (st.isFile()) {
      const a = analysed.find((x) => x.dir === path.dirname(p));
      if (a?.isVariantDriver) continue;
      errors.push(`${raw}: not part of a vfio-pci variant driver (${a ? shortReason(a.reason) : 'not analysed'})`);
      continue;
    }
    if (analysed.some((a) => a.isVariantDriver && under(a.dir, p))) continue;
    if (targets.some((t) => t.only && under(t.dir, p) && analysed.some((a) => a.dir === t.dir && a.isVariantDriver))) continue;
    const withC = dirs.filter((d) => under(d.dir, p));
    const rejected = analysed.filter((a) => !a.isVariantDriver && under(a.dir, p));
    let found: string;
    if (!withC.length) found = 'no C files';
    else {
      const parts = rejected
        .slice(0, LIMIT)
        .map((a) => `${rel(a.dir)} (${a.skipped ? `${a.skipped} file(s) not analysed: see the notes` : shortReason(a.reason)})`);
      if (rejected.length > LIMIT) parts.push(`${rejected.length - LIMIT} more`);
      const others = withC.length - rejected.length;
      if (others > 0) parts.push(`${others} ${others === 1 ? 'directory' : 'directories'} with C files that never mention vfio_pci_core`);
      found = parts.join(', ');
    }
    errors.push(`${raw}: no vfio-pci variant driver here; found ${found}`);
  }
  return errors;
}
