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
 * The text is read as far as a question needs (MaintainersFile): a check
 * reads a few hundred of its ~25,000 lines.
 *
 * Plain TypeScript: the MAINTAINERS text and directory checks come through the host.
 */
import * as path from 'path';
import { decodeSource, type FileSystemHost } from '../host';
import { looksLikeKernelRoot } from '../model/kernelTree';

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

export interface EntryMatch {
  entry: MaintainersEntry;
  /** get_maintainer.pl's pattern depth: higher is more specific. */
  depth: number;
  /** The F: or N: value that matched (the last one, as get_maintainer.pl keeps). */
  pattern: string;
  via: 'F' | 'N';
}

/** An F:, X: or N: value, compiled on first use. */
interface Pattern {
  type: 'F' | 'X' | 'N';
  raw: string;
  /** Perl-converted value, before the directory check. */
  converted: string;
  /** Offset of its line: of an entry's values that match, the last one counts. */
  offset: number;
  /**
   * F:/X: values without regex syntax that get_maintainer.pl leaves live (`|`
   * anywhere; `+`, `(`, `{` ... before the first wildcard): the literal part
   * before the first wildcard. Every path such a value matches starts with
   * it, so the value only matches below the directory it is indexed under.
   */
  prefix?: string;
  /**
   * Text every path the value matches contains: for F:/X: globs (no regex
   * syntax but `*` and `?`) the literal parts after the first wildcard, for
   * simple N: regexes the runs of literal characters (requiredParts).
   */
  parts?: string[];
  /**
   * The regex is plain text (no wildcard or regex syntax): F:/X: match the
   * paths starting with it, N: those containing it. Most values are, and
   * compiling ~100 regexes cost more than the rest of a check's matching.
   */
  text?: string;
  re?: RegExp;
  /** The regex of the value grown a `/` (a directory). */
  dirRe?: RegExp;
  /** Resolved lazily: does the converted value name a directory (get_maintainer.pl's `-d`)? */
  dir?: boolean;
}

/**
 * get_maintainer.pl's reading of a line (one trailing `\r` dropped): a type
 * line `X: value`; a blank or `#` line, skipped without ending the entry; or
 * else a title. As regexes for whole lines at an offset of the text, so that
 * no line is cut out to be classified and the regex engine can run over many
 * lines at once. `(?=(x*))\2` is an atomic x*, which keeps them linear.
 */
const TYPE_LINE = String.raw`([A-Z]):(?=([^\S\n]*))\2([^\n\r\u2028\u2029]*)\r?(?:\n|(?![^]))`;
const SKIPPED_LINE = String.raw`[^\S\n]*(?:#[^\n]*)?(?:\n|(?![^]))`;
/** A type line at lastIndex: type, value in groups 1 and 3. */
const TYPE_LINE_AT = new RegExp(TYPE_LINE, 'y');
/** A line at lastIndex that is not a title. */
const NON_TITLE_AT = new RegExp(`(?:${TYPE_LINE}|${SKIPPED_LINE})`, 'y');
/** The lines from lastIndex up to the next title (or the end). */
const NON_TITLES_AT = new RegExp(`(?:${TYPE_LINE}|${SKIPPED_LINE})*`, 'y');
/** Skipped lines, then a type line: what makes the title above an entry's. */
const ENTRY_BODY_AT = new RegExp(`(?:${SKIPPED_LINE})*${TYPE_LINE}`, 'y');

function execAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** The start of the first title line at or after the line start `from`, or the text's length. */
function nextTitle(text: string, from: number): number {
  return from >= text.length || !execAt(NON_TITLES_AT, text, from) ? text.length : NON_TITLES_AT.lastIndex;
}

/** The N: and X: lines of an entry's body and the F: lines that are not plain (Pattern.prefix), and some others. */
const UNINDEXED_CANDIDATE = /^(?:[NX]:|F:(?=([^\S\n]*))\1(?:[^\n]*\||[^*?[\\\n]*[$()+{}^\]]))/gm;

function lineEnd(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? text.length : nl;
}

