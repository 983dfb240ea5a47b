/**
 * MAINTAINERS: parsing and matching a file path to entries with the rules of
 * scripts/get_maintainer.pl, so that "who must look" agrees with the tool
 * reviewers run themselves:
 *
 *  - an entry is a title line followed by `X:` type lines (blank and `#` lines
 *    are skipped, as get_maintainer.pl's reader does);
 *  - `F:`/`X:` values become regexes the way get_maintainer.pl converts them
 *    (`.` literal, `*` -> `.*`, `?` -> `.`), anchored at the start only; a value
 *    without a trailing `/` must also have as many `/` as the path (so globs do
 *    not reach into subdirectories), one with a trailing `/` matches everything
 *    below; a value naming an existing directory gets the `/` appended;
 *  - `X:` matching the path excludes the whole entry; `N:` is a regex (Perl /x)
 *    matched anywhere in the path;
 *  - entries are ordered by pattern depth (number of `/`, +1 when the value does
 *    not end in `/`, -1 when it starts with `*`), deepest first; `N:` counts 0.
 *
 * Plain TypeScript: the MAINTAINERS text and directory checks come through the host.
 */
import * as path from 'path';
import { decodeSource, type FileSystemHost } from './host';
import { looksLikeKernelRoot } from './kernelTree';

export const ACCEPTANCE_DOC = 'Documentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst';
export const VFIO_ENTRY = 'VFIO DRIVER';
/** get_maintainer.pl drops the chief penguin unless asked (--git-chief-penguins). */
const PENGUIN_CHIEF = 'torvalds@linux-foundation.org';

export interface MaintainersLine {
  type: string;
  value: string;
  /** 0-based line in MAINTAINERS. */
  line: number;
}

export interface Person {
  name: string;
  address: string;
  /** As written in MAINTAINERS: `Name <address>`. */
  text: string;
}

export interface MailingList {
  address: string;
  /** `(moderated for non-subscribers)`, `(subscribers-only)`, ... */
  note: string;
}

export interface MaintainersEntry {
  title: string;
  /** 0-based line of the title. */
  line: number;
  /** 0-based line of the entry's last type line. */
  endLine: number;
  fields: MaintainersLine[];
  maintainers: Person[];
  reviewers: Person[];
  lists: MailingList[];
  status: string;
  profiles: string[];
}

interface Pattern {
  entry: number;
  type: 'F' | 'X' | 'N';
  raw: string;
  /** Perl-converted value, before the directory check. */
  converted: string;
  re?: RegExp;
  /** Resolved lazily: does the converted value name a directory (get_maintainer.pl's `-d`)? */
  dir?: boolean;
}

export interface MaintainersFile {
  path: string;
  root: string;
  text: string;
  eol: string;
  entries: MaintainersEntry[];
  /** Offset of the start of each 0-based line. */
  lineStarts: number[];
  patterns: Pattern[][];
  /** Entries by the directory their F: values start with; built on first use. */
  byDirectory?: { dirs: Map<string, number[]>; anywhere: number[] };
}

export interface EntryMatch {
  entry: MaintainersEntry;
  /** get_maintainer.pl's pattern depth: higher is more specific. */
  depth: number;
  /** The F: or N: value that matched (the last one, as get_maintainer.pl keeps). */
  pattern: string;
  via: 'F' | 'N';
}

const TYPE_LINE = /^([A-Z]):\s*(.*)$/;

