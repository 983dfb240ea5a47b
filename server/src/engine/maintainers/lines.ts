/** Readers of MAINTAINERS lines: type lines, titles, and the people a value names. */
import type { Person } from './types';

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
export const TYPE_LINE_AT = new RegExp(TYPE_LINE, 'y');
/** A line at lastIndex that is not a title. */
export const NON_TITLE_AT = new RegExp(`(?:${TYPE_LINE}|${SKIPPED_LINE})`, 'y');
/** The lines from lastIndex up to the next title (or the end). */
const NON_TITLES_AT = new RegExp(`(?:${TYPE_LINE}|${SKIPPED_LINE})*`, 'y');
/** Skipped lines, then a type line: what makes the title above an entry's. */
export const ENTRY_BODY_AT = new RegExp(`(?:${SKIPPED_LINE})*${TYPE_LINE}`, 'y');

export function execAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

/** The start of the first title line at or after the line start `from`, or the text's length. */
export function nextTitle(text: string, from: number): number {
  return from >= text.length || !execAt(NON_TITLES_AT, text, from) ? text.length : NON_TITLES_AT.lastIndex;
}

/** The N: and X: lines of an entry's body and the F: lines that are not plain (Pattern.prefix), and some others. */
export const UNINDEXED_CANDIDATE = /^(?:[NX]:|F:(?=([^\S\n]*))\1(?:[^\n]*\||[^*?[\\\n]*[$()+{}^\]]))/gm;

export function lineEnd(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? text.length : nl;
}

/** The line starting at `start`, without one trailing `\r`. */
export function lineAt(text: string, start: number): string {
  let end = lineEnd(text, start);
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return text.slice(start, end);
}

/**
 * The type line where a multiline regex (`^...`, global) matched in `text`,
 * or null when that is not a line start (`^` also matches after `\r`, U+2028
 * and U+2029) or not a type line. Moves the regex on to the next line.
 */
export function typeLineAt(re: RegExp, text: string, start: number): RegExpExecArray | null {
  re.lastIndex = lineEnd(text, start) + 1;
  return start === 0 || text.charCodeAt(start - 1) === 10 ? execAt(TYPE_LINE_AT, text, start) : null;
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
