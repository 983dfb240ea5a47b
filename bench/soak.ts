/**
 * `npm run bench:soak` (issue 18): long editing sessions over LSP stdio, debounce 0,
 * one server process per file and pattern, each one-character edit waiting for its
 * publishDiagnostics. Patterns:
 *  - statement: type a statement at a random body line, then delete it again, one
 *    character per edit, over and over;
 *  - random: insert and delete single characters at random positions (about a
 *    hundred strays in the text at any time: in identifiers, comments, strings,
 *    and `/` before a `*` to open comments);
 *  - paste: paste a copy of one of the file's functions at a top-level position and
 *    undo it, then type `/*` at the top of the file (the whole file becomes a
 *    comment) and delete it again, one character per edit.
 * Figures: p50/p95/max latency; server RSS after open and every 2,000 edits;
 * tree-sitter's own incremental reparse of the same edits (the floor); the LSP round
 * trip alone (the same kind of edits to a 5-line file). Then a burst: 300 documents
 * opened and closed at once, and how long a hover takes after it (debounce 0 and the
 * default debounce). Writes test-output/soak.json.
 *
 * Flags: --edits N (default 10000), --files main.c,cmd.c, --patterns statement,random,paste,
 * --no-burst, --burst-only, --compare <other server.js>, --sample-every N; SOAK_SERVER_ARGS: node flags for the
 * servers (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DidCloseTextDocumentNotification, HoverRequest, type TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ensureKernel, REPO } from '../test/support/kernel';
import { SERVER, TestClient } from '../test/support/lspClient';
import { BareIncremental } from './bareParse';

const { values: flags } = parseArgs({
  options: {
    edits: { type: 'string', default: '10000' },
    files: { type: 'string', default: 'main.c,cmd.c' },
    patterns: { type: 'string', default: 'statement,random,paste' },
    'no-burst': { type: 'boolean', default: false },
    'burst-only': { type: 'boolean', default: false },
    seed: { type: 'string', default: '18' },
    'sample-every': { type: 'string', default: '2000' },
    /** Another build of the server to run in lockstep with this one (e.g. a copy of out/ from before a change). */
    compare: { type: 'string' },
  },
});
const EDITS = Number(flags.edits);
const NODE_ARGS = (process.env.SOAK_SERVER_ARGS ?? '').split(' ').filter(Boolean);
const SAMPLE_EVERY = Number(flags['sample-every']);
const SERVERS: [string, string][] = [
  ['this', SERVER],
  ...(flags.compare ? [['compare', path.resolve(flags.compare)] as [string, string]] : []),
];
const DRIVER = 'drivers/vfio/pci/mlx5';

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const f1 = (x: number) => x.toFixed(1);
const stats = (xs: number[]) => `${f1(quantile(xs, 0.5))} / ${f1(quantile(xs, 0.95))} / ${f1(Math.max(...xs))}`;

/** mulberry32: the same edits in every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]) / 1024;
}

/** One edit as an offset change on the current text. */
interface Edit {
  offset: number;
  removed: number;
  inserted: string;
}

type Pattern = (text: () => string, random: () => number) => Generator<Edit>;

const STATEMENTS = [
  '\tret = mlx5vf_cmd_query_vhca_migration_state(mvdev, &state, 0);\n',
  '\tif (!migf->buf[0])\n\t\treturn -EINVAL;\n',
  '\tmlx5vf_disable_fds(mvdev, NULL);\n',
  '\tfor (i = 0; i < npages; i++) {\n\t\tput_page(pages[i]);\n\t}\n',
  '\tdev_dbg(&mvdev->core_device.pdev->dev, "state %d\\n", new_state);\n',
];

/** Lines inside function bodies: indented by a tab, not continuing a macro. */
function bodyLines(text: string): number[] {
  const lines = text.split('\n');
  const out: number[] = [];
  for (let i = 1; i < lines.length; i++) if (/^\t\S/.test(lines[i]) && !lines[i - 1].endsWith('\\')) out.push(i);
  return out;
}

function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at;
}

const statement: Pattern = function* (text, random) {
  const lines = bodyLines(text());
  for (let k = 0; ; k++) {
    const at = lineOffset(text(), lines[Math.floor(random() * lines.length)]);
    const s = STATEMENTS[k % STATEMENTS.length];
    for (let i = 0; i < s.length; i++) yield { offset: at + i, removed: 0, inserted: s[i] };
    for (let i = s.length - 1; i >= 0; i--) yield { offset: at + i, removed: 1, inserted: '' };
  }
};

const STRAY = 'abcdefghijklmnopqrstuvwxyz_0123456789(){};,*/"\'';
const TARGET_STRAYS = 100;