/** Parses MAINTAINERS text. `root` is the directory it sits in (F: values are relative to it). */
export function parseMaintainers(text: string, file: string, root = path.dirname(file)): MaintainersFile {
  const rawLines = text.split('\n');
  const eol = /\r\n/.test(text.slice(0, 4096)) ? '\r\n' : '\n';
  const lineStarts: number[] = [];
  let offset = 0;
  for (const l of rawLines) {
    lineStarts.push(offset);
    offset += l.length + 1;
  }
  const entries: MaintainersEntry[] = [];
  const patterns: Pattern[][] = [];
  let title: { text: string; line: number } | undefined;
  let current: MaintainersEntry | undefined;
  rawLines.forEach((rawLine, i) => {
    const line = rawLine.replace(/\r$/, '');
    const m = TYPE_LINE.exec(line);
    if (!m) {
      if (/^\s*$/.test(line) || /^\s*#/.test(line)) return;
      title = { text: line, line: i };
      current = undefined;
      return;
    }
    if (!current) {
      if (!title) return; // type lines before any title: get_maintainer.pl would treat them as a nameless entry
      current = newEntry(title.text, title.line, i);
      entries.push(current);
      patterns.push([]);
    }
    const [, type, value] = m;
    const entryIndex = entries.length - 1;
    current.fields.push({ type, value, line: i });
    current.endLine = i;
    if (type === 'L') {
      const lm = /^(\S+)\s*(.*)$/.exec(value);
      if (lm) current.lists.push({ address: lm[1], note: lm[2] });
    } else if (type === 'S') current.status = value;
    else if (type === 'P') current.profiles.push(value.trim());
    else if (type === 'F' || type === 'X') {
      const converted = value.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
      patterns[entryIndex].push({ entry: entryIndex, type, raw: value, converted });
    } else if (type === 'N') patterns[entryIndex].push({ entry: entryIndex, type, raw: value, converted: value });
  });
  return { path: file, root, text, eol, entries, lineStarts, patterns };
}

/**
 * An entry whose M:/R: people are parsed on first use: a report reads a handful
 * of the ~3000 entries, and parsing them all dominated loading MAINTAINERS.
 */
function newEntry(title: string, line: number, endLine: number): MaintainersEntry {
  const fields: MaintainersLine[] = [];
  let maintainers: Person[] | undefined;
  let reviewers: Person[] | undefined;
  const people = (type: string) => fields.filter((f) => f.type === type).flatMap((f) => parsePeople(f.value));
  return {
    title, line, endLine, fields, lists: [], status: '', profiles: [],
    get maintainers() {
      return (maintainers ??= people('M'));
    },
    get reviewers() {
      return (reviewers ??= people('R'));
    },
  };
}

/** `Name <addr>`, `addr`, or several comma-separated. */
export function parsePeople(value: string): Person[] {
  const out: Person[] = [];
  for (const m of value.matchAll(/\s*("[^"]*"|[^<,]*?)\s*<([^>]+)>|([^\s<>,]+@[^\s<>,]+)/g)) {
    if (m[3]) out.push({ name: '', address: m[3], text: m[3] });
    else out.push({ name: m[1].replace(/^"(.*)"$/, '$1').trim(), address: m[2].trim(), text: `${m[1].trim()} <${m[2].trim()}>`.trim() });
  }
  return out;
}

function compile(p: Pattern): RegExp {
  if (p.re) return p.re;
  try {
    p.re = p.type === 'N' ? new RegExp(stripExtended(p.converted)) : new RegExp(`^${p.converted}`);
  } catch {
    // A Perl-only construct: fall back to a literal match rather than matching everything.
    const lit = p.raw.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    p.re = p.type === 'N' ? new RegExp(lit) : new RegExp(`^${lit}`);
  }
  return p.re;
}

/** Perl's /x: white space outside character classes is not part of the pattern. */
function stripExtended(re: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      out += c + (re[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') break;
    else if (!/\s/.test(c)) out += c;
  }
  return out;
}

const slashes = (s: string) => s.split('/').length - 1;

/** The value as get_maintainer.pl holds it: with `/` appended when it names a directory. */
function effectiveValue(p: Pattern, mf: MaintainersFile, host: FileSystemHost): string {
  if (p.converted.endsWith('/')) return p.converted;
  if (p.dir === undefined) p.dir = !!host.stat(path.join(mf.root, p.converted))?.isDirectory;
  return p.dir ? `${p.converted}/` : p.converted;
}

/** get_maintainer.pl's file_match_pattern for one F:/X: pattern. */
function fileMatches(file: string, p: Pattern, mf: MaintainersFile, host: FileSystemHost): { value: string } | undefined {
  // The bare value is a prefix of the directory value grown a `/`: no match here, no match there.
  if (!compile(p).test(file)) return undefined;
  const value = effectiveValue(p, mf, host);
  if (value.endsWith('/')) {
    if (value === p.converted || new RegExp(`^${value}`).test(file)) return { value };
    return undefined;
  }
  return slashes(file) === slashes(value) ? { value } : undefined;
}

/**
 * The entries covering `file` (relative to the tree root, `/`-separated; a
 * directory ends in `/`), most specific first. Ties keep MAINTAINERS order
 * (get_maintainer.pl's order for ties depends on Perl's hash order).
 */
export function entriesFor(mf: MaintainersFile, file: string, host: FileSystemHost): EntryMatch[] {
  const out: EntryMatch[] = [];
  for (const i of candidateEntries(mf, file)) {
    const entry = mf.entries[i];
    const pats = mf.patterns[i];
    if (pats.some((p) => p.type === 'X' && fileMatches(file, p, mf, host))) continue;
    let hit: EntryMatch | undefined;
    for (const p of pats) {
      if (p.type === 'F') {
        const m = fileMatches(file, p, mf, host);
        if (!m) continue;
        let depth = slashes(m.value);
        if (!m.value.endsWith('/')) depth++;
        if (m.value.startsWith('.*')) depth = -1;
        hit = { entry, depth, pattern: p.raw, via: 'F' };
      } else if (p.type === 'N' && compile(p).test(file)) {
        hit = { entry, depth: 0, pattern: p.raw, via: 'N' };
      }
    }
    if (hit) out.push(hit);
  }
  return out.map((m, i) => ({ m, i })).sort((a, b) => b.m.depth - a.m.depth || a.i - b.i).map((x) => x.m);
}

/**
 * Entries that can possibly cover `file`, in MAINTAINERS order. An F: value
 * matches only paths starting with its literal part (up to the first wildcard),
 * so each F: entry is filed under that part's directory and only the
 * directories above `file` are looked up; N: regexes match anywhere and are
 * always tried. (Matching every pattern of ~3000 entries per file was the
 * slowest part of a whole-driver check.)
 */
function candidateEntries(mf: MaintainersFile, file: string): number[] {
  const index = (mf.byDirectory ??= indexByDirectory(mf));
  const found = new Set<number>(index.anywhere);
  const parts = file.split('/');
  for (let n = 0; n <= parts.length; n++) {
    for (const e of index.dirs.get(parts.slice(0, n).join('/')) ?? []) found.add(e);
  }
  return [...found].sort((a, b) => a - b);
}

function indexByDirectory(mf: MaintainersFile): NonNullable<MaintainersFile['byDirectory']> {
  const dirs = new Map<string, number[]>();
  const anywhere: number[] = [];
  mf.patterns.forEach((pats, i) => {
    if (pats.some((p) => p.type === 'N')) anywhere.push(i);
    for (const p of pats) {
      if (p.type !== 'F') continue;
      const literal = p.raw.trim().split(/[*?[\\]/)[0];
      const dir = literal.includes('/') ? literal.slice(0, literal.lastIndexOf('/')) : '';
      const list = dirs.get(dir) ?? dirs.set(dir, []).get(dir)!;
      if (list[list.length - 1] !== i) list.push(i);
    }
  });
  return { dirs, anywhere };
}

/** Entries for several files, merged: each entry once, at its highest depth, deepest first. */
export function entriesForFiles(mf: MaintainersFile, files: string[], host: FileSystemHost): EntryMatch[] {
  const best = new Map<MaintainersEntry, { match: EntryMatch; order: number }>();
  let order = 0;
  for (const f of files) {
    for (const m of entriesFor(mf, f, host)) {
      const have = best.get(m.entry);
      if (!have) best.set(m.entry, { match: m, order: order++ });
      else if (m.depth > have.match.depth) have.match = m;
    }
  }
  return [...best.values()].sort((a, b) => b.match.depth - a.match.depth || a.order - b.order).map((x) => x.match);
}

export interface Recipients {
  /** Maintainers and reviewers, deduplicated by name or address like get_maintainer.pl. */
  people: { person: Person; role: 'maintainer' | 'reviewer'; entry: string }[];
  lists: { list: MailingList; entry: string }[];
}

/**
 * What `get_maintainer.pl --nogit --nogit-fallback` prints for these files:
 * M: and R: people of each covering entry in order, then mailing lists
 * (subscribers-only lists and the chief penguin left out, as it does).
 */
export function recipientsFor(mf: MaintainersFile, files: string[], host: FileSystemHost): Recipients {
  const acc = newRecipients();
  for (const f of files) for (const m of entriesFor(mf, f, host)) addEntry(acc, m.entry);
  return acc.out;
}

export function newRecipients() {
  const names = new Set<string>();
  const addresses = new Set<string>();
  const listSeen = new Set<string>();
  const out: Recipients = { people: [], lists: [] };
  return { names, addresses, listSeen, out };
}

export function addEntry(acc: ReturnType<typeof newRecipients>, entry: MaintainersEntry, only?: 'maintainer' | 'reviewer'): void {
  for (const field of entry.fields) {
    if ((field.type === 'M' || field.type === 'R') && (!only || only === (field.type === 'M' ? 'maintainer' : 'reviewer'))) {
      for (const person of parsePeople(field.value)) {
        const name = person.name.toLowerCase();
        const address = person.address.toLowerCase();
        if (address === PENGUIN_CHIEF) continue;
        if ((name && acc.names.has(name)) || acc.addresses.has(address)) continue;
        if (name) acc.names.add(name);
        acc.addresses.add(address);
        acc.out.people.push({ person, role: field.type === 'M' ? 'maintainer' : 'reviewer', entry: entry.title });
      }
    } else if (field.type === 'L' && !only) {
      const lm = /^(\S+)\s*(.*)$/.exec(field.value);
      if (!lm || /subscribers-only/.test(lm[2]) || acc.listSeen.has(lm[1].toLowerCase())) continue;
      acc.listSeen.add(lm[1].toLowerCase());
      acc.out.lists.push({ list: { address: lm[1], note: lm[2] }, entry: entry.title });
    }
  }
}

/** Entries whose F:/N: patterns are about this directory itself (or something below it), not a parent. */
export function ownEntries(
  mf: MaintainersFile, relDir: string, files: string[], host: FileSystemHost,
  covering = entriesForFiles(mf, files.length ? files : [`${relDir.replace(/\/+$/, '')}/`], host),
): EntryMatch[] {
  const dir = relDir.replace(/\/+$/, '');
  return covering.filter((m) => {
    if (m.via !== 'F') return false;
    const literal = m.pattern.trim().split(/[*?[]/)[0].replace(/\/+$/, '');
    return literal === dir || literal.startsWith(`${dir}/`);
  });
}

/** The entry whose P: names the vfio-pci variant driver acceptance document. */
export function acceptanceEntry(mf: MaintainersFile): MaintainersEntry | undefined {
  return mf.entries.find((e) => e.profiles.includes(ACCEPTANCE_DOC));
}

export function entryByTitle(mf: MaintainersFile, title: string): MaintainersEntry | undefined {
  return mf.entries.find((e) => e.title.trim() === title);
}

/** `[A-Z]` titles compared the way MAINTAINERS is kept sorted (case-insensitive). */
function titleKey(t: string): string {
  return t.toUpperCase();
}

/**
 * Where a new entry titled `title` goes: before the first entry that sorts
 * after it, never after THE REST (which closes the file by convention).
 * Returns the 0-based line to insert at.
 */
export function insertionLine(mf: MaintainersFile, title: string): number {
  const key = titleKey(title);
  const rest = mf.entries.find((e) => e.title.trim() === 'THE REST');
  for (const e of mf.entries) {
    if (e === rest) continue;
    if (titleKey(e.title) > key) return e.line;
  }
  if (rest) return rest.line;
  const last = mf.entries[mf.entries.length - 1];
  return last ? last.endLine + 2 : mf.lineStarts.length;
}

// ------------------------------------------------------------------ loading

export interface MaintainersLocation {
  root: string;
  /** The driver directory lies inside `root`. */
  inTree: boolean;
}

/**
 * Loads and caches MAINTAINERS per kernel tree (re-read when its size or
 * mtime changes), and remembers which tree each driver directory sits in.
 */
export class MaintainersIndex {
  private readonly files = new Map<string, { stamp: string; file: MaintainersFile | undefined }>();
  private readonly trees = new Map<string, string | undefined>();

  constructor(private readonly host: FileSystemHost) {}

  get fileSystem(): FileSystemHost {
    return this.host;
  }

  /** The kernel tree holding `dir` (walking up), else `explicitRoot` if it has MAINTAINERS. */
  locate(dir: string, explicitRoot?: string): MaintainersLocation | undefined {
    const abs = path.resolve(dir);
    if (!this.trees.has(abs)) {
      let found: string | undefined;
      for (let d = abs, i = 0; i < 64; i++) {
        if (looksLikeKernelRoot(d, this.host)) {
          found = d;
          break;
        }
        const up = path.dirname(d);
        if (up === d) break;
        d = up;
      }
      this.trees.set(abs, found);
    }
    const tree = this.trees.get(abs);
    if (tree) return { root: tree, inTree: true };
    if (explicitRoot && this.host.stat(path.join(explicitRoot, 'MAINTAINERS'))?.isFile) return { root: path.resolve(explicitRoot), inTree: false };
    return undefined;
  }

  load(root: string): MaintainersFile | undefined {
    const file = path.join(root, 'MAINTAINERS');
    const st = this.host.stat(file);
    const stamp = st ? `${st.size}:${st.mtimeMs}` : 'missing';
    const cached = this.files.get(root);
    if (cached && cached.stamp === stamp) return cached.file;
    let parsed: MaintainersFile | undefined;
    const bytes = st ? this.host.readBytes(file) : undefined;
    const decoded = bytes ? decodeSource(bytes) : undefined;
    if (decoded?.ok) parsed = parseMaintainers(decoded.text, file, root);
    this.files.set(root, { stamp, file: parsed });
    return parsed;
  }
}

/** A path relative to the tree root with `/` separators. */
export function treeRelative(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}
