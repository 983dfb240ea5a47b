/**
 * The MAINTAINERS reader reads lazily: regex scans, an index by directory,
 * plain values matched without regexes. Here it is held to the plain way:
 * every line split and classified, every value of a candidate entry tried as
 * a regex. On seeded random files full of awkward lines: CR and U+2028 inside
 * lines, blank and `#` lines within entries, type lines before any title,
 * values with live regex syntax, invalid N: regexes, X: exclusions.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  acceptanceEntry,
  ACCEPTANCE_DOC,
  entriesFor,
  entriesForFiles,
  parseMaintainers,
  type EntryMatch,
} from '../../server/src/engine/maintainers/maintainers';
import { memoryHost, MEM_ROOT } from '../support/memoryHost';

const host = memoryHost({ 'drivers/foo/bar/x.c': '', 'drivers/vfio/pci/a.c': '', 'include/linux/y.h': '', 'foo/bar/z': '' });

interface RefEntry {
  title: string;
  line: number;
  endLine: number;
  fields: { type: string; value: string; line: number }[];
}

interface RefMatch {
  title: string;
  line: number;
  depth: number;
  pattern: string;
  via: string;
}

function referenceEntries(text: string): RefEntry[] {
  const entries: RefEntry[] = [];
  let title: { text: string; line: number } | undefined;
  let current: RefEntry | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const m = /^([A-Z]):\s*(.*)$/.exec(line);
    if (!m) {
      if (!/^\s*(?:#|$)/.test(line)) [title, current] = [{ text: line, line: i }, undefined];
      return;
    }
    if (!current) {
      if (!title) return;
      entries.push((current = { title: title.text, line: title.line, endLine: i, fields: [] }));
    }
    current.fields.push({ type: m[1], value: m[2], line: i });
    current.endLine = i;
  });
  return entries;
}

/** Perl's /x: white space outside classes dropped, `#` starts a comment. */
function stripX(re: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') out += c + (re[++i] ?? '');
    else if (inClass) {
      inClass = c !== ']';
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') break;
    else if (!/\s/.test(c)) out += c;
  }
  return out;
}

const slashes = (s: string) => s.split('/').length - 1;
const converted = (v: string) => v.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');

function regex(type: string, v: string): RegExp {
  try {
    return new RegExp(type === 'N' ? stripX(v) : `^${converted(v)}`);
  } catch {
    const literal = v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(type === 'N' ? literal : `^${literal}`);
  }
}

/**
 * get_maintainer.pl's matching, candidates as the engine has always picked
 * them: entries with an N: regex or with an F: value whose literal part lies
 * in a directory above the path.
 */
