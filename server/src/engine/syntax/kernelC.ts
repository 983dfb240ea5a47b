/**
 * Kernel C is GNU C plus a thick layer of macros that tree-sitter-c does not know.
 * Rather than teach the grammar, we rewrite the troublesome spellings into plain C
 * of exactly the same length (so every byte offset, line and column stays valid)
 * and parse the result. Nothing here changes what the user sees; only the parser
 * reads the masked text.
 */
import { isIdentPart } from './lexer';

/** Annotations that are only attributes for sparse/gcc: blanked with spaces. */
const BARE_ANNOTATIONS = [
  '__user',
  '__iomem',
  '__rcu',
  '__percpu',
  '__force',
  '__kernel',
  '__must_check',
  '__init',
  '__exit',
  '__initdata',
  '__exitdata',
  '__initconst',
  '__ro_after_init',
  '__read_mostly',
  '__always_inline',
  '__maybe_unused',
  '__always_unused',
  '__cold',
  '__hot',
  '__pure',
  '__weak',
  '__noreturn',
  '__packed',
  '__private',
  '__safe',
  '__nocast',
  '__bitwise',
  '__visible',
  '__latent_entropy',
  '__randomize_layout',
  '__no_randomize_layout',
  '__refdata',
  '__ref',
  '__noinline',
  'noinline',
  'notrace',
  '__nostackprotector',
  '__noclone',
  '__flatten',
  '__iomem_ptr',
  '__rcu_ptr',
];

/** Annotations that take an argument list: blanked together with it. */
const CALL_ANNOTATIONS = [
  '__counted_by',
  '__counted_by_le',
  '__counted_by_be',
  '__aligned',
  '__free',
  '__cleanup',
  '__acquires',
  '__releases',
  '__must_hold',
  '__printf',
  '__scanf',
  '__section',
  '__guarded_by',
  '__pt_guarded_by',
  '__alloc_size',
  '__malloc',
  '__nonstring',
  '__cond_acquires',
  '__cond_releases',
  '__assume_aligned',
];

const bareRe = new RegExp(`\\b(?:${BARE_ANNOTATIONS.join('|')})\\b(?!\\s*\\()`, 'g');
const callAnnotationRe = new RegExp(`\\b(?:${CALL_ANNOTATIONS.join('|')})\\s*\\(`, 'g');
/**
 * Statement macros used like loop heads: `list_for_each_entry(pos, head, m) {`.
 * The same as matching /\b(?:\w*for_each\w*|scoped_guard|scoped_cond_guard)\s*\(/g,
 * found from the literal parts: that regex tried every word of the file.
 */
const LOOP_MARKER = /for_each|scoped_(?:cond_)?guard/g;

function* loopMacroHeads(code: string, from: number, to: number): Generator<{ index: number; text: string }> {
  let lastStart = -1;
  for (const m of matchesIn(LOOP_MARKER, code, from, to)) {
    let start = m.index;
    while (start > 0 && isIdentPart(code.charCodeAt(start - 1))) start--;
    if (start <= lastStart) continue; // another marker in a word already seen
    let end = m.index + m[0].length;
    while (end < code.length && isIdentPart(code.charCodeAt(end))) end++;
    lastStart = start;
    const word = code.slice(start, end);
    if (!word.includes('for_each') && word !== 'scoped_guard' && word !== 'scoped_cond_guard') continue;
    let open = end;
    while (open < code.length && /\s/.test(code[open])) open++;
    if (code[open] === '(') yield { index: start, text: code.slice(start, open + 1) };
  }
}

/** A type written as a macro argument: `container_of(p, struct foo, m)`, `min_t(unsigned long, a, b)`. */
const typeArgRe =
  /([(,]\s*)((?:const\s+|volatile\s+)*(?:(?:struct|union|enum)\s+[A-Za-z_]\w*|(?:(?:unsigned|signed|long|short|int|char)\b\s*){2,}))(?=\s*[,)])/g;
/** GNU case ranges: `case 1 ... 3:`. */
const caseRangeRe = /\bcase\b[^:;{}\n]*?(\.\.\.)/g;

/**
 * The characters masking changes, over the untouched text: edits are sparse, and
 * copying a whole file into a character array on every keystroke was the
 * largest cost of an edit.
 */
class Overlay {
  private readonly changed = new Map<number, string>();
  private lowest = Infinity;
  private highest = -1;

  constructor(private readonly text: string) {}

  at(i: number): string {
    return this.changed.get(i) ?? this.text[i];
  }

  set(i: number, c: string): void {
    this.changed.set(i, c);
    if (i < this.lowest) this.lowest = i;
    if (i > this.highest) this.highest = i;
  }

  touchedBelow(offset: number): boolean {
    return this.lowest < offset;
  }

  touchedFrom(offset: number): boolean {
    return this.highest >= offset;
  }

