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
const { createRequire } = require('module');
const vm = require('vm');

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
/** V8's compiled code for the bundle; build-cli.mjs deletes it with each new bundle. */
const CODE_CACHE = `${BUNDLE}.v8cache`;

/**
 * Runs the bundle as a CommonJS module with V8's code cache, through public APIs only
 * (vm.Script's cachedData, module.createRequire). The cache is written after a run, so
 * it holds the functions that ran compiled, not only the top level. V8 rejects a cache
 * from another V8 version or other flags; it is then written again. What it saves is
 * measured by `npm run bench` (README, Performance).
 */
function loadBundle() {
  let cachedData;
  try {
    cachedData = fs.readFileSync(CODE_CACHE);
  } catch {
    // first run after a build
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(BUNDLE, 'utf8')}\n})`;
  const script = new vm.Script(wrapped, { filename: BUNDLE, cachedData });
  const bundle = { exports: {}, filename: BUNDLE, loaded: false };
  script.runInThisContext().call(bundle.exports, bundle.exports, createRequire(BUNDLE), bundle, BUNDLE, path.dirname(BUNDLE));
  bundle.loaded = true;
  const saveCache =
    cachedData && !script.cachedDataRejected
      ? () => {}
      : () => {
          try {
            const tmp = `${CODE_CACHE}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, script.createCachedData());
            fs.renameSync(tmp, CODE_CACHE);
          } catch {
            // a read-only install: run without the cache
          }
        };
  return { cli: bundle.exports, saveCache };
}

const { cli, saveCache } = bundleIsFresh() ? loadBundle() : { cli: require('../../out/server/src/cli/main.js'), saveCache: () => {} };
cli.main(process.argv.slice(2)).then((code) => {
  saveCache();
  // The CLI writes its output synchronously (server/src/node/syncOutput.ts), so all
  // of it is out: exit now. Left to wind down by itself, node spent ~15 ms (a tenth
  // of a check) after the last line was written.
  process.exit(code);
});
