/**
 * Seeded mutations of real Linux 6.12 vfio-pci variant driver files. Every case
 * is reproducible from (seed, index): `caseRng(seed, index)` is the only source
 * of randomness. Mutations work on text (what an editor holds) or on bytes
 * (what lies on disk: byte flips, BOM, invalid UTF-8).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureKernel } from '../support/kernel';

/** mulberry32: small, fast, good enough for fuzzing. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  float(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The generator for case `index` of a run with `seed`. */
export function caseRng(seed: number, index: number): Rng {
  return new Rng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

export interface CorpusFile {
  /** Path in the extracted kernel tree. */
  path: string;
  /** Driver directory relative to the kernel root, e.g. drivers/vfio/pci/mlx5. */
  driver: string;
  text: string;
}

const VARIANTS = ['hisilicon', 'mlx5', 'nvgrace-gpu', 'pds', 'qat', 'virtio'];

let corpus: CorpusFile[] | undefined;
/** Every .c/.h file of the 6.12 vfio-pci variant drivers. */
export function loadCorpus(): CorpusFile[] {
  if (corpus) return corpus;
  const root = ensureKernel();
  corpus = [];
  for (const v of VARIANTS) {
    const dir = path.join(root, 'drivers', 'vfio', 'pci', v);
    for (const name of fs.readdirSync(dir).sort()) {
      if (!/\.[ch]$/.test(name)) continue;
      const p = path.join(dir, name);
      corpus.push({ path: p, driver: path.relative(root, dir), text: fs.readFileSync(p, 'utf8') });
    }
  }
  return corpus;
}

// ------------------------------------------------------------------ text mutations

const NON_ASCII = [
  '😀',
  '中文注释',
  'é',
  'ü',
  'ß',
  '\u0301',
  '\u200d',
  '\u2028',
  '\u00a0',
  'עברית',
  '🇩🇪',
  '\ud83d',
  '\u0085',
  '\ufeff',
  '𝔘𝔫𝔦',
];

export type TextMutation = (text: string, rng: Rng, all: CorpusFile[]) => string;

const at = (text: string, rng: Rng) => rng.int(text.length + 1);

export const TEXT_MUTATIONS: Record<string, TextMutation> = {
  truncate: (t, r) => t.slice(0, at(t, r)),
  dropBrackets: (t, r) => {
    const chars = t.split('');
    const idx: number[] = [];
    chars.forEach((c, i) => {
      if ('{}()[]'.includes(c)) idx.push(i);
    });
    for (let k = 1 + r.int(8); k > 0 && idx.length; k--) chars[idx.splice(r.int(idx.length), 1)[0]] = '';
    return chars.join('');
  },
  insertBrackets: (t, r) => {
    let out = t;
    for (let k = 1 + r.int(6); k > 0; k--) {
      const i = at(out, r);
      out = out.slice(0, i) + r.pick(['{', '}', '(', ')', '"', "'", '/*', '*/', '#if 0\n', '\\\n']) + out.slice(i);
    }
    return out;
  },
  charFlips: (t, r) => {
    const chars = t.split('');
    for (let k = 1 + r.int(20); k > 0 && chars.length; k--) chars[r.int(chars.length)] = String.fromCharCode(r.int(128));
    return chars.join('');
  },
  splice: (t, r, all) => {
    const other = r.pick(all).text;
    return t.slice(0, at(t, r)) + other.slice(at(other, r));
  },
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  mixedEol: (t, r) => t.replace(/\n/g, () => r.pick(['\n', '\r\n', '\n', '\r\n', '\r'])),
  bom: (t) => '\ufeff' + t,
  nonAscii: (t, r) => {
    let out = t;
    for (let k = 1 + r.int(10); k > 0; k--) {
      // Mostly into comments and strings, sometimes anywhere (identifiers, mid-token).
      const i = at(out, r);
      const s = r.pick(NON_ASCII);
      out = r.chance(0.5) ? out.slice(0, i) + s + out.slice(i) : out.slice(0, i) + `/* ${s} */` + out.slice(i);
    }
    return out;
  },
  commentBeforeCalls: (t, r) =>
    t.replace(/^(\s*)(\w+ = )?(\w+\()/gm, (m, ws: string, lhs: string | undefined, call: string) =>
      r.chance(0.3) ? `${ws}/* ${r.pick(NON_ASCII)}${r.pick(NON_ASCII)} */ ${lhs ?? ''}${call}` : m,
    ),
};

const DEPTH = 3000;
const DEEP: Record<string, () => string> = {
  braces: () => `static void deep(void *m)\n{\n${'{'.repeat(DEPTH)}mlx5_cmd_exec(m);${'}'.repeat(DEPTH)}\n}\n`,
  parens: () => `static int deep(int x)\n{\n\treturn ${'('.repeat(DEPTH)}x${')'.repeat(DEPTH)};\n}\n`,
  ifs: () => `static int deep(int x)\n{\n${'if (x) '.repeat(DEPTH)}x++;\n\treturn 0;\n}\n`,
  calls: () => `static int deep(int x)\n{\n\treturn ${'f('.repeat(DEPTH)}x${')'.repeat(DEPTH)};\n}\n`,
  initializer: () => `static int deep = ${'{'.repeat(DEPTH)}1${'}'.repeat(DEPTH)};\n`,
  unbalanced: () => '{'.repeat(DEPTH) + '('.repeat(DEPTH),
  preproc: () => '#if 1\n'.repeat(DEPTH) + 'int x;\n' + '#endif\n'.repeat(DEPTH),
};
for (const [name, shape] of Object.entries(DEEP)) {
  TEXT_MUTATIONS[`deep.${name}`] = (t, r) => {
    const i = lineStartNear(t, at(t, r));
    return t.slice(0, i) + shape() + t.slice(i);
  };
}

/** One line of about 2 MB (the default maxFileSize is 2 MiB; the fuzzer raises it so the line is analysed). */
const LONG: Record<string, (n: number) => string> = {
  string: (n) => `static const char blob[] = "${'a'.repeat(n)}";\n`,
  comment: (n) => `/* ${'x'.repeat(n)} */\n`,
  sum: (n) => `static int sum = ${'1+'.repeat(n >> 1)}1;\n`,
  calls: (n) => `static void many(void *m) { ${'mlx5_cmd_exec(m);'.repeat(Math.floor(n / 17))} }\n`,
  utf16: (n) => `// ${'é😀'.repeat(Math.floor(n / 3))}\n`,
};
for (const [name, shape] of Object.entries(LONG)) {
  TEXT_MUTATIONS[`long.${name}`] = (t, r) => {
    const i = lineStartNear(t, at(t, r));
    return t.slice(0, i) + shape(2 * 1024 * 1024 - 64) + t.slice(i);
  };
}

function lineStartNear(t: string, i: number): number {
  return t.lastIndexOf('\n', i - 1) + 1;
}

/** Mutations too big to stack with others or to run often. */
export const HEAVY = new Set(Object.keys(TEXT_MUTATIONS).filter((n) => /^(deep|long)\./.test(n)));

export interface Mutated {
  text: string;
  ops: string[];
}

/** One to three light mutations, or one heavy one (then possibly a light one). */
export function mutateText(base: CorpusFile, rng: Rng, all: CorpusFile[], opts: { heavy?: boolean; force?: string } = {}): Mutated {
  const names = Object.keys(TEXT_MUTATIONS).filter((n) => !HEAVY.has(n));
  const ops: string[] = [];
  let text = base.text;
  if (opts.force) return { text: TEXT_MUTATIONS[opts.force](text, rng, all), ops: [opts.force] };
  if (opts.heavy) {
    const h = rng.pick([...HEAVY]);
    ops.push(h);
    text = TEXT_MUTATIONS[h](text, rng, all);
    if (rng.chance(0.5)) {
      const n = rng.pick(['crlf', 'bom', 'nonAscii', 'dropBrackets', 'charFlips']);
      ops.push(n);
      text = TEXT_MUTATIONS[n](text, rng, all);
    }
    return { text, ops };
  }
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const n = rng.pick(names);
    ops.push(n);
    text = TEXT_MUTATIONS[n](text, rng, all);
  }
  return { text, ops };
}

// ------------------------------------------------------------------ byte mutations

/** Bytes for disk: byte flips, invalid UTF-8 sequences, NULs, a BOM. */
export function mutateBytes(text: string, rng: Rng): { bytes: Buffer; ops: string[] } {
  const bytes = Buffer.from(text, 'utf8');
  const ops: string[] = [];
  const op = rng.pick(['byteFlips', 'invalidUtf8', 'nul', 'bomBytes', 'latin1']);
  ops.push(op);
  switch (op) {
    case 'byteFlips':
      for (let k = 1 + rng.int(30); k > 0 && bytes.length; k--) bytes[rng.int(bytes.length)] ^= 1 << rng.int(8);
      return { bytes, ops };
    case 'invalidUtf8': {
      const i = rng.int(bytes.length + 1);
      const bad = Buffer.from(rng.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]));
      return { bytes: Buffer.concat([bytes.subarray(0, i), bad, bytes.subarray(i)]), ops };
    }
    case 'nul': {
      const i = rng.int(bytes.length + 1);
      return { bytes: Buffer.concat([bytes.subarray(0, i), Buffer.from([0]), bytes.subarray(i)]), ops };
    }
    case 'bomBytes':
      return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]), ops };
    default:
      return { bytes: Buffer.from(Buffer.from(text, 'utf8').toString('latin1').replace(/\*\//, '* é */'), 'latin1'), ops };
  }
}
