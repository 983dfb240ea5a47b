/**
 * Designated initializers read from the text, for the lists tree-sitter-c cannot
 * parse: a `#if` / `#else` / `#endif` between the members (drivers built for
 * several kernels wire members per kernel version) turns the member after the
 * directive into an ERROR. Every branch's members are read, as the tree does for
 * conditionals elsewhere.
 */

export interface TextEntry {
  /** Member path: `['ggtt', 'load']` for `.ggtt.load = f` or `.ggtt = { .load = f }`. */
  path: string[];
  /** The identifier stored (after an optional `&`). */
  fn: string;
  start: number;
  /** Offsets where the entry's pair and the enclosing nested pairs start, innermost first. */
  pairStarts: number[];
}

/** Whether the initializer list text[from, to) has a preprocessor line in it. */
export function hasDirective(text: string, from: number, to: number): boolean {
  return /\n[ \t]*#/.test(text.slice(from, to));
}

/** The designated entries of the initializer list whose `{` is at `open` and `}` at `close`. */
export function initializerEntriesFromText(text: string, open: number, close: number): TextEntry[] {
  const out: TextEntry[] = [];
  const stack: { path: string[]; starts: number[] }[] = [{ path: [], starts: [] }];
  let i = open + 1;
  const skipTrivia = () => {
    for (;;) {
      while (i < close && /\s/.test(text[i])) i++;
      if (text.startsWith('/*', i)) {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? close : end + 2;
      } else if (text.startsWith('//', i) || (text[i] === '#' && atLineStart(text, i))) {
        // A comment or a directive: to the end of the line (and its continuations).
        while (i < close && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      } else return;
    }
  };
  /** To the next `,` or `}` of this list level, past balanced brackets and literals. */
  const skipValue = () => {
    let depth = 0;
    for (; i < close; i++) {
      const c = text[i];
      if (c === '"' || c === "'") {
        for (i++; i < close && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      } else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || (c === '}' && depth > 0)) depth--;
      else if (depth === 0 && (c === ',' || c === '}')) return;
    }
  };
  while (i < close) {
    skipTrivia();
    if (i >= close) break;
    const c = text[i];
    if (c === ',') {
      i++;
      continue;
    }
    if (c === '}') {
      if (stack.length > 1) stack.pop();
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c !== '.') {
      skipValue();
      continue;
    }
    const pairStart = i;
    const names: string[] = [];
    const designator = /\s*\.\s*([A-Za-z_]\w*)/y;
    for (;;) {
      designator.lastIndex = i;
      const m = designator.exec(text);
      if (!m) break;
      names.push(m[1]);
      i = designator.lastIndex;
    }
    skipTrivia();
    if (!names.length || text[i] !== '=') {
      skipValue();
      continue;
    }
    i++;
    skipTrivia();
    const path = [...top.path, ...names];
    const starts = [pairStart, ...top.starts];
    if (text[i] === '{') {
      stack.push({ path, starts });
      i++;
      continue;
    }
    const value = /&?\s*([A-Za-z_]\w*)\s*(?=[,}]|\/[/*]|\n|$)/y;
    value.lastIndex = i;
    const v = value.exec(text);
    if (v && v.index + v[0].length <= close) {
      out.push({ path, fn: v[1], start: v.index + v[0].indexOf(v[1]), pairStarts: starts });
    }
    skipValue();
  }
  return out;
}

function atLineStart(text: string, i: number): boolean {
  for (let k = i - 1; k >= 0 && text[k] !== '\n'; k--) if (text[k] !== ' ' && text[k] !== '\t') return false;
  return true;
}

/** Row and column of `index`, counted from a known position before it. */
export function positionFrom(text: string, base: number, row: number, column: number, index: number): { row: number; column: number } {
  for (let k = base; k < index; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      row++;
      column = 0;
    } else column++;
  }
  return { row, column };
}