  toString(): string {
    return this.slice(0, this.text.length);
  }

  /** The text of [from, to) with the changes applied. */
  slice(from: number, to: number): string {
    if (!this.changed.size || this.highest < from || this.lowest >= to) return this.text.slice(from, to);
    const parts: string[] = [];
    let at = from;
    for (const i of [...this.changed.keys()].filter((k) => k >= from && k < to).sort((a, b) => a - b)) {
      parts.push(this.text.slice(at, i), this.changed.get(i)!);
      at = i + 1;
    }
    parts.push(this.text.slice(at, to));
    return parts.join('');
  }
}

function blank(chars: Overlay, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const c = chars.at(i);
    if (c !== '\n' && c !== '\r' && c !== ' ') chars.set(i, ' ');
  }
}

/** Index of the `)` that closes the `(` at `open`, or -1. Skips strings and chars. */
export function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */) {
      if (--depth === 0) return i;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      i = skipQuoted(text, i);
    } else if (c === 123 /* { */ || c === 125 /* } */ || c === 59 /* ; */) {
      // A statement boundary inside an argument list means the code is broken.
      if (c !== 59 || depth <= 1) return -1;
    }
  }
  return -1;
}

function skipQuoted(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === quote || c === '\n') return i;
  }
  return text.length;
}

const COMMENT_OR_LITERAL = /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?/g;

/**
 * Replace comments and string/char literal contents by spaces, so the regexes
 * below never fire inside them. Newlines and quotes are kept.
 */
export function codeOnly(text: string): string {
  return text.replace(COMMENT_OR_LITERAL, (m) => {
    // Blanked a run at a time: a kernel-doc block is thousands of characters.
    if (m[0] === '/')
      return m.includes('\n') || m.includes('\r') ? m.replace(/[^\n\r]+/g, (run) => ' '.repeat(run.length)) : ' '.repeat(m.length);
    const q = m[0];
    const closed = m.length > 1 && m[m.length - 1] === q;
    return q + ' '.repeat(m.length - (closed ? 2 : 1)) + (closed ? q : '');
  });
}

/**
 * Returns `text` rewritten for tree-sitter-c; same length, same line breaks.
 */
export function maskKernelC(text: string): string {
  return maskText(text).masked;
}

/** A masked text with the comment-free text it was computed from, kept so that an edit can be re-masked locally. */
export interface MaskedText {
  masked: string;
  code: string;
  /** Set by remaskText when it masked only this range of the new text again. */
  window?: { from: number; to: number };
}

export function maskText(text: string): MaskedText {
  const code = codeOnly(text);
  const out = new Overlay(text);
  applyMasks(code, out, 0, code.length);
  return { masked: out.toString(), code };
}

/** How far masking looks around a match (loop macro context, cast detection): re-masked windows keep this much margin. */
const CONTEXT = 256;

/**
 * Re-masks `text`, the previous version's text changed in one place, by
 * masking again only the top-level items around the change. `boundaries` are
 * offsets in the previous text where a top-level item starts: nothing there is
 * inside a comment or literal, and no rewrite crosses one. Falls back to masking
 * everything when the change leaves a comment or literal open, or when a
 * rewrite near the window's edges differs from before (a masking mistake
 * would only cost parse quality, but the result must equal maskText's).
 */
export function remaskText(previous: MaskedText & { text: string }, text: string, boundaries: readonly number[]): MaskedText {
  const old = previous.text;
  const start = commonPrefixLength(old, text);
  if (start === old.length && start === text.length)
    return { masked: previous.masked, code: previous.code, window: { from: start, to: start } };
  const tail = commonSuffixLength(old, text, start);
  const oldEnd = old.length - tail;
  const delta = text.length - old.length;
  // Item starts the masking agrees are code (broken code can make tree-sitter start an
  // item inside what codeOnly reads as a literal), one more item on each side of the
  // edited ones: a rewrite's context may reach into its neighbour.
  const inCode = (at: number) => {
    const c = old.charCodeAt(at);
    return c > 0x20 && c !== 0x22 && c !== 0x27 && previous.code.charCodeAt(at) === c;
  };
  let b = upperBound(boundaries, start) - 1;
  let skip = 1;
  for (; b >= 0; b--) if (inCode(boundaries[b]) && skip-- === 0) break;
  const from = b >= 0 ? boundaries[b] : 0;
  b = upperBound(boundaries, oldEnd);
  skip = 1;
  for (; b < boundaries.length; b++) if (inCode(boundaries[b]) && skip-- === 0) break;
  const toOld = b < boundaries.length ? boundaries[b] : old.length;
  const to = toOld + delta;
  const windowCode = codeOnly(text.slice(from, to));
  if (endsInsideCommentOrLiteral(text.slice(from, to))) return maskText(text);
  const code = previous.code.slice(0, from) + windowCode + previous.code.slice(toOld);
  const scanFrom = Math.max(0, from - CONTEXT);
  const scanTo = Math.min(text.length, to + CONTEXT);
  const out = new Overlay(text);
  applyMasks(code, out, scanFrom, scanTo);
  if (out.touchedBelow(scanFrom) || out.touchedFrom(scanTo)) return maskText(text);
  const before = out.slice(scanFrom, from);
  const after = out.slice(to, scanTo);
  if (before !== previous.masked.slice(scanFrom, from) || after !== previous.masked.slice(toOld, scanTo - delta)) return maskText(text);
  const masked = previous.masked.slice(0, from) + out.slice(from, to) + previous.masked.slice(toOld);
  return { masked, code, window: { from, to } };
}