/** The line starting at `start`, without one trailing `\r`. */
function lineAt(text: string, start: number): string {
  let end = lineEnd(text, start);
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, end);
}

/**
 * The type line where a multiline regex (`^...`, global) matched in `text`,
 * or null when that is not a line start (`^` also matches after `\r`, U+2028
 * and U+2029) or not a type line. Moves the regex on to the next line.
 */
function typeLineAt(re: RegExp, text: string, start: number): RegExpExecArray | null {
  re.lastIndex = lineEnd(text, start) + 1;
  return start === 0 || text.charCodeAt(start - 1) === 10 ? execAt(TYPE_LINE_AT, text, start) : null;
}

const WILDCARDS = ['*', '?', '[', '\\'];
/** An N: regex that Perl's /x leaves as it is and that holds no regex syntax: plain text. */
const PLAIN_REGEX = /^[^\s#\\^$.*+?()[\]{}|]*$/;
/** Regex syntax that get_maintainer.pl leaves live in an F: value (it converts `.`, `*` and `?`). */
const LIVE_SYNTAX = /[\\^$+()[\]{}|]/;

/**
 * The part of an F: value before its first wildcard. (String operations
 * rather than a regex, here and in newPattern: each distinct regex costs a
 * cold check some 50 us to compile.)
 */
function literalOf(value: string): string {
  const v = value.trim();
  let end = v.length;
  for (const wildcard of WILDCARDS) {
    const at = v.indexOf(wildcard);
    if (at >= 0 && at < end) end = at;
  }
  return v.slice(0, end);
}

/** The directory an F: value is indexed under: where its literal part lies. */
function literalDir(value: string): string {
  const literal = literalOf(value);
  return literal.includes('/') ? literal.slice(0, literal.lastIndexOf('/')) : '';
}

/** `a/b` of `a/b/c/...` (the whole path when it has one `/`), undefined without `/`. */
function subtreeOf(p: string): string | undefined {
  const first = p.indexOf('/');
  if (first < 0) return undefined;
  const second = p.indexOf('/', first + 1);
  return second < 0 ? p : p.slice(0, second);
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function newPattern(type: string, value: string, offset: number): Pattern {
  if (type === 'N') {
    const source = PLAIN_REGEX.test(value) ? value : stripExtended(value);
    if (PLAIN_REGEX.test(source)) return { type, raw: value, converted: value, offset, text: source };
    const p: Pattern = { type, raw: value, converted: value, offset };
    try {
      p.re = new RegExp(source);
      p.parts = requiredParts(source);
    } catch {
      // Not a JS regex: compile() falls back to the text.
    }
    return p;
  }
  const p: Pattern = {
    type: type === 'X' ? 'X' : 'F',
    raw: value,
    converted: value.replaceAll('.', '\\.').replaceAll('*', '.*').replaceAll('?', '.'),
    offset,
  };
  const literal = literalOf(value);
  if (value.includes('|') || LIVE_SYNTAX.test(literal)) return p;
  p.prefix = literal;
  if (literal === value) p.text = value;
  else if (!LIVE_SYNTAX.test(value))
    p.parts = value
      .replaceAll('?', '*')
      .split('*')
      .slice(1)
      .filter((part) => part);
  return p;
}

/**
 * Literal text any match of `source` contains, when it is simple enough to
 * tell (no group, alternative, escape or `{}` quantifier): the runs of plain
 * characters between classes, `.`, anchors and quantifiers, less a character
 * that `?` or `*` makes optional. `bcm[9]?6878`: bcm, 6878.
 */
function requiredParts(source: string): string[] | undefined {
  if (/[\\|(){}]/.test(source)) return undefined;
  const parts: string[] = [];
  let run = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '*' || c === '?' || c === '+' || c === '[' || c === '.' || c === '^' || c === '$') {
      parts.push(c === '*' || c === '?' ? run.slice(0, -1) : run);
      run = '';
      if (c === '[') i = source.indexOf(']', i + 1);
    } else run += c;
  }
  parts.push(run);
  return parts.filter((part) => part);
}

