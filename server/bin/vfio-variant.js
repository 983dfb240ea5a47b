#!/usr/bin/env node
'use strict';
/*
 * Launcher for the CLI. npm run build (and so npm install) produces both the
 * modules tsc compiles to out/ and, from the same sources, the one-file bundle
 * out/cli/vfio-variant.js (scripts/build-cli.mjs), which loads in about half the
 * time. The bundle runs while it and out/server/src/cli/main.js (which tsc
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

const cli = bundleIsFresh() ? require('../../out/cli/vfio-variant.js') : require('../../out/server/src/cli/main.js');
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Exit once the output is flushed: left to wind down by itself, node spent
  // ~15 ms (a tenth of a check) after the last line was written.
  let pending = 2;
  const done = () => { if (--pending === 0) process.exit(code); };
  process.stdout.write('', done);
  process.stderr.write('', done);
});
