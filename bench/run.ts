/**
 * `npm run bench`: prints each figure next to its floor, measured in the same run,
 * on Debian's linux-source-6.12 (extracted into .kernel/ like the tests do).
 *  - cold CLI check of drivers/vfio/pci vs a bare tree-sitter parse of the same files (whole processes);
 *  - language server over stdio: one-character edit -> publishDiagnostics, vs the incremental parse alone.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseC, reparseC } from '../server/src/engine/cParser';
import { ensureKernel, REPO } from '../test/support/kernel';
import { TestClient } from '../test/support/lspClient';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function timeProcess(args: string[], cwd: string): { ms: number; rssKb: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { cwd, encoding: 'utf8' });
  const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`timing failed: ${r.stderr}`);
  return { ms: Number(m[1]) * 1000, rssKb: Number(m[2]) };
}

async function lspEdits(root: string, rel: string, edits: number): Promise<{ lat: number[]; parse: number[] }> {
  const client = new TestClient();
  await client.initialize(pathToFileURL(root).href, { debounceMs: 0 });
  const file = path.join(root, rel);
  const uri = pathToFileURL(file).href;
  let doc = TextDocument.create(uri, 'c', 1, fs.readFileSync(file, 'utf8'));
  await client.open(uri, doc.getText(), 1);
  await client.diagnostics(uri, (p) => p.version === 1);
  const lat: number[] = [];
  const parse: number[] = [];
  let parsed = parseC(doc.getText());
  for (let i = 0; i < edits; i++) {
    // Insert a space at the start of a line spread through the file, then delete it again.
    const line = Math.floor(((i >> 1) * 7919) % doc.lineCount);
    const change = i % 2 === 0
      ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }
      : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
    const version = i + 2;
    doc = TextDocument.update(doc, [change], version);
    const t0 = performance.now();
    await client.change(uri, version, [change]);
    await client.diagnostics(uri, (p) => p.version === version);
    lat.push(performance.now() - t0);
    const t1 = performance.now();
    parsed = reparseC(parsed, doc.getText());
    parse.push(performance.now() - t1);
  }
  await client.shutdown();
  return { lat, parse };
}

async function main(): Promise<void> {
  const root = ensureKernel();
  const target = 'drivers/vfio/pci';
  const cli = path.join(REPO, 'server', 'bin', 'vfio-variant.js');
  const bare = path.join(REPO, 'out', 'bench', 'bareParse.js');
  const cliRuns: number[] = [];
  const bareRuns: number[] = [];
  let cliRss = 0;
  let bareRss = 0;
  for (let i = 0; i < RUNS; i++) {
    const b = timeProcess([bare, target], root);
    const c = timeProcess([cli, 'check', target], root);
    bareRuns.push(b.ms);
    cliRuns.push(c.ms);
    bareRss = Math.max(bareRss, b.rssKb);
    cliRss = Math.max(cliRss, c.rssKb);
  }
  const rows: string[][] = [['figure', 'value', 'floor', 'ratio']];
  rows.push([`CLI check ${target} (process, median of ${RUNS})`, `${median(cliRuns).toFixed(0)} ms`, `${median(bareRuns).toFixed(0)} ms bare parse`,
    (median(cliRuns) / median(bareRuns)).toFixed(2)]);
  rows.push(['  peak RSS', `${(cliRss / 1024).toFixed(0)} MB`, `${(bareRss / 1024).toFixed(0)} MB`, (cliRss / bareRss).toFixed(2)]);
  const results: Record<string, unknown> = { cli: { runsMs: cliRuns, bareMs: bareRuns, rssKb: cliRss, bareRssKb: bareRss } };
  for (const rel of ['drivers/vfio/pci/vfio_pci_core.c', 'drivers/vfio/pci/mlx5/cmd.c']) {
    const { lat, parse } = await lspEdits(root, rel, 200);
    rows.push([`edit -> diagnostics ${path.basename(path.dirname(rel))}/${path.basename(rel)} p50 / p95 / max`,
      `${quantile(lat, 0.5).toFixed(1)} / ${quantile(lat, 0.95).toFixed(1)} / ${Math.max(...lat).toFixed(1)} ms`,
      `${quantile(parse, 0.5).toFixed(1)} / ${quantile(parse, 0.95).toFixed(1)} ms incremental parse`,
      (quantile(lat, 0.95) / quantile(parse, 0.95)).toFixed(2)]);
    results[rel] = { latencyMs: lat, parseMs: parse };
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  fs.mkdirSync(path.join(REPO, 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(REPO, 'test-output', 'bench.json'), JSON.stringify(results, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