interface TypeLine {
  type: string;
  value: string;
  /** Lines below the entry's title. */
  below: number;
}

/**
 * An entry read on first use: a check needs the titles of the entries
 * covering a driver and the values of a few dozen; fields, people and line
 * numbers are for the report and the quick fix.
 */
class Entry implements MaintainersEntry {
  private typeLines?: TypeLine[];
  private details?: { fields: MaintainersLine[]; lists: MailingList[]; status: string; profiles: string[] };
  private matchers?: { unindexed: Pattern[]; excludes: Pattern[] };
  private people?: { maintainers?: Person[]; reviewers?: Person[] };

  constructor(
    private readonly file: MaintainersFile,
    /** Offset of the title line. */ readonly offset: number,
    readonly title: string,
  ) {}

  get line(): number {
    return this.file.lineOf(this.offset);
  }

  get endLine(): number {
    const lines = this.lines();
    return this.line + lines[lines.length - 1].below;
  }

  get fields(): MaintainersLine[] {
    return this.describe().fields;
  }

  get lists(): MailingList[] {
    return this.describe().lists;
  }

  get status(): string {
    return this.describe().status;
  }

  get profiles(): string[] {
    return this.describe().profiles;
  }

  get maintainers(): Person[] {
    const people = (this.people ??= {});
    return (people.maintainers ??= this.peopleOf('M'));
  }

  get reviewers(): Person[] {
    const people = (this.people ??= {});
    return (people.reviewers ??= this.peopleOf('R'));
  }

  /** N: regexes and the F: values that are not plain: tried on every path the entry is a candidate for. */
  get unindexed(): Pattern[] {
    return this.readMatchers().unindexed;
  }

  /** X: values. */
  get excludes(): Pattern[] {
    return this.readMatchers().excludes;
  }

  /** The type lines below the title, up to the next title. */
  private lines(): TypeLine[] {
    if (!this.typeLines) {
      const text = this.file.text;
      const lines: TypeLine[] = [];
      for (let start = lineEnd(text, this.offset) + 1, below = 1; start <= text.length; start = lineEnd(text, start) + 1, below++) {
        const m = execAt(TYPE_LINE_AT, text, start);
        if (m) lines.push({ type: m[1], value: m[3], below });
        else if (!execAt(NON_TITLE_AT, text, start)) break;
      }
      this.typeLines = lines;
    }
    return this.typeLines;
  }

  private describe(): NonNullable<Entry['details']> {
    if (!this.details) {
      const line = this.line;
      const details: NonNullable<Entry['details']> = { fields: [], lists: [], status: '', profiles: [] };
      for (const { type, value, below } of this.lines()) {
        details.fields.push({ type, value, line: line + below });
        if (type === 'L') {
          const lm = /^(\S+)\s*(.*)$/.exec(value);
          if (lm) details.lists.push({ address: lm[1], note: lm[2] });
        } else if (type === 'S') details.status = value;
        else if (type === 'P') details.profiles.push(value.trim());
      }
      this.details = details;
    }
    return this.details;
  }

  private peopleOf(type: string): Person[] {
    return this.lines()
      .filter((l) => l.type === type)
      .flatMap((l) => parsePeople(l.value));
  }

  /** Only the lines holding N:, X: and odd F: values are read, with a regex over the entry's body. */
  private readMatchers(): NonNullable<Entry['matchers']> {
    if (!this.matchers) {
      const text = this.file.text;
      const bodyStart = lineEnd(text, this.offset) + 1;
      const body = text.slice(bodyStart, nextTitle(text, bodyStart));
      const matchers: NonNullable<Entry['matchers']> = { unindexed: [], excludes: [] };
      UNINDEXED_CANDIDATE.lastIndex = 0;
      for (let m; (m = UNINDEXED_CANDIDATE.exec(body));) {
        const line = typeLineAt(UNINDEXED_CANDIDATE, body, m.index);
        if (!line) continue;
        const p = newPattern(line[1], line[3], bodyStart + m.index);
        if (p.type === 'X') matchers.excludes.push(p);
        else if (p.prefix === undefined) matchers.unindexed.push(p);
      }
      this.matchers = matchers;
    }
    return this.matchers;
  }
}