function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Compares in blocks first: string equality is native, a character loop over a whole file is not. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (let block = 4096; block >= 16; block >>= 2) {
    while (i + block <= n && a.slice(i, i + block) === b.slice(i, i + block)) i += block;
  }
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** The length of the common end of `a` and `b`, not reaching back before `floor` in either. */
export function commonSuffixLength(a: string, b: string, floor: number): number {
  const n = Math.min(a.length, b.length) - floor;
  let i = 0;
  for (let block = 4096; block >= 16; block >>= 2) {
    while (i + block <= n && a.slice(a.length - i - block, a.length - i) === b.slice(b.length - i - block, b.length - i)) i += block;
  }
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** Whether the text after `to` would be read differently: a comment or literal of the window runs into it. */
function endsInsideCommentOrLiteral(window: string): boolean {
  const re = new RegExp(COMMENT_OR_LITERAL.source, 'g');
  let last: RegExpExecArray | null = null;
  for (let m; (m = re.exec(window));) last = m;
  if (!last || last.index + last[0].length < window.length) return false;
  const m = last[0];
  if (m.startsWith('//')) return true;
  if (m.startsWith('/*')) return !(m.length >= 4 && m.endsWith('*/'));
  return m.length < 2 || m[m.length - 1] !== m[0];
}

/** Every rewrite whose match starts in [from, to) of `code`, onto `out`. */
function applyMasks(code: string, out: Overlay, from: number, to: number): void {
  const edit = (): Overlay => out;

  for (const m of matchesIn(bareRe, code, from, to)) blank(edit(), m.index, m.index + m[0].length);

  for (const m of matchesIn(callAnnotationRe, code, from, to)) {
    const open = m.index + m[0].length - 1;
    const close = matchParen(code, open);
    if (close > 0) blank(edit(), m.index, close + 1);
  }

  for (const m of matchesIn(typeArgRe, code, from, to)) {
    // `struct foo` -> `struct_foo`: one identifier of the same length.
    const start = m.index + m[1].length;
    const type = m[2];
    const next = /\S/.exec(code.slice(start + type.length, start + type.length + 64));
    if (m[1].startsWith('(') && next?.[0] === ')') continue; // a cast or sizeof: C already parses it
    const chars = edit();
    for (let i = 0; i < type.length; i++) {
      if (/\s/.test(type[i]) && type[i] !== '\n') chars.set(start + i, '_');
    }
    // A trailing run of underscores from trailing blanks is harmless: still one identifier.
  }

  for (const m of loopMacroHeads(code, from, to)) {
    const open = m.index + m.text.length - 1;
    const close = matchParen(code, open);
    if (close < 0) continue;
    const next = /\S/.exec(code.slice(close + 1, close + 200));
    if (!next || next[0] === ';' || next[0] === ')' || next[0] === ',' || next[0] === '.') continue;
    // Only at the head of a statement: previous non-blank is one of ; { } ) : or a newline-ended line.
    const before = code.slice(Math.max(0, m.index - 200), m.index).replace(/\s+$/, '');
    const prev = before[before.length - 1];
    if (prev !== undefined && !';{}):'.includes(prev) && !/\belse$/.test(before)) continue;
    const chars = edit();
    const nameLen = m.text.indexOf('(') >= 0 ? m.text.replace(/\s*\($/, '').length : m.text.length;
    'while'.split('').forEach((c, k) => chars.set(m.index + k, c));
    blank(chars, m.index + 5, m.index + nameLen);
  }

  for (const m of matchesIn(caseRangeRe, code, from, to)) {
    const dots = m.index + m[0].length - 3;
    const chars = edit();
    chars.set(dots, ' ');
    chars.set(dots + 1, '+');
    chars.set(dots + 2, ' ');
  }
}

/** The matches of global regex `re` that start in [from, to), as matchAll would find them from `from`. */
function matchesIn(re: RegExp, code: string, from: number, to: number): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  re.lastIndex = from;
  for (let m; (m = re.exec(code)) && m.index < to;) {
    found.push(m);
    if (m[0].length === 0) re.lastIndex++;
  }
  re.lastIndex = 0;
  return found;
}
