/**
 * Instantiates a VS Code snippet body with its defaults, the way accepting every
 * placeholder unchanged does: `${1:text}` -> text, `${1|a,b|}` -> a, `$1`/`${1}`
 * -> the text of placeholder 1 (mirrors), `$0` -> nothing. Nested placeholders
 * and the `\$ \} \\` escapes are handled; variables ($TM_...) are rejected so a
 * snippet cannot silently depend on editor state.
 */
export interface Expansion {
  text: string;
  /** Default text per tab stop. */
  stops: Map<number, string>;
}

type Part = string | { stop: number; children?: Part[]; choices?: string[] };

function parse(src: string, pos: { i: number }, inPlaceholder: boolean): Part[] {
  const parts: Part[] = [];
  let lit = '';
  const flush = () => {
    if (lit) parts.push(lit);
    lit = '';
  };
  while (pos.i < src.length) {
    const c = src[pos.i];
    if (c === '\\' && pos.i + 1 < src.length && '$}\\'.includes(src[pos.i + 1])) {
      lit += src[pos.i + 1];
      pos.i += 2;
    } else if (c === '}' && inPlaceholder) {
      pos.i++;
      flush();
      return parts;
    } else if (c === '$') {
      const rest = src.slice(pos.i);
      let m: RegExpExecArray | null;
      if ((m = /^\$(\d+)/.exec(rest)) || (m = /^\$\{(\d+)\}/.exec(rest))) {
        flush();
        parts.push({ stop: Number(m[1]) });
        pos.i += m[0].length;
      } else if ((m = /^\$\{(\d+)\|((?:[^|\\]|\\.)*)\|\}/.exec(rest))) {
        flush();
        parts.push({ stop: Number(m[1]), choices: m[2].split(/(?<!\\),/).map((s) => s.replace(/\\(.)/g, '$1')) });
        pos.i += m[0].length;
      } else if ((m = /^\$\{(\d+):/.exec(rest))) {
        flush();
        pos.i += m[0].length;
        parts.push({ stop: Number(m[1]), children: parse(src, pos, true) });
      } else if (/^\$(\{)?[A-Za-z_]/.test(rest)) {
        throw new Error(`snippet variable at ${JSON.stringify(rest.slice(0, 20))}: not allowed`);
      } else {
        lit += c;
        pos.i++;
      }
    } else {
      lit += c;
      pos.i++;
    }
  }
  if (inPlaceholder) throw new Error('unterminated placeholder');
  flush();
  return parts;
}

export function expandSnippet(body: string | string[]): Expansion {
  const src = Array.isArray(body) ? body.join('\n') : body;
  const parts = parse(src, { i: 0 }, false);
  const stops = new Map<number, string>();
  // First pass: the defining occurrence (with a default or choices) of each stop.
  const define = (ps: Part[]) => {
    for (const p of ps) {
      if (typeof p === 'string') continue;
      if (p.choices) stops.set(p.stop, p.choices[0]);
      if (p.children) define(p.children);
    }
  };
  define(parts);
  const render = (ps: Part[]): string =>
    ps
      .map((p) => {
        if (typeof p === 'string') return p;
        if (p.children) {
          const text = render(p.children);
          if (!stops.has(p.stop)) stops.set(p.stop, text);
          return text;
        }
        if (p.choices) return p.choices[0];
        return stops.get(p.stop) ?? '';
      })
      .join('');
  render(parts); // fills defaults of placeholders that nest mirrors
  return { text: render(parts), stops };
}
