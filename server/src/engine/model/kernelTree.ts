/**
 * A kernel source tree near the driver, when there is one: used to read the
 * headers of parent drivers (to learn which names they declare) and, later,
 * MAINTAINERS. Only C headers under include/ and the driver's neighbours are read.
 */
import * as path from 'path';
import { decodeSource, type FileSystemHost } from '../host';
import { codeOnly } from '../syntax/kernelC';
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
  /** Per header file: the families of several parent headers share members (mlx5's driver.h, vport.h, cq.h and qp.h all reach mlx5_ifc.h). */
  private readonly scanned = new Map<string, HeaderDeclarations | null>();

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
      const decl = this.headerDeclarations(path.join(root, 'include', inc));
      if (!decl) continue;
      found = true;
      for (const n of decl.names) names.add(n);
      for (const i of decl.includes) if (header.family && i.startsWith(header.family)) queue.push(i);
    }
    this.declared.set(key, found ? names : null);
    return found ? names : undefined;
  }

  private readonly texts = new Map<string, string | null>();

  /** The decoded text of a kernel-tree file (e.g. drivers/vfio/pci/vfio_pci.c), read once per index. */
  readText(file: string): string | undefined {
    if (!this.texts.has(file)) {
      const st = this.host.stat(file);
      const bytes = st?.isFile && st.size <= MAX_HEADER_BYTES ? this.host.readBytes(file) : undefined;
      const decoded = bytes ? decodeSource(bytes) : undefined;
      this.texts.set(file, decoded?.ok ? decoded.text : null);
    }
    return this.texts.get(file) ?? undefined;
  }

  private headerDeclarations(file: string): HeaderDeclarations | undefined {
    if (!this.scanned.has(file)) this.scanned.set(file, this.readHeader(file) ?? null);
    return this.scanned.get(file) ?? undefined;
  }

  private readHeader(file: string): HeaderDeclarations | undefined {
    const st = this.host.stat(file);
    if (!st?.isFile || st.size > MAX_HEADER_BYTES) return undefined;
    const bytes = this.host.readBytes(file);
    if (!bytes) return undefined;
    const decoded = decodeSource(bytes);
    return decoded.ok ? scanHeader(decoded.text) : undefined;
  }
}

export interface HeaderDeclarations {
  names: Set<string>;
  includes: string[];
}

const C_WORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'sizeof',
  'typedef',
  'struct',
  'union',
  'enum',
  'int',
  'void',
  'char',
  'long',
  'short',
  'unsigned',
  'signed',
  'const',
  'static',
  'inline',
  'extern',
  'do',
]);

/**
 * Names a header declares, by a line scan rather than a parse: headers such as
 * mlx5_ifc.h are tens of thousands of lines of structs, and in kernel style
 * every prototype and inline definition starts at column 0 (bodies are indented).
 * Lowercase function-like macros count too; ALL-CAPS ones never do.
 */
export function scanHeader(text: string): HeaderDeclarations {
  const code = codeOnly(text);
  const names = new Set<string>();
  const includes: string[] = [];
  for (const m of code.matchAll(/^#\s*include\s*<([^>\n]+)>/gm)) includes.push(m[1].trim());
  for (const m of text.matchAll(/^#\s*define\s+([a-z_][A-Za-z0-9_]*)\(/gm)) if (!/^[A-Z0-9_]+$/.test(m[1])) names.add(m[1]);
  for (const m of code.matchAll(/^(?![#\s}])(?!typedef\b)[^;{}()=\n]*?\b([A-Za-z_]\w*)\s*\(/gm)) {
    const name = m[1];
    if (!C_WORDS.has(name) && !/^[A-Z0-9_]+$/.test(name)) names.add(name);
  }
  return { names, includes };
}
