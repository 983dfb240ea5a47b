/**
 * A kernel source tree near the driver, when there is one: used to read the
 * headers of parent drivers (to learn which names they declare) and, later,
 * MAINTAINERS. Only C headers under include/ and the driver's neighbours are read.
 */
import * as path from 'path';
import { parseC } from './cParser';
import { extractFacts } from './facts';
import { decodeSource, type FileSystemHost } from './host';
import type { ParentHeader } from './parents';

export function looksLikeKernelRoot(dir: string, host: FileSystemHost): boolean {
  return !!host.stat(path.join(dir, 'MAINTAINERS'))?.isFile && !!host.stat(path.join(dir, 'include', 'linux'))?.isDirectory;
}

/** Walks up from `start` to the first directory that looks like a kernel tree. */
export function findKernelRoot(start: string, host: FileSystemHost): string | undefined {
  let dir = path.resolve(start);
  for (let i = 0; i < 64; i++) {
    if (looksLikeKernelRoot(dir, host)) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

const MAX_HEADER_BYTES = 4 * 1024 * 1024;
const MAX_FAMILY_HEADERS = 64;

export class HeaderIndex {
  private readonly declared = new Map<string, Set<string> | null>();

  constructor(private readonly host: FileSystemHost) {}

  /**
   * Names declared by a parent header and by the headers of the same family it
   * includes (`linux/mlx5/driver.h` pulls in `linux/mlx5/device.h`, ...).
   * Undefined when the header is not in the tree.
   */
  declaredBy(root: string, header: ParentHeader): Set<string> | undefined {
    const key = `${root}\0${header.include}`;
    if (this.declared.has(key)) return this.declared.get(key) ?? undefined;
    const names = new Set<string>();
    const seen = new Set<string>();
    const queue = [header.include];
    let found = false;
    while (queue.length && seen.size < MAX_FAMILY_HEADERS) {
      const inc = queue.shift()!;
      if (seen.has(inc)) continue;
      seen.add(inc);
      const facts = this.headerFacts(path.join(root, 'include', inc));
      if (!facts) continue;
      found = true;
      for (const n of facts.prototypes) names.add(n);
      for (const f of facts.functions) names.add(f.name);
      for (const m of facts.functionMacros) if (!/^[A-Z0-9_]+$/.test(m)) names.add(m);
      for (const i of facts.includes) {
        if (i.system && header.family && i.path.startsWith(header.family)) queue.push(i.path);
      }
    }
    this.declared.set(key, found ? names : null);
    return found ? names : undefined;
  }

  private headerFacts(file: string) {
    const st = this.host.stat(file);
    if (!st?.isFile || st.size > MAX_HEADER_BYTES) return undefined;
    const bytes = this.host.readBytes(file);
    if (!bytes) return undefined;
    const decoded = decodeSource(bytes);
    if (!decoded.ok) return undefined;
    const parsed = parseC(decoded.text);
    const facts = extractFacts(parsed.tree, decoded.text);
    return facts;
  }
}
