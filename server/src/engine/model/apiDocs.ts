/**
 * A parent API's kernel-doc in the kernel tree (or a plain comment in kernel-doc form,
 * `name - summary`, which some parents use): its one-line summary, where it is,
 * and the MAINTAINERS entry that owns that file. Looked up where the API lives: the
 * parent header the driver includes (and the headers beside it), then the source
 * directories of the MAINTAINERS entries that cover that header (mlx5's
 * include/linux/mlx5/ -> drivers/net/ethernet/mellanox/mlx5/core/). Read through the
 * FileSystemHost; each directory is scanned once per tree.
 */
import * as path from 'path';
import { decodeSource, type FileSystemHost } from '../host';
import { entriesFor, treeRelative, type MaintainersEntry, type MaintainersIndex } from '../maintainers/maintainers';
import type { DriverModel, ParentCallItem } from './driver';
import { KNOWN_PARENTS, parentHeaderFor } from './parents';

export interface ApiDoc {
  name: string;
  /** The purpose from the `name() - purpose` line (continuation lines joined). */
  summary: string;
  path: string;
  /** Path relative to the tree root. */
  relPath: string;
  /** 0-based line of the `/**`. */
  line: number;
  /** The MAINTAINERS entry that owns `path` (most specific). */
  owner?: MaintainersEntry;
}

export interface ApiDocLookup {
  readonly root: string;
  lookup(item: ParentCallItem): ApiDoc | undefined;
}

const MAX_FILES_PER_DIR = 800;
const MAX_FILE_BYTES = 2 << 20;
const DOC =
  /^\/\*\*?[ \t]*\n[ \t]*\*[ \t]*(?:\w+[ \t]*\*[ \t]*)?(\w+)[ \t]*(?:\(\))?[ \t]*(?:[-:][ \t]*(.*))?\n((?:[ \t]*\*(?!\/)[ \t]*\S.*\n)*)/gm;

