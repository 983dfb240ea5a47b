#!/usr/bin/env node
/**
 * Bundles the CLI into one file, out/cli/vfio-variant.js (tree-sitter external:
 * native N-API addons cannot be bundled), so a cold `vfio-variant check` loads
 * one script instead of ~30 modules. Run by `npm run build` (and so `prepare`
 * and the test scripts) after tsc.
 *
 * out/cli/vfio-variant.inputs.json, written last, lists every input and the
 * bundle with their mtime and size: server/bin/vfio-variant.js runs the bundle
 * only while they all still match, and otherwise the modules tsc compiled to
 * out/, so a source edited after this build (then compiled by tsc alone) never
 * runs stale.
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
  entryPoints: [path.join(REPO, 'server/src/cli/main.ts')], outfile: path.join(REPO, BUNDLE),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['tree-sitter', 'tree-sitter-c'],
  absWorkingDir: REPO, metafile: true, logLevel: 'warning',
});
// tsconfig.json steers how esbuild compiles the sources without being an input of the metafile.
const inputs = [...Object.keys(metafile.inputs), 'tsconfig.json'].sort();
const recorded = [...inputs, BUNDLE].map((f) => {
  const st = fs.statSync(path.join(REPO, f));
  return [f, st.mtimeMs, st.size];
});
fs.writeFileSync(BUILT_FROM, JSON.stringify(recorded) + '\n');
console.log(`${BUNDLE}: ${(fs.statSync(path.join(REPO, BUNDLE)).size / 1024).toFixed(0)} KiB from ${inputs.length} inputs`);
