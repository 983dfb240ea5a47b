/** The MAINTAINERS text, read as far as a question needs: its entries, indexed by directory. */
import * as path from 'path';
import {
  ENTRY_BODY_AT,
  NON_TITLE_AT,
  TYPE_LINE_AT,
  UNINDEXED_CANDIDATE,
  execAt,
  lineAt,
  lineEnd,
  nextTitle,
  parsePeople,
  typeLineAt,
} from './lines';
import { type Pattern, escapeRegex, literalDir, newPattern, subtreeOf } from './patterns';
import type { MailingList, MaintainersEntry, MaintainersLine, Person } from './types';

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
export class Entry implements MaintainersEntry {
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
