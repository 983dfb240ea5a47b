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
  private readonly helpers = new Map<string, Set<string>>();
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
    const family = this.family(root, header);
    for (const decl of family) for (const n of decl.names) names.add(n);
    const found = family.length > 0;
    this.declared.set(key, found ? names : null);
    return found ? names : undefined;
  }

  /** The scanned headers of a parent header's family: it and the headers of the same family it includes. */
  private family(root: string, header: ParentHeader): HeaderDeclarations[] {
    const out: HeaderDeclarations[] = [];
    const seen = new Set<string>();
    const queue = [header.include];
    while (queue.length && seen.size < MAX_FAMILY_HEADERS) {
      const inc = queue.shift()!;
      if (seen.has(inc)) continue;
      seen.add(inc);
      const decl = this.headerDeclarations(path.join(root, 'include', inc));
      if (!decl) continue;
      out.push(decl);
      for (const i of decl.includes) if (header.family && i.startsWith(header.family)) queue.push(i);
    }
    return out;
  }

  /**
   * Header helpers of a parent header's family: static inlines and macros whose
   * bodies call only other helpers, ALL-CAPS macros and generic kernel APIs. They
   * compute on their arguments; no code of the parent module runs, so calling one
   * is not a parent interaction. Empty when the header is not in the tree.
   */
  helpersBy(root: string, header: ParentHeader, isGeneric: (name: string) => boolean): Set<string> {
    const key = `${root}\0${header.include}`;
    const hit = this.helpers.get(key);
    if (hit) return hit;
    const bodies = new Map<string, string[] | null>();
    for (const decl of this.family(root, header)) for (const [name, calls] of decl.bodies) if (!bodies.has(name)) bodies.set(name, calls);
    const helpers = new Set<string>();
    const plain = (n: string) => /^[A-Z0-9_]+$/.test(n) || n.startsWith('__builtin_') || isGeneric(n);
    for (let grew = true; grew;) {
      grew = false;
      for (const [name, calls] of bodies) {
        if (helpers.has(name) || !calls) continue;
        if (calls.every((c) => c !== name && (helpers.has(c) || plain(c)))) {
          helpers.add(name);
          grew = true;
        }
      }
    }
    this.helpers.set(key, helpers);
    return helpers;
  }

  /**
   * The members of `struct vfio_migration_ops` and `struct vfio_log_ops` in the
   * tree's include/linux/vfio.h: a kernel newer than the engine may add handlers.
   */
  vfioOpsMembers(root: string): ReadonlySet<string> | undefined {
    if (!this.opsMembers.has(root)) {
      const text = this.readText(path.join(root, 'include', 'linux', 'vfio.h'));
      this.opsMembers.set(root, text === undefined ? null : structMembers(codeOnly(text), ['vfio_migration_ops', 'vfio_log_ops']));
    }
    return this.opsMembers.get(root) ?? undefined;
  }

  private readonly opsMembers = new Map<string, Set<string> | null>();

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
  /**
   * Static inline functions and function-like macros defined here: the names their
   * bodies call, or null when the body touches the device or memory it shares
   * (I/O accessors, barriers, stores through a dereferenced pointer such as a doorbell).
   */
  bodies: Map<string, string[] | null>;
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
  return { names, includes, bodies: headerBodies(text, code) };
}

const BODY_NOT_CALLS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'sizeof',
  'typeof',
  '__typeof__',
  'alignof',
  '_Alignof',
  'offsetof',
  'do',
]);

/** MMIO and port accessors and memory barriers: a body that calls one talks to the device. */
const DEVICE_ACCESS =
  /^(?:__raw_|_)?(?:io)?(?:read|write)(?:[bwlq]|64|32|16|8)?(?:_relaxed|_be)?$|^(?:\w+_)?write64$|^(?:smp_|dma_)?[rw]?mb$/;
/** `*p->db = x;`: a store through a dereference, as doorbell records are written. */
const STORE_THROUGH_POINTER = /(?:^|[;{}]\s*)\*[^;=]*[^=!<>]=(?!=)/m;

function calledIn(code: string): string[] | null {
  if (STORE_THROUGH_POINTER.test(code)) return null;
  const out: string[] = [];
  for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    if (DEVICE_ACCESS.test(m[1])) return null;
    if (!BODY_NOT_CALLS.has(m[1])) out.push(m[1]);
  }
  return out;
}

/**
 * Bodies of `static inline` functions and lowercase function-like macros, kernel
 * style (definition at column 0, body closed by a `}` at column 0): what each calls
 * decides whether it runs any code of the parent module (HeaderIndex.helpersBy).
 */
function headerBodies(text: string, code: string): Map<string, string[] | null> {
  const bodies = new Map<string, string[] | null>();
  for (const m of code.matchAll(
    /^static\s+(?:(?:inline|__always_inline|__inline__|__maybe_unused)\s+)+[^;{}()=]*?\b([A-Za-z_]\w*)\s*\(/gm,
  )) {
    const open = code.indexOf('{', m.index + m[0].length);
    const semi = code.indexOf(';', m.index + m[0].length);
    if (open < 0 || (semi >= 0 && semi < open)) continue;
    const close = code.indexOf('\n}', open);
    if (close < 0) continue;
    bodies.set(m[1], calledIn(code.slice(open, close)));
  }
  for (const m of text.matchAll(/^#\s*define\s+([a-z_][A-Za-z0-9_]*)\(([^)]*)\)((?:[^\n]*\\\r?\n)*[^\n]*)/gm)) {
    if (/^[A-Z0-9_]+$/.test(m[1])) continue;
    bodies.set(m[1], calledIn(m[3]));
  }
  return bodies;
}

/** Names of the function-pointer members of the named struct definitions: `int (*name)(...)`. */
export function structMembers(code: string, structs: string[]): Set<string> {
  const names = new Set<string>();
  for (const tag of structs) {
    const m = new RegExp(`\\bstruct\\s+${tag}\\s*\\{`).exec(code);
    if (!m) continue;
    const close = code.indexOf('\n};', m.index);
    const body = code.slice(m.index + m[0].length, close < 0 ? undefined : close);
    for (const f of body.matchAll(/\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/g)) names.add(f[1]);
  }
  return names;
}
