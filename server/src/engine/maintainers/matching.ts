/** Which entries a file belongs to, get_maintainer.pl's way; and entries looked up by title. */
import * as path from 'path';
import type { FileSystemHost } from '../host';
import { Entry, MaintainersFile } from './file';
import { type Pattern, compile, slashes } from './patterns';
import { ACCEPTANCE_DOC, type EntryMatch, type MaintainersEntry } from './types';

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