/** An F: value and its entry, as filed under a directory. */
interface IndexedPattern {
  entry: Entry;
  pattern: Pattern;
}

/**
 * MAINTAINERS, read as far as a question needs: the text is not split into
 * lines; regex scans find the lines a lookup needs, and the entry above each.
 * Reading every line of the ~800 KB file was most of a cold check's
 * MAINTAINERS time.
 */
export class MaintainersFile {
  readonly eol: string;
  /** Entries with an N: regex, in file order; collected with the top directory (index()). */
  readonly regexEntries: Entry[] = [];
  /** By the offset of the title line: an entry is one object however it was reached. */
  private readonly entryByOffset = new Map<number, Entry>();
  private entryList?: Entry[];
  private starts?: number[];
  /** F: values by the directory they are indexed under (literalDir). */
  private readonly byDirectory = new Map<string, IndexedPattern[]>();
  /** Directories (no `/`) and subtrees (subtreeOf) whose F: values byDirectory holds. */
  private readonly indexed = new Set<string>();

  constructor(
    readonly text: string,
    readonly path: string,
    readonly root: string,
  ) {
    this.eol = text.slice(0, 4096).includes('\r\n') ? '\r\n' : '\n';
  }

  /** All entries in file order: a title line followed (blank and `#` lines aside) by a type line. */
  get entries(): MaintainersEntry[] {
    if (!this.entryList) {
      const text = this.text;
      const list: Entry[] = [];
      for (let title = nextTitle(text, 0); title < text.length;) {
        const next = lineEnd(text, title) + 1;
        if (execAt(ENTRY_BODY_AT, text, next)) list.push(this.entryAt(title));
        title = nextTitle(text, next);
      }
      this.entryList = list;
    }
    return this.entryList;
  }