/** Kernel-doc function comments of a text: name -> summary and line. */
export function scanApiDocs(text: string): Map<string, { summary: string; line: number }> {
  const out = new Map<string, { summary: string; line: number }>();
  DOC.lastIndex = 0;
  for (let m = DOC.exec(text); m; m = DOC.exec(text)) {
    if (!m[2]) continue;
    let summary = m[2].trim();
    // Continuation of the purpose: lines up to the first blank line or section.
    for (const l of m[3].split('\n')) {
      const t = l.replace(/^[ \t]*\*[ \t]?/, '').trim();
      if (!t || /^@|^[A-Za-z]+:/.test(t)) break;
      summary += ` ${t}`;
    }
    if (!out.has(m[1])) out.set(m[1], { summary: summary.replace(/\s+/g, ' '), line: lineOf(text, m.index) });
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The parent's headers as the driver includes them: the call's evidence, the driver's includes of that parent, the catalog's. */
function headersOf(item: ParentCallItem): string[] {
  const out = new Set<string>();
  if (item.evidence.kind === 'header') out.add(item.evidence.include);
  for (const inc of item.file.facts.includes) if (inc.system && parentHeaderFor(inc.path)?.parent === item.parent) out.add(inc.path);
  for (const h of KNOWN_PARENTS.find((p) => p.id === item.parent)?.headers ?? []) out.add(h);
  return [...out];
}

export class ApiDocIndex {
  private readonly trees = new Map<string, TreeApiDocs>();

  constructor(
    private readonly host: FileSystemHost,
    private readonly maintainers: MaintainersIndex,
  ) {}

  forTree(root: string): ApiDocLookup {
    let t = this.trees.get(root);
    if (!t) this.trees.set(root, (t = new TreeApiDocs(root, this.host, this.maintainers)));
    return t;
  }
}

class TreeApiDocs implements ApiDocLookup {
  private readonly files = new Map<string, Map<string, { summary: string; line: number }> | null>();
  private readonly dirs = new Map<string, string[]>();
  private readonly sourceDirs = new Map<string, string[]>();
  private readonly found = new Map<string, ApiDoc | null>();

  constructor(
    readonly root: string,
    private readonly host: FileSystemHost,
    private readonly maintainers: MaintainersIndex,
  ) {}

  lookup(item: ParentCallItem): ApiDoc | undefined {
    const name = item.call.callee;
    const includes = headersOf(item);
    const key = `${includes.join('|')}\0${name}`;
    if (!this.found.has(key)) this.found.set(key, this.search(name, includes) ?? null);
    return this.found.get(key) ?? undefined;
  }

  private search(name: string, includes: string[]): ApiDoc | undefined {
    const candidates: string[] = [];
    for (const include of includes) {
      const header = path.join(this.root, 'include', include);
      if (include.endsWith('/')) candidates.push(...this.listDir(header, false));
      else candidates.push(header, ...this.listDir(path.dirname(header), false));
    }
    for (const include of includes) {
      const header = path.join(this.root, 'include', include);
      for (const dir of this.sourceDirsFor(header, include.endsWith('/')))
        candidates.push(...(/\.[ch]$/.test(dir) ? [dir] : this.listDir(dir, true)));
    }
    for (const file of new Set(candidates)) {
      const hit = this.docsOf(file)?.get(name);
      if (hit) {
        const relPath = treeRelative(this.root, file);
        const mf = this.maintainers.load(this.root);
        const owner = mf ? entriesFor(mf, relPath, this.host)[0]?.entry : undefined;
        return { name, summary: hit.summary, path: file, relPath, line: hit.line, ...(owner ? { owner } : {}) };
      }
    }
    return undefined;
  }

  /** Directories under drivers/ that MAINTAINERS lists beside the header (F: values of its entries). */
  private sourceDirsFor(header: string, isDir: boolean): string[] {
    const rel = treeRelative(this.root, header) + (isDir ? '/' : '');
    let dirs = this.sourceDirs.get(rel);
    if (!dirs) {
      dirs = [];
      const mf = this.maintainers.load(this.root);
      if (mf) {
        for (const m of entriesFor(mf, rel, this.host).slice(0, 3)) {
          for (const f of m.entry.fields) {
            // Directories under drivers/, and single sources there (HISILICON QM DRIVER lists qm.c).
            if (f.type === 'F' && /^drivers\/[\w/.-]+(?:\/|\.[ch])$/.test(f.value)) dirs.push(path.join(this.root, f.value));
          }
        }
      }
      this.sourceDirs.set(rel, dirs);
    }
    return dirs;
  }

  /** C sources and headers of a directory (recursively when asked), bounded. */
  private listDir(dir: string, recursive: boolean): string[] {
    const key = `${recursive}\0${dir}`;
    let out = this.dirs.get(key);
    if (out) return out;
    out = [];
    const queue = [dir];
    while (queue.length && out.length < MAX_FILES_PER_DIR) {
      const d = queue.shift()!;
      for (const e of (this.host.readDir(d) ?? []).sort()) {
        const p = path.join(d, e);
        if (/\.[ch]$/.test(e)) out.push(p);
        else if (recursive && !e.startsWith('.') && this.host.stat(p)?.isDirectory) queue.push(p);
      }
    }
    this.dirs.set(key, out);
    return out;
  }

  private docsOf(file: string): Map<string, { summary: string; line: number }> | undefined {
    if (!this.files.has(file)) {
      let docs: Map<string, { summary: string; line: number }> | null = null;
      const st = this.host.stat(file);
      if (st?.isFile && st.size <= MAX_FILE_BYTES) {
        const bytes = this.host.readBytes(file);
        const decoded = bytes ? decodeSource(bytes) : undefined;
        if (decoded?.ok) docs = scanApiDocs(decoded.text);
      }
      this.files.set(file, docs);
    }
    return this.files.get(file) ?? undefined;
  }
}

const modelOfCall = new WeakMap<ParentCallItem, DriverModel>();

/** Gives a model its kernel-tree lookup; its parent calls then find their API's docs and their siblings (hover). */
export function attachApiDocs(model: DriverModel, lookup: ApiDocLookup): void {
  model.apiDocs = lookup;
  for (const c of model.parentCalls) modelOfCall.set(c, model);
}

/** The model a parent call belongs to, when the workspace attached one. */
export function modelOf(item: ParentCallItem): DriverModel | undefined {
  return modelOfCall.get(item);
}