const randomChars: Pattern = function* (text, random) {
  /** Offsets of the characters we inserted, in the current text. */
  const strays: number[] = [];
  for (;;) {
    if (strays.length < TARGET_STRAYS || (strays.length === TARGET_STRAYS && random() < 0.5)) {
      const t = text();
      let offset = Math.floor(random() * (t.length + 1));
      let c = STRAY[Math.floor(random() * STRAY.length)];
      if (random() < 0.05) {
        // A comment opener: `/` before a `*` (`struct foo *p` -> `struct foo /*p`).
        const star = t.indexOf('*', offset);
        if (star >= 0) {
          offset = star;
          c = '/';
        }
      }
      for (let i = 0; i < strays.length; i++) if (strays[i] >= offset) strays[i]++;
      strays.push(offset);
      yield { offset, removed: 0, inserted: c };
    } else {
      const k = Math.floor(random() * strays.length);
      const offset = strays[k];
      strays.splice(k, 1);
      for (let i = 0; i < strays.length; i++) if (strays[i] > offset) strays[i]--;
      yield { offset, removed: 1, inserted: '' };
    }
  }
};

/** Whole functions of a file: a line starting a definition up to the `}` at column 0. */
function functionsOf(text: string): string[] {
  return [...text.matchAll(/^(?:static |int |void |struct )[^\n;]*\)\n\{\n[\s\S]*?\n\}\n/gm)].map((m) => m[0]);
}

const paste: Pattern = function* (text, random) {
  const fns = functionsOf(text());
  for (;;) {
    const t = text();
    // After a `}` at column 0 followed by a blank line: between two top-level items.
    const gaps = [...t.matchAll(/\n\}\n\n/g)].map((m) => m.index + 3);
    const at = gaps[Math.floor(random() * gaps.length)];
    const fn = `${fns[Math.floor(random() * fns.length)]}\n`;
    yield { offset: at, removed: 0, inserted: fn };
    yield { offset: at, removed: fn.length, inserted: '' };
    yield { offset: 0, removed: 0, inserted: '/' };
    yield { offset: 1, removed: 0, inserted: '*' };
    yield { offset: 1, removed: 1, inserted: '' };
    yield { offset: 0, removed: 1, inserted: '' };
  }
};

const PATTERNS: Record<string, Pattern> = { statement, random: randomChars, paste };

interface Run {
  latencyMs: number[];
  parseMs: number[];
  rssMb: { edits: number; mb: number }[];
}

/**
 * Applies `count` edits of `pattern` to `file` through a fresh process of each server,
 * waiting for each publish. With two servers (--compare) each edit goes to both,
 * alternating which goes first, so drift on a shared machine hits both alike.
 */
async function soak(root: string, rel: string, pattern: Pattern, count: number, seed: number, servers: string[]): Promise<Run[]> {
  const file = path.join(root, rel);
  const uri = pathToFileURL(file).href;
  const original = fs.readFileSync(file, 'utf8');
  let doc = TextDocument.create(uri, 'c', 1, original);
  const bare = new BareIncremental(original);
  const clients: TestClient[] = [];
  const runs: Run[] = [];
  for (const server of servers) {
    const client = new TestClient(server, NODE_ARGS);
    await client.initialize(pathToFileURL(root).href, { debounceMs: 0 });
    await client.open(uri, original, 1);
    await client.diagnostics(uri, (p) => p.version === 1, 60000);
    clients.push(client);
    runs.push({ latencyMs: [], parseMs: [], rssMb: [{ edits: 0, mb: rssMb(client.proc.pid!) }] });
  }
  const edits = pattern(() => doc.getText(), rng(seed));
  for (let i = 0; i < count; i++) {
    const e = edits.next().value as Edit;
    const change: TextDocumentContentChangeEvent = {
      range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.removed) },
      text: e.inserted,
    };
    const version = i + 2;
    doc = TextDocument.update(doc, [change], version);
    for (let k = 0; k < clients.length; k++) {
      const j = (i + k) % clients.length;
      const t0 = performance.now();
      await clients[j].change(uri, version, [change]);
      await clients[j].diagnostics(uri, (p) => p.version === version, 60000);
      runs[j].latencyMs.push(performance.now() - t0);
    }
    const parse = bare.change(e.offset, e.removed, e.inserted);
    for (let j = 0; j < clients.length; j++) {
      runs[j].parseMs.push(parse);
      if ((i + 1) % SAMPLE_EVERY === 0 || i + 1 === count) runs[j].rssMb.push({ edits: i + 1, mb: rssMb(clients[j].proc.pid!) });
    }
  }
  for (const c of clients) await c.shutdown();
  return runs;
}

