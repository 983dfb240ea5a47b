/** F:, X: and N: values: compiled to regexes the way get_maintainer.pl converts them. */
/** An F:, X: or N: value, compiled on first use. */
export interface Pattern {
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
export function literalDir(value: string): string {
  const literal = literalOf(value);
  return literal.includes('/') ? literal.slice(0, literal.lastIndexOf('/')) : '';
}

/** `a/b` of `a/b/c/...` (the whole path when it has one `/`), undefined without `/`. */
export function subtreeOf(p: string): string | undefined {
  const first = p.indexOf('/');
  if (first < 0) return undefined;
  const second = p.indexOf('/', first + 1);
  return second < 0 ? p : p.slice(0, second);
}

export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function newPattern(type: string, value: string, offset: number): Pattern {
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

export function compile(p: Pattern): RegExp {
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

export function slashes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) n++;
  return n;
}