  /** Offset of the start of each 0-based line. */
  get lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      for (let nl = this.text.indexOf('\n'); nl >= 0; nl = this.text.indexOf('\n', nl + 1)) starts.push(nl + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The F: values indexed under the directories above `file` (and under
   * `file` itself): every plain value (Pattern.prefix) that can match it.
   * index() must have seen `file`.
   */
  indexedFor(file: string): IndexedPattern[] {
    const out: IndexedPattern[] = [];
    const add = (dir: string) => {
      const list = this.byDirectory.get(dir);
      if (list) out.push(...list);
    };
    add('');
    for (let slash = file.indexOf('/'); slash >= 0; slash = file.indexOf('/', slash + 1)) add(file.slice(0, slash));
    add(file);
    return out;
  }

  /**
   * Indexes the F: values `files` can be matched by (indexedFor), in one scan
   * for what is not indexed yet: values in the top directory or a first path
   * component (no further `/` in their literal part), and values in the
   * two-component subtree of each file; the first scan also collects the
   * entries with N: regexes. A check of all drivers under drivers/vfio/pci
   * scans once.
   */
  index(files: string[]): void {
    const dirs = new Set<string>();
    const subtrees = new Set<string>();
    for (const file of files) {
      for (const dir of ['', file.split('/', 1)[0]]) if (!this.indexed.has(dir)) dirs.add(dir);
      const subtree = subtreeOf(file);
      if (subtree !== undefined && !this.indexed.has(subtree)) subtrees.add(subtree);
    }
    if (!dirs.size && !subtrees.size) return;
    const alternatives: string[] = [];
    if (dirs.size) {
      const named = [...dirs].filter((d) => d).map((d) => `${escapeRegex(d)}/`);
      const under = named.length ? `(?:${named.join('|')})${dirs.has('') ? '?' : ''}` : '';
      alternatives.push(`${under}(?=([^/*?[\\\\\\n]*))\\2(?:[*?[\\\\]|$)`);
    }
    for (const subtree of subtrees) alternatives.push(`${escapeRegex(subtree)}/`);
    // Atomic (`(?=(x*))\1` is x* without backtracking), so a long line is not tried from each of its positions.
    const re = new RegExp(`^(?:${dirs.has('') ? 'N:|' : ''}F:(?=([^\\S\\n]*))\\1(?:${alternatives.join('|')}))`, 'gm');

    let previous: { start: number; entry: Entry | undefined } | undefined;
    for (let m; (m = re.exec(this.text));) {
      const start = m.index;
      const line = typeLineAt(re, this.text, start);
      if (!line) continue;
      const [, type, , value] = line;
      let dir: string | undefined;
      if (type === 'F') {
        dir = literalDir(value);
        const subtree = subtreeOf(dir);
        if (subtree === undefined ? !dirs.has(dir) : !subtrees.has(subtree)) continue;
      }
      const entry = this.entryAbove(start, previous);
      previous = { start, entry };
      if (!entry) continue;
      if (dir === undefined) {
        if (this.regexEntries[this.regexEntries.length - 1] !== entry) this.regexEntries.push(entry);
      } else {
        const list = this.byDirectory.get(dir) ?? this.byDirectory.set(dir, []).get(dir)!;
        list.push({ entry, pattern: newPattern(type, value, start) });
      }
    }
    for (const key of [...dirs, ...subtrees]) this.indexed.add(key);
  }

  /** The first entry with this P: value. */
  entryWithProfile(profile: string): MaintainersEntry | undefined {
    const re = /^P:/gm;
    let previous: { start: number; entry: Entry | undefined } | undefined;
    for (let m; (m = re.exec(this.text));) {
      const start = m.index;
      const line = typeLineAt(re, this.text, start);
      if (!line) continue;
      const entry = this.entryAbove(start, previous);
      previous = { start, entry };
      if (entry && line[3].trim() === profile) return entry;
    }
    return undefined;
  }

  private entryAt(titleStart: number): Entry {
    let entry = this.entryByOffset.get(titleStart);
    if (!entry) this.entryByOffset.set(titleStart, (entry = new Entry(this, titleStart, lineAt(this.text, titleStart))));
    return entry;
  }

  /**
   * The entry of the type line at `start`: the nearest title above it (none
   * above: type lines before any title belong to no entry). `previous`, an
   * earlier type line of the same scan, ends the walk early.
   */
  private entryAbove(start: number, previous?: { start: number; entry: Entry | undefined }): Entry | undefined {
    const text = this.text;
    for (let s = start; s > 0;) {
      s = s < 2 ? 0 : text.lastIndexOf('\n', s - 2) + 1;
      if (previous && s === previous.start) return previous.entry;
      if (!execAt(NON_TITLE_AT, text, s)) return this.entryAt(s);
    }
    return undefined;
  }
}

/** Parses MAINTAINERS text (lazily). `root` is the directory it sits in (F: values are relative to it). */
export function parseMaintainers(text: string, file: string, root = path.dirname(file)): MaintainersFile {
  return new MaintainersFile(text, file, root);
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
    p.re = p.type === 'N' ? new RegExp(escapeRegex(p.raw)) : new RegExp(`^${escapeRegex(p.raw)}`);
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
    else if (c.trim()) out += c; // not white space (trim's is \s's)
  }
  return out;
}

function slashes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) n++;
  return n;
}

/** The value as get_maintainer.pl holds it: with `/` appended when it names a directory. */
function effectiveValue(p: Pattern, mf: MaintainersFile, host: FileSystemHost): string {
  if (p.converted.endsWith('/')) return p.converted;
  if (p.dir === undefined) p.dir = !!host.stat(path.join(mf.root, p.converted))?.isDirectory;
  return p.dir ? `${p.converted}/` : p.converted;
}

/** Does the value's regex (F:/X: anchored at the start, N: anywhere) match `file`? */
function regexMatches(p: Pattern, file: string): boolean {
  if (p.text !== undefined) return p.type === 'N' ? file.includes(p.text) : file.startsWith(p.text);
  if (p.prefix !== undefined && !file.startsWith(p.prefix)) return false;
  if (p.parts && !p.parts.every((part) => file.includes(part))) return false;
  return compile(p).test(file);
}

