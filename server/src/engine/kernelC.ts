/**
 * Kernel C is GNU C plus a thick layer of macros that tree-sitter-c does not know.
 * Rather than teach the grammar, we rewrite the troublesome spellings into plain C
 * of exactly the same length (so every byte offset, line and column stays valid)
 * and parse the result. Nothing here changes what the user sees; only the parser
 * reads the masked text.
 */

/** Annotations that are only attributes for sparse/gcc: blanked with spaces. */
const BARE_ANNOTATIONS = [
  '__user', '__iomem', '__rcu', '__percpu', '__force', '__kernel', '__must_check',
  '__init', '__exit', '__initdata', '__exitdata', '__initconst', '__ro_after_init',
  '__read_mostly', '__always_inline', '__maybe_unused', '__always_unused', '__cold',
  '__hot', '__pure', '__weak', '__noreturn', '__packed', '__private', '__safe',
  '__nocast', '__bitwise', '__visible', '__latent_entropy', '__randomize_layout',
  '__no_randomize_layout', '__refdata', '__ref', '__noinline', 'noinline', 'notrace',
  '__nostackprotector', '__noclone', '__flatten', '__iomem_ptr', '__rcu_ptr',
];

/** Annotations that take an argument list: blanked together with it. */
const CALL_ANNOTATIONS = [
  '__counted_by', '__counted_by_le', '__counted_by_be', '__aligned', '__free',
  '__cleanup', '__acquires', '__releases', '__must_hold', '__printf', '__scanf',
  '__section', '__guarded_by', '__pt_guarded_by', '__alloc_size', '__malloc',
  '__nonstring', '__cond_acquires', '__cond_releases', '__assume_aligned',
];

const bareRe = new RegExp(`\\b(?:${BARE_ANNOTATIONS.join('|')})\\b(?!\\s*\\()`, 'g');
const callAnnotationRe = new RegExp(`\\b(?:${CALL_ANNOTATIONS.join('|')})\\s*\\(`, 'g');
/**
 * Statement macros used like loop heads: `list_for_each_entry(pos, head, m) {`.
 * The same as matching /\b(?:\w*for_each\w*|scoped_guard|scoped_cond_guard)\s*\(/g,
 * found from the literal parts: that regex tried every word of the file.
 */
const LOOP_MARKER = /for_each|scoped_(?:cond_)?guard/g;

function* loopMacroHeads(code: string): Generator<{ index: number; text: string }> {
  let lastStart = -1;
  for (const m of code.matchAll(LOOP_MARKER)) {
    let start = m.index!;
    while (start > 0 && isWordChar(code.charCodeAt(start - 1))) start--;
    if (start <= lastStart) continue; // another marker in a word already seen
    let end = m.index! + m[0].length;
    while (end < code.length && isWordChar(code.charCodeAt(end))) end++;
    lastStart = start;
    const word = code.slice(start, end);
    if (!word.includes('for_each') && word !== 'scoped_guard' && word !== 'scoped_cond_guard') continue;
    let open = end;
    while (open < code.length && /\s/.test(code[open])) open++;
    if (code[open] === '(') yield { index: start, text: code.slice(start, open + 1) };
  }
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
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

  constructor(private readonly text: string) {}

  get size(): number {
    return this.changed.size;
  }

  at(i: number): string {
    return this.changed.get(i) ?? this.text[i];
  }

  set(i: number, c: string): void {
    this.changed.set(i, c);
  }

  toString(): string {
    if (!this.changed.size) return this.text;
    const parts: string[] = [];
    let from = 0;
    for (const i of [...this.changed.keys()].sort((a, b) => a - b)) {
      parts.push(this.text.slice(from, i), this.changed.get(i)!);
      from = i + 1;
    }
    parts.push(this.text.slice(from));
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
    if (m[0] === '/') return m.includes('\n') || m.includes('\r') ? m.replace(/[^\n\r]/g, ' ') : ' '.repeat(m.length);
    const q = m[0];
    const closed = m.length > 1 && m[m.length - 1] === q;
    return q + ' '.repeat(m.length - (closed ? 2 : 1)) + (closed ? q : '');
  });
}

/**
 * Returns `text` rewritten for tree-sitter-c; same length, same line breaks.
 */
export function maskKernelC(text: string): string {
  const code = codeOnly(text);
  const out = new Overlay(text);
  const edit = (): Overlay => out;

  for (const m of code.matchAll(bareRe)) blank(edit(), m.index!, m.index! + m[0].length);

  for (const m of code.matchAll(callAnnotationRe)) {
    const open = m.index! + m[0].length - 1;
    const close = matchParen(code, open);
    if (close > 0) blank(edit(), m.index!, close + 1);
  }

  for (const m of code.matchAll(typeArgRe)) {
    // `struct foo` -> `struct_foo`: one identifier of the same length.
    const start = m.index! + m[1].length;
    const type = m[2];
    const next = /\S/.exec(code.slice(start + type.length, start + type.length + 64));
    if (m[1].startsWith('(') && next?.[0] === ')') continue; // a cast or sizeof: C already parses it
    const chars = edit();
    for (let i = 0; i < type.length; i++) {
      if (/\s/.test(type[i]) && type[i] !== '\n') chars.set(start + i, '_');
    }
    // A trailing run of underscores from trailing blanks is harmless: still one identifier.
  }

  for (const m of loopMacroHeads(code)) {
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

  for (const m of code.matchAll(caseRangeRe)) {
    const dots = m.index! + m[0].length - 3;
    const chars = edit();
    chars.set(dots, ' '); chars.set(dots + 1, '+'); chars.set(dots + 2, ' ');
  }

  return out.toString();
}
