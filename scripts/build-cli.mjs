#!/usr/bin/env node
/**
 * Bundles the CLI into one file, out/cli/vfio-variant.js (tree-sitter external:
 * native N-API addons cannot be bundled), so a cold `vfio-variant check` loads
 * one script instead of ~30 modules. Run by `npm run build` (and so `prepare`
 * and the test scripts) after tsc.
 *
 * out/cli/vfio-variant.inputs.json, written last, holds the mtime and size of
 * the bundle and of out/server/src/cli/main.js (tsc rewrites every output on
 * each build), and lists the inputs: server/bin/vfio-variant.js runs the bundle
 * only while both stamps still match, and otherwise the modules tsc compiled to
 * out/, so a source edited after this build and compiled by tsc alone never
 * runs stale. (Two stats instead of one per input: ~1.5 ms of a cold start.)
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(REPO, 'package.json'));
const esbuild = require('esbuild');

const BUNDLE = 'out/cli/vfio-variant.js';
const BUILT_FROM = path.join(REPO, 'out/cli/vfio-variant.inputs.json');

// While the bundle is being replaced the launcher must not take it for a fresh one.
fs.rmSync(BUILT_FROM, { force: true });
const { metafile } = await esbuild.build({
  entryPoints: [path.join(REPO, 'server/src/cli/main.ts')],
  outfile: path.join(REPO, BUNDLE),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['tree-sitter', 'tree-sitter-c'],
  absWorkingDir: REPO,
  metafile: true,
  logLevel: 'warning',
});
// `import * as fs from 'fs'` becomes __toESM(require("fs")), a copy of every export of the
// module, 22 times: ~2 ms of each start. Node's built-in modules are CommonJS objects that
// the code only reads named exports from, so the module itself serves.
const bundlePath = path.join(REPO, BUNDLE);
const unwrapped = fs.readFileSync(bundlePath, 'utf8').replace(/__toESM\(require\("(node:)?(fs|path|os|util|url)"\)\)/g, 'require("$1$2")');
fs.writeFileSync(bundlePath, unwrapped);
// tsconfig.json steers how esbuild compiles the sources without being an input of the metafile.
const inputs = [...Object.keys(metafile.inputs), 'tsconfig.json'].sort();
const stamps = [BUNDLE, 'out/server/src/cli/main.js'].map((f) => {
  const st = fs.statSync(path.join(REPO, f));
  return [f, st.mtimeMs, st.size];
});
fs.writeFileSync(BUILT_FROM, JSON.stringify({ stamps, inputs }) + '\n');
console.log(`${BUNDLE}: ${(fs.statSync(path.join(REPO, BUNDLE)).size / 1024).toFixed(0)} KiB from ${inputs.length} inputs`);
