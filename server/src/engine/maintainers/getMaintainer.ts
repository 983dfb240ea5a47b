/**
 * The To/Cc list in `scripts/get_maintainer.pl --nogit --nogit-fallback`'s
 * format, and the parent drivers' owners on top of it.
 *
 * get_maintainer.pl, for each file in order, sorts the covering entries by
 * pattern depth and walks them: M: people (role from S:: `maintainer`,
 * `supporter`, ...), R: people (`reviewer`), L: lists (`open list`,
 * `moderated list`; subscribers-only left out), each person once (by name or
 * address), each list once, titles cut at 50 characters; the chief penguin is
 * dropped; people first, then lists. For a patch it also matches K: keywords
 * against the patch text.
 *
 * One thing it does not do the same way twice: entries of equal depth come in
 * Perl's randomized hash order, so a person named by two such entries (Yishai
 * Hadas, by VFIO MLX5 PCI DRIVER and VFIO PCI DEVICE SPECIFIC DRIVERS, both
 * depth 4) gets the one role in one run and the other in the next. Here ties
 * keep MAINTAINERS order, and the other roles such a person (or list) can get
 * follow as `alternative` lines, so that every line get_maintainer.pl may
 * print is there; without role stats they are the same line and print once.
 *
 * Parent owners: the entries the report (report.ts, "who must look") found
 * for the headers that declare each parent API, every person and list of
 * them, marked `parent owner:<parent>` (M:, whose Acked-by the acceptance
 * document asks for) or `parent:<parent>` (R:, L:); `probable parent owner`
 * when only a name-alike entry was found (report.ts's probable owners).
 */
import { entriesFor, parsePeople, type MaintainersEntry, type MaintainersFile } from './maintainers';
import type { FileSystemHost } from '../host';

export interface CcLine {
  kind: 'person' | 'list';
  /** The MAINTAINERS field: M, R or L. */
  field: 'M' | 'R' | 'L';
  /** What get_maintainer.pl prints without role stats: `Name <address>`, or the list address. */
  email: string;
  /** What it prints in parentheses with role stats. */
  role: string;
  /** Another role get_maintainer.pl prints for the same recipient in some runs (ties of equal depth). */
  alternative?: boolean;
  /** The parent driver whose owners this line names. */
  parent?: string;
}

const SECTION_MAXLEN = 50;
const PENGUIN_CHIEF = 'torvalds@linux-foundation.org';

function subsystemName(title: string): string {
  return title.length > SECTION_MAXLEN ? `${title.slice(0, SECTION_MAXLEN - 3).replace(/\s*$/, '')}...` : title;
}

const STATUS_ROLES: Record<string, string> = {
  supported: 'supporter',
  maintained: 'maintainer',
  'odd fixes': 'odd fixer',
  orphan: 'orphan minder',
  obsolete: 'obsolete minder',
  'buried alive in reporters': 'chief penguin',
};

/** get_maintainer_role: the entry's (last) S: as a role, with the entry's title. */
export function maintainerRole(entry: MaintainersEntry): string {
  const status = (entry.status.trim() || 'unknown').toLowerCase();
  return `${STATUS_ROLES[status] ?? status}:${subsystemName(entry.title.trim())}`;
}

/** escape_name + format_email: names with anything but word characters, blanks and `-` are quoted. */
function formatEmail(name: string, address: string): string {
  let n = name.trim().replace(/^"|"$/g, '');
  if (/[^A-Za-z0-9_ -]/.test(n)) n = `"${n.replace(/(?<!\\)"/g, '\\"')}"`;
  return n ? `${n} <${address.trim()}>` : address.trim();
}

interface Candidate {
  line: CcLine;
  name: string;
  address: string;
}

/** The people and lists of one entry as add_categories sees them, each recipient once (its first field). */
function candidatesOf(entry: MaintainersEntry, suffix = ''): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const title = entry.title.trim();
  for (const f of entry.fields) {
    if (f.type === 'M' || f.type === 'R') {
      const role = f.type === 'M' ? maintainerRole(entry) : `reviewer:${subsystemName(title)}`;
      for (const p of parsePeople(f.value)) {
        const key = p.address.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          line: { kind: 'person', field: f.type, email: formatEmail(p.name, p.address), role: role + suffix },
          name: p.name.toLowerCase(),
          address: key,
        });
      }
    } else if (f.type === 'L') {
      const m = /^(\S+)\s*(.*)$/.exec(f.value.trim());
      if (!m || /subscribers-only/.test(m[2])) continue;
      const key = m[1].toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const listRole = title === 'THE REST' ? '' : `:${subsystemName(title)}`;
      const kind = /moderated/.test(m[2]) ? 'moderated list' : 'open list';
      out.push({ line: { kind: 'list', field: 'L', email: m[1], role: `${kind}${listRole}${suffix}` }, name: '', address: key });
    }
  }
  return out;
}