/** get_maintainer.pl's file_match_pattern for one F:/X: pattern. */
function fileMatches(file: string, p: Pattern, mf: MaintainersFile, host: FileSystemHost): { value: string } | undefined {
  // The bare value is a prefix of the directory value grown a `/`: no match here, no match there.
  if (!regexMatches(p, file)) return undefined;
  const value = effectiveValue(p, mf, host);
  if (value.endsWith('/')) {
    if (value === p.converted) return { value };
    const below = p.text !== undefined ? file.startsWith(`${p.text}/`) : (p.dirRe ??= new RegExp(`^${value}`)).test(file);
    return below ? { value } : undefined;
  }
  return slashes(file) === slashes(value) ? { value } : undefined;
}

/**
 * The entries covering `file` (relative to the tree root, `/`-separated; a
 * directory ends in `/`), most specific first. Ties keep MAINTAINERS order
 * (get_maintainer.pl's order for ties depends on Perl's hash order).
 */
export function entriesFor(mf: MaintainersFile, file: string, host: FileSystemHost): EntryMatch[] {
  mf.index([file]);
  return indexedEntriesFor(mf, file, host);
}

/**
 * entriesFor once `file` is indexed. The candidates are the entries with an
 * F: value indexed above `file` and those with an N: regex; of a candidate's
 * values only those that can match are tried.
 */
function indexedEntriesFor(mf: MaintainersFile, file: string, host: FileSystemHost): EntryMatch[] {
  const hits = new Map<Entry, { offset: number; match: EntryMatch }>();
  const tryPattern = (entry: Entry, p: Pattern) => {
    const have = hits.get(entry);
    if (have && have.offset >= p.offset) return;
    const match = matchOf(entry, p, file, mf, host);
    if (match) hits.set(entry, { offset: p.offset, match });
  };
  const candidates = new Set<Entry>(mf.regexEntries);
  for (const { entry, pattern } of mf.indexedFor(file)) {
    candidates.add(entry);
    tryPattern(entry, pattern);
  }
  for (const entry of candidates) for (const p of entry.unindexed) tryPattern(entry, p);
  const out: EntryMatch[] = [];
  for (const [entry, { match }] of [...hits].sort(([a], [b]) => a.offset - b.offset)) {
    if (!entry.excludes.some((p) => fileMatches(file, p, mf, host))) out.push(match);
  }
  // Array sort is stable: ties keep MAINTAINERS order.
  return out.sort((a, b) => b.depth - a.depth);
}

function matchOf(entry: Entry, p: Pattern, file: string, mf: MaintainersFile, host: FileSystemHost): EntryMatch | undefined {
  if (p.type === 'N') return regexMatches(p, file) ? { entry, depth: 0, pattern: p.raw, via: 'N' } : undefined;
  const m = fileMatches(file, p, mf, host);
  if (!m) return undefined;
  let depth = slashes(m.value);
  if (!m.value.endsWith('/')) depth++;
  if (m.value.startsWith('.*')) depth = -1;
  return { entry, depth, pattern: p.raw, via: 'F' };
}

/** Entries for several files, merged: each entry once, at its highest depth, deepest first. */
export function entriesForFiles(mf: MaintainersFile, files: string[], host: FileSystemHost): EntryMatch[] {
  const best = new Map<MaintainersEntry, { match: EntryMatch; order: number }>();
  let order = 0;
  mf.index(files);
  for (const f of files) {
    for (const m of indexedEntriesFor(mf, f, host)) {
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
  mf: MaintainersFile,
  relDir: string,
  files: string[],
  host: FileSystemHost,
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
  return mf.entryWithProfile(ACCEPTANCE_DOC);
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
    if (explicitRoot && this.host.stat(path.join(explicitRoot, 'MAINTAINERS'))?.isFile)
      return { root: path.resolve(explicitRoot), inTree: false };
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
