/**
 * Perl regular expressions as scripts/kernel-doc writes them, turned into JavaScript ones
 * with Perl's meaning: `$` matches at the end or before a final newline, `\s`/`\S` are
 * ASCII whitespace (the script reads bytes), `/x` drops pattern whitespace. The checker
 * feeds byte strings (Latin-1 decoded), so lengths and classes are the script's.
 */

const WS = '\\t\\n\\v\\f\\r ';

/** Perl regex source -> JavaScript regex source. */
export function perlSource(src: string, extended = false, dotAll = false): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      i++;
      if (n === 's') out += inClass ? WS : `[${WS}]`;
      else if (n === 'S' && !inClass) out += `[^${WS}]`;
      else out += '\\' + n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading `]` or `^]` is literal in a class.
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i];
      continue;
    }
    if (extended && /\s/.test(c)) continue;
    if (extended && c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '$') {
      out += '(?=\\n?$)';
      continue;
    }
    // Perl's `.` matches everything but `\n` (JavaScript's also refuses `\r`, U+2028, U+2029).
    if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      continue;
    }
    out += c;
  }
  return out;
}

const cache = new Map<string, Map<string, RegExp>>();

/** A compiled Perl regex (flags: JavaScript's, plus `x`). Cached by source and flags. */
export function re(src: string, flags = ''): RegExp {
  let byFlags = cache.get(flags);
  if (!byFlags) cache.set(flags, (byFlags = new Map()));
  let r = byFlags.get(src);
  if (!r) {
    r = new RegExp(perlSource(src, flags.includes('x'), flags.includes('s')), flags.replace('x', ''));
    byFlags.set(src, r);
  }
  if (r.global) r.lastIndex = 0;
  return r;
}

/** Perl's `split`: trailing empty fields removed, an empty string gives no fields. */
export function split(sep: RegExp | string, s: string): string[] {
  if (s === '') return [];
  const parts = s.split(sep);
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Perl's `split ' '`: awk mode, leading whitespace ignored. */
export function splitWords(s: string): string[] {
  return split(/[\t\n\v\f\r ]+/, s.replace(/^[\t\n\v\f\r ]+/, ''));
}

/** Perl truthiness of a scalar string ("" and "0" are false; undefined too). */
export function truthy(s: string | undefined): boolean {
  return s !== undefined && s !== '' && s !== '0';
}

/** Perl's `s/re/rep/`: replaces and says whether it did. */
export function subst(s: string, r: RegExp, rep: string | ((...m: string[]) => string)): [string, boolean] {
  r.lastIndex = 0;
  const hit = r.test(s);
  r.lastIndex = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return hit ? [s.replace(r, rep as any), true] : [s, false];
}

/** Perl's `s/src/rep/flags` on a pattern source: the result. */
export function sub(s: string, src: string, rep: string | ((...m: string[]) => string), flags = ''): string {
  return subst(s, re(src, flags), rep)[0];
}