/**
 * The files get_maintainer.pl reads out of a patch, sorted and unique: both
 * names of `diff --git`, `rename from/to`, `mode change`, and the `---`/`+++`
 * names less their first component (`/dev/null` becoming `dev/null`, as there).
 */
export function patchFileNames(patchText: string): string[] {
  const files: string[] = [];
  for (const line of patchText.split('\n')) {
    let m;
    if ((m = /^ mode change [0-7]+ => [0-7]+ (\S+)\s*$/.exec(line))) files.push(m[1]);
    else if ((m = /^rename (?:from|to) (\S+)\s*$/.exec(line))) files.push(m[1]);
    else if ((m = /^diff --git a\/(\S+) b\/(\S+)\s*$/.exec(line))) files.push(m[1], m[2]);
    else if ((m = /^(?:\+\+\+|---)\s+(\S+)/.exec(line))) files.push(m[1].replace(/^[^/]*\//, ''));
  }
  return [...new Set(files)].sort();
}

export interface GetMaintainerOptions {
  /** A patch's text: K: keywords are matched against it as get_maintainer.pl does for a patch. */
  patchText?: string;
}

/**
 * What `get_maintainer.pl --nogit --nogit-fallback` prints for these
 * tree-relative files (a directory ends in `/`), with the alternative roles
 * of equal-depth entries (see above).
 */
export function getMaintainerLines(mf: MaintainersFile, files: string[], host: FileSystemHost, opts: GetMaintainerOptions = {}): CcLine[] {
  const names = new Set<string>();
  const addresses = new Set<string>();
  const lists = new Set<string>();
  const people: CcLine[] = [];
  const listLines: CcLine[] = [];
  const alternatives = new Map<CcLine, CcLine[]>();
  const inUse = (c: Candidate) =>
    c.line.kind === 'list' ? lists.has(c.address) : (c.name && names.has(c.name)) || addresses.has(c.address);
  const take = (c: Candidate) => {
    if (inUse(c)) return;
    if (c.line.kind === 'list') {
      lists.add(c.address);
      listLines.push(c.line);
    } else {
      if (c.name) names.add(c.name);
      addresses.add(c.address);
      people.push(c.line);
    }
  };
  const walkGroup = (group: Candidate[][]) => {
    // Who could come first in this group, whatever order Perl's hash gives its entries.
    const open = group.flat().filter((c) => !inUse(c));
    const before = new Set([...people, ...listLines]);
    for (const entry of group) for (const c of entry) take(c);
    const taken = [...people, ...listLines].filter((l) => !before.has(l));
    for (const c of open) {
      const primary = taken.find((l) => l.kind === c.line.kind && (l.email === c.line.email || sameRecipient(l, c)));
      if (!primary || (primary.email === c.line.email && primary.role === c.line.role)) continue;
      const alts = alternatives.get(primary) ?? alternatives.set(primary, []).get(primary)!;
      if (!alts.some((a) => a.email === c.line.email && a.role === c.line.role)) alts.push({ ...c.line, alternative: true });
    }
  };
  for (const file of files) {
    const matches = entriesFor(mf, file, host);
    for (let i = 0; i < matches.length;) {
      let j = i;
      while (j < matches.length && matches[j].depth === matches[i].depth) j++;
      walkGroup(matches.slice(i, j).map((m) => candidatesOf(m.entry)));
      i = j;
    }
  }
  if (opts.patchText !== undefined)
    for (const { entry, keyword } of keywordEntries(mf, opts.patchText)) walkGroup([candidatesOf(entry, `:Keyword:${keyword}`)]);

  const expand = (lines: CcLine[]) => lines.flatMap((l) => [l, ...(alternatives.get(l) ?? [])]);
  return [...expand(people).filter((l) => !l.email.toLowerCase().includes(`<${PENGUIN_CHIEF}>`)), ...expand(listLines)];
}

function sameRecipient(line: CcLine, c: Candidate): boolean {
  if (line.kind === 'list') return line.email.toLowerCase() === c.address;
  const m = /^(?:"?(.*?)"?\s*<([^>]+)>|(\S+))$/.exec(line.email);
  const name = (m?.[1] ?? '').toLowerCase();
  const address = (m?.[2] ?? m?.[3] ?? '').toLowerCase();
  return address === c.address || (!!name && name === c.name);
}

/**
 * Entries whose K: regex matches the patch the way get_maintainer.pl reads one:
 * any line before the first `---`/`+++` header (mail headers, commit message),
 * only `+`/`-` lines after it. Perl-only syntax a JS regex cannot take is skipped.
 */
function keywordEntries(mf: MaintainersFile, patchText: string): { entry: MaintainersEntry; keyword: string }[] {
  const lines = patchText.split('\n');
  const diffStart = lines.findIndex((l) => /^(?:\+\+\+|---)\s+\S/.test(l));
  const head = diffStart < 0 ? lines : lines.slice(0, diffStart);
  const body = diffStart < 0 ? [] : lines.slice(diffStart).filter((l) => /^[+-]/.test(l));
  const out: { entry: MaintainersEntry; keyword: string }[] = [];
  for (const entry of mf.entries) {
    for (const f of entry.fields) {
      if (f.type !== 'K') continue;
      const re = perlRegex(f.value);
      if (re && (head.some((l) => re.test(l)) || body.some((l) => re.test(l)))) {
        out.push({ entry, keyword: f.value });
        break;
      }
    }
  }
  return out;
}

/** A K: value (Perl, /x) as a JS regex, or undefined. */
function perlRegex(value: string): RegExp | undefined {
  let source = '';
  let inClass = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      source += c + (value[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      source += c;
    } else if (c === '[') {
      inClass = true;
      source += c;
    } else if (c === '#') break;
    else if (c.trim()) source += c;
  }
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

/** The recipients of whole entries in get_maintainer.pl's order (no files to match: a driver outside the tree). */
export function linesForEntries(entries: MaintainersEntry[]): CcLine[] {
  const people: CcLine[] = [];
  const lists: CcLine[] = [];
  const seen = new Set<string>();
  const names = new Set<string>();
  for (const entry of entries) {
    for (const c of candidatesOf(entry)) {
      if (seen.has(c.address) || (c.name && names.has(c.name)) || c.address === PENGUIN_CHIEF) continue;
      seen.add(c.address);
      if (c.name) names.add(c.name);
      (c.line.kind === 'list' ? lists : people).push(c.line);
    }
  }
  return [...people, ...lists];
}

/** What report.ts found per parent: the entries covering its headers, or name-alikes (`probable`). */
export interface ParentEntriesFound {
  name: string;
  entries: { line: number }[];
  probable: { line: number }[];
}

/** ParentOwners from what the report found (entries by their 1-based title line). */
export function parentOwnersOf(mf: MaintainersFile, parents: ParentEntriesFound[]): ParentOwners[] {
  const byLine = new Map<number, MaintainersEntry>();
  const lookup = (line: number) => {
    if (!byLine.size) for (const e of mf.entries) byLine.set(e.line + 1, e);
    return byLine.get(line);
  };
  const out: ParentOwners[] = [];
  for (const p of parents) {
    const probable = !p.entries.length;
    const entries = (probable ? p.probable : p.entries).map((e) => lookup(e.line)).filter((e): e is MaintainersEntry => !!e);
    if (entries.length) out.push({ parent: p.name, entries, ...(probable ? { probable } : {}) });
  }
  return out;
}

export interface ParentOwners {
  /** The parent driver, e.g. `mlx5_core`. */
  parent: string;
  entries: MaintainersEntry[];
  /** The entries are name-alikes, not what MAINTAINERS says for the parent's headers. */
  probable?: boolean;
}

/** The people and lists of the entries owning each parent API, marked as such. */
export function parentOwnerLines(owners: ParentOwners[]): CcLine[] {
  const people: CcLine[] = [];
  const lists: CcLine[] = [];
  for (const o of owners) {
    const seen = new Set<string>();
    for (const entry of o.entries) {
      for (const c of candidatesOf(entry)) {
        if (seen.has(c.address) || c.address === PENGUIN_CHIEF) continue;
        seen.add(c.address);
        const mark = c.line.field === 'M' ? `${o.probable ? 'probable ' : ''}parent owner:${o.parent}` : `parent:${o.parent}`;
        (c.line.kind === 'list' ? lists : people).push({ ...c.line, role: `${c.line.role},${mark}`, parent: o.parent });
      }
    }
  }
  return [...people, ...lists];
}

export interface CcRenderOptions {
  /** Print `(role)` after each recipient (get_maintainer.pl's default); off: `--no-rolestats`. */
  rolestats?: boolean;
  /** Join into one line with this separator (get_maintainer.pl's `--separator`). */
  separator?: string;
  /** Include maintainers (M:), reviewers (R:), lists (L:): `--no-m`, `--no-r`, `--no-l`. */
  m?: boolean;
  r?: boolean;
  l?: boolean;
}

/** Recipients of the files first, then the parents' owners; people before lists; each printed line once. */
export function renderCc(fileLines: CcLine[], parentLines: CcLine[], opts: CcRenderOptions = {}): string[] {
  const keep = (l: CcLine) => (l.field === 'M' ? opts.m !== false : l.field === 'R' ? opts.r !== false : opts.l !== false);
  const all = [...fileLines, ...parentLines].filter(keep);
  const ordered = [...all.filter((l) => l.kind === 'person'), ...all.filter((l) => l.kind === 'list')];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const l of ordered) {
    const text = opts.rolestats === false ? l.email : `${l.email} (${l.role})`;
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(text);
  }
  return opts.separator !== undefined ? [out.join(opts.separator)] : out;
}
