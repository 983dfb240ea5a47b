#!/usr/bin/env node
'use strict';
/*
 * Launcher for the CLI. npm run build (and so npm install) produces both the
 * modules tsc compiles to out/ and, from the same sources, the one-file bundle
 * out/cli/vfio-variant.js (scripts/build-cli.mjs), which loads faster (README,
 * Performance: `npm run bench:startup`). The bundle runs while it and out/server/src/cli/main.js (which tsc
 * rewrites on every build) still have the mtime and size recorded when it was
 * built; otherwise (say a source edited, then compiled by tsc alone) the modules
 * in out/ run.
 */
const fs = require('fs');
const path = require('path');

const REPO = path.join(__dirname, '..', '..');

function bundleIsFresh() {
  try {
    const { stamps } = JSON.parse(fs.readFileSync(path.join(REPO, 'out', 'cli', 'vfio-variant.inputs.json'), 'utf8'));
    return stamps.every(([file, mtimeMs, size]) => {
      const st = fs.statSync(path.join(REPO, file), { throwIfNoEntry: false });
      return st !== undefined && st.mtimeMs === mtimeMs && st.size === size;
    });
  } catch {
    return false;
  }
}

const BUNDLE = path.join(REPO, 'out', 'cli', 'vfio-variant.js');

// No V8 code cache: it saved less than the 5% of a run a start-up mechanism must save
// to stay (README, Performance).
const cli = bundleIsFresh() ? require(BUNDLE) : require('../../out/server/src/cli/main.js');
cli.main(process.argv.slice(2)).then((code) => {
  // The CLI writes its output synchronously (server/src/node/syncOutput.ts), so all
  // of it is out: exit now rather than wait for node to wind down by itself.
  process.exit(code);
});