/** The protocol alone: one-character edits to a 5-line file with nothing to find. */
async function roundTrip(count: number): Promise<number[]> {
  const dir = path.join(REPO, 'test-output', 'bench-round-trip');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tiny.c'), 'int main(void)\n{\n\treturn 0;\n}\n');
  const [run] = await soak(dir, 'tiny.c', randomChars, count, 1, [SERVER]);
  return run.latencyMs;
}

/** 300 documents opened and closed at once, then a hover on a handler of an open file: ms until the answer. */
async function burst(
  root: string,
  debounceMs: number | undefined,
  server: string,
): Promise<{ hoverMs: number; answered: boolean; published: number }> {
  const client = new TestClient(server, NODE_ARGS);
  await client.initialize(pathToFileURL(root).href, debounceMs === undefined ? {} : { debounceMs });
  const main = path.join(root, DRIVER, 'main.c');
  const mainUri = pathToFileURL(main).href;
  const mainText = fs.readFileSync(main, 'utf8');
  await client.open(mainUri, mainText, 1);
  await client.diagnostics(mainUri, (p) => p.version === 1, 60000);
  const files = fs
    .readdirSync(path.join(root, 'drivers'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.[ch]$/.test(f))
    .map((f) => path.join(root, 'drivers', f))
    .filter((f) => f !== main)
    .sort()
    .slice(0, 300);
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  const uris = files.map((f) => pathToFileURL(f).href);
  const burstUris = new Set(uris);
  let published = 0;
  client.onPublish.push((p) => {
    if (burstUris.has(p.uri)) published++;
  });
  const line = mainText.slice(0, mainText.indexOf('\nmlx5vf_pci_set_device_state(') + 1).split('\n').length - 1;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < files.length; i++) sends.push(client.open(uris[i], texts[i], 1));
  for (const u of uris) sends.push(client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } }));
  await Promise.all(sends);
  const t0 = performance.now();
  const h = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: mainUri }, position: { line, character: 3 } });
  const hoverMs = performance.now() - t0;
  // Let whatever the server still had queued come out before counting.
  await new Promise((r) => setTimeout(r, 500));
  await client.shutdown();
  return { hoverMs, answered: !!h, published };
}

async function main(): Promise<void> {
  const root = ensureKernel();
  fs.mkdirSync(path.join(REPO, 'test-output'), { recursive: true });
  const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, edits: EDITS };
  const lines: string[] = [];
  const out = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  if (!flags['burst-only']) {
    const trip = await roundTrip(Math.min(EDITS, 2000));
    results.roundTripMs = trip;
    out(`LSP round trip alone (5-line file, ${trip.length} edits) p50 / p95 / max: ${stats(trip)} ms`);
    for (const name of flags.files.split(',')) {
      for (const p of flags.patterns.split(',')) {
        const t0 = performance.now();
        const runs = await soak(
          root,
          `${DRIVER}/${name}`,
          PATTERNS[p],
          EDITS,
          Number(flags.seed),
          SERVERS.map((s) => s[1]),
        );
        const secs = ((performance.now() - t0) / 1000).toFixed(0);
        runs.forEach((run, j) => {
          results[`${name} ${p} ${SERVERS[j][0]}`] = run;
          const floor = 2 * quantile(run.parseMs, 0.95) + quantile(trip, 0.95);
          out(
            `${name} ${p.padEnd(9)} ${SERVERS.length > 1 ? `[${SERVERS[j][0]}] ` : ''}${EDITS} edits: server p50 / p95 / max ${stats(run.latencyMs)} ms; ` +
              `reparse ${stats(run.parseMs)} ms; 2x reparse p95 + round trip p95 = ${f1(floor)} ms; ` +
              `RSS ${run.rssMb.map((r) => `${r.edits}:${r.mb.toFixed(0)}`).join(' ')} MB (${secs} s)`,
          );
        });
      }
    }
  }
  if (!flags['no-burst']) {
    for (const [label, server] of SERVERS) {
      for (const debounce of [0, undefined]) {
        const b = await burst(root, debounce, server);
        results[`burst debounce ${debounce ?? 'default'} ${label}`] = b;
        out(
          `burst of 300 open+close, debounce ${debounce ?? 'default'}${SERVERS.length > 1 ? ` [${label}]` : ''}: hover answered after ${f1(b.hoverMs)} ms` +
            `${b.answered ? '' : ' (empty)'}; publishes for the 300 documents: ${b.published} (300: only the clears at close)`,
        );
      }
    }
  }
  results.summary = lines;
  fs.writeFileSync(path.join(REPO, 'test-output', 'soak.json'), JSON.stringify(results));
  console.log('wrote test-output/soak.json');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