function referenceMatches(entries: RefEntry[], file: string): RefMatch[] {
  const above = new Set([...file.split('/').map((_, n, parts) => parts.slice(0, n).join('/')), file]);
  const literalDir = (v: string) => {
    const literal = v.trim().split(/[*?[\\]/)[0];
    return literal.includes('/') ? literal.slice(0, literal.lastIndexOf('/')) : '';
  };
  const fileMatch = (type: string, v: string): string | undefined => {
    if (!regex(type, v).test(file)) return undefined;
    const bare = converted(v);
    const value = !bare.endsWith('/') && host.stat(path.join(MEM_ROOT, bare))?.isDirectory ? `${bare}/` : bare;
    if (value.endsWith('/')) return value === bare || new RegExp(`^${value}`).test(file) ? value : undefined;
    return slashes(file) === slashes(value) ? value : undefined;
  };
  const out: RefMatch[] = [];
  for (const e of entries) {
    const values = e.fields.filter((f) => 'FXN'.includes(f.type));
    if (!values.some((f) => f.type === 'N' || (f.type === 'F' && above.has(literalDir(f.value))))) continue;
    if (values.some((f) => f.type === 'X' && fileMatch('X', f.value))) continue;
    let hit: Omit<RefMatch, 'title' | 'line'> | undefined;
    for (const f of values) {
      const v = f.type === 'F' ? fileMatch('F', f.value) : undefined;
      if (v) hit = { depth: v.startsWith('.*') ? -1 : slashes(v) + (v.endsWith('/') ? 0 : 1), pattern: f.value, via: 'F' };
      else if (f.type === 'N' && regex('N', f.value).test(file)) hit = { depth: 0, pattern: f.value, via: 'N' };
    }
    if (hit) out.push({ title: e.title, line: e.line, ...hit });
  }
  return out.sort((a, b) => b.depth - a.depth);
}

function referenceMerged(entries: RefEntry[], files: string[]): RefMatch[] {
  const best = new Map<number, { match: RefMatch; order: number }>();
  for (const f of files) {
    for (const m of referenceMatches(entries, f)) {
      const have = best.get(m.line);
      if (!have) best.set(m.line, { match: m, order: best.size });
      else if (m.depth > have.match.depth) have.match = m;
    }
  }
  return [...best.values()].sort((a, b) => b.match.depth - a.match.depth || a.order - b.order).map((x) => x.match);
}

const asRef = (m: EntryMatch): RefMatch => ({ title: m.entry.title, line: m.entry.line, depth: m.depth, pattern: m.pattern, via: m.via });

function random(seed: number) {
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const pick = <T>(a: T[]) => a[next(a.length)];
  const odd = ['\r', '\u2028', '\u2029', '\u00a0', '\t', ' '];
  const segment = () => {
    const s = pick(['drivers', 'foo', 'bar', 'vfio', 'pci', 'a+b', 'x.c', 'include', 'linux', 'y.h', 'Makefile']);
    return next(4) ? s : s.slice(0, 1) + pick(['*', '?', '[ab]', '\\d', '+', '|', '(x)', '{2}', '^', '$', ']', '.', '(', '[']) + s.slice(1);
  };
  const value = () => {
    const v = Array.from({ length: 1 + next(4) }, segment).join('/') + (next(3) ? '' : '/');
    return next(12) ? v : pick(['*', '*/', '', 'drivers/', 'foo/*', `${v} `]);
  };
  const line = (): string => {
    const r = next(100);
    let s =
      r < 30
        ? `F:${pick(['\t', ' ', ''])}${value()}`
        : r < 35
          ? `X:\t${value()}`
          : r < 43
            ? `N:\t${pick(['foo', 'vfio', 'a b', 'f # c', 'x[ab]y', 'fo?o', 'vf*', '[^a-z]pci', '^drivers/', '\\bfoo', 'a|bar', '(foo)', '[', 'a{2}', 'f.o', '', 'x)', 'a??b'])}`
            : r < 50
              ? `${pick(['M', 'R', 'L', 'S'])}:\t${pick(['A B <a@b.c>', 'c@d.e', 'l@k.org (moderated for non-subscribers)', 'Maintained'])}`
              : r < 52
                ? `P:\t${pick([ACCEPTANCE_DOC, ` ${ACCEPTANCE_DOC} `, 'other.rst'])}`
                : r < 66
                  ? pick(['', '', '   ', '# comment', '  # c'])
                  : r < 90
                    ? pick(['VFIO DRIVER', 'THE REST', 'ACME', 'acme lower', ' LEADING', 'f: lower', 'F:', 'AB: two'])
                    : `${pick(['F', 'N', 'X'])}:${pick(['\t', ' '])}v${pick(odd)}w`;
    if (!next(12)) s += pick(odd);
    if (!next(20)) s += pick(['\r', '\u2028']) + line();
    return s;
  };
  const text = Array.from({ length: next(40) }, line).join(pick(['\n', '\n', '\r\n'])) + pick(['', '\n']);
  const paths = [
    '',
    'drivers/',
    'foo',
    'drivers/foo/bar/x.c',
    'drivers/vfio/pci/a.c',
    'include/linux/y.h',
    ...Array.from({ length: 8 }, () =>
      Array.from({ length: 1 + next(4) }, () => pick(['drivers', 'foo', 'bar', 'vfio', 'pci', 'a+b', 'x.c', 'linux'])).join('/'),
    ),
  ];
  return { text, paths };
}

describe('MAINTAINERS reader', () => {
  it('answers as reading every line would, on 400 random files', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const { text, paths } = random(seed);
      const mf = parseMaintainers(text, path.join(MEM_ROOT, 'MAINTAINERS'), MEM_ROOT);
      const ref = referenceEntries(text);
      const at = `seed ${seed}: ${JSON.stringify(text)}`;
      for (const [i, p] of paths.entries())
        assert.deepEqual(entriesFor(mf, p, host).map(asRef), referenceMatches(ref, p), `${at}\npath ${JSON.stringify(p)} (#${i})`);
      assert.deepEqual(entriesForFiles(mf, paths.slice(3), host).map(asRef), referenceMerged(ref, paths.slice(3)), at);
      assert.deepEqual(
        mf.entries.map((e) => ({ title: e.title, line: e.line, endLine: e.endLine, fields: e.fields })),
        ref,
        at,
      );
      assert.equal(
        acceptanceEntry(mf)?.line,
        ref.find((e) => e.fields.some((f) => f.type === 'P' && f.value.trim() === ACCEPTANCE_DOC))?.line,
        at,
      );
      assert.deepEqual(
        mf.lineStarts,
        text
          .split('\n')
          .reduce((starts, l) => [...starts, starts[starts.length - 1] + l.length + 1], [0])
          .slice(0, -1),
        at,
      );
    }
  });

  it('stays linear on a megabyte line (no backtracking over its white space)', () => {
    const text = `ACME\nF:${' '.repeat(1 << 20)}\u2028x\nF:${' '.repeat(1 << 20)}/x\n`;
    const start = performance.now();
    const mf = parseMaintainers(text, path.join(MEM_ROOT, 'MAINTAINERS'), MEM_ROOT);
    entriesFor(mf, 'drivers/foo/bar/x.c', host);
    assert.equal(mf.entries.length, 1);
    assert.ok(performance.now() - start < 2000, `${Math.round(performance.now() - start)} ms`);
  });
});
