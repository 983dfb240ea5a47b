#!/usr/bin/env node
// Runs the compiled tests of the named tiers with node's test runner. Only *.test.js
// files are tests (helpers under test/ are not). Node 20's runner takes no globs.
//   quick        rules, unit: in-process, no kernel tarball needed
//   integration  CLI, LSP, Linux 6.12 kernel, report, robustness, grammar, snippets
//   slow         fuzz, package (.vsix), Neovim, end-to-end in code-server
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const TIERS = {
  quick: ['rules', 'unit'],
  integration: ['cli', 'lsp', 'kernel', 'report', 'robustness', 'grammar', 'snippets'],
  slow: ['fuzz', 'package', 'nvim', 'e2e'],
};
const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const tiers = process.argv.slice(2);
if (!tiers.length || tiers.some((t) => !TIERS[t])) {
  console.error(`usage: node scripts/test.mjs ${Object.keys(TIERS).join('|')}...`);
  process.exit(2);
}
const files = [];
for (const dir of tiers.flatMap((t) => TIERS[t])) {
  const abs = path.join(root, 'out', 'test', dir);
  if (!fs.existsSync(abs)) continue;
  for (const f of fs.readdirSync(abs, { recursive: true, encoding: 'utf8' }).sort())
    // tsc never deletes: a compiled test whose source is gone is not run.
    if (f.endsWith('.test.js') && fs.existsSync(path.join(root, 'test', dir, f.replace(/\.js$/, '.ts')))) files.push(path.join(abs, f));
}
const seen = new Set(Object.values(TIERS).flat());
for (const d of fs.readdirSync(path.join(root, 'test'), { withFileTypes: true })) {
  if (d.isDirectory() && !seen.has(d.name) && !['support', 'fixtures', 'labels'].includes(d.name)) {
    const hasTests = fs
      .readdirSync(path.join(root, 'test', d.name), { recursive: true, encoding: 'utf8' })
      .some((f) => f.endsWith('.test.ts'));
    if (hasTests) {
      console.error(`test/${d.name}/ holds tests but belongs to no tier: add it to scripts/test.mjs`);
      process.exit(2);
    }
  }
}
// Everything the tests and the programs they start write stays in test-output/ (ignored by git):
// their own HOME, XDG directories and TMPDIR (Neovim's state, npm's cache, code-server, Chromium).
const home = path.join(root, 'test-output', 'home');
const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  XDG_DATA_HOME: path.join(home, '.local', 'share'),
  XDG_STATE_HOME: path.join(home, '.local', 'state'),
  XDG_CACHE_HOME: path.join(home, '.cache'),
  TMPDIR: path.join(root, 'test-output', 'tmp'),
};
for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'TMPDIR'])
  fs.mkdirSync(env[k], { recursive: true });
const r = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
