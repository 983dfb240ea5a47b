#!/usr/bin/env node
// Writes what is derived from the rule registry (each rule's `meta`): the severity
// settings in package.json, the rules table in README.md and in docs/rules/README.md.
// `npm run rules:sync` after adding or changing a rule; test/unit/rulesSync.test.ts
// fails while any of them is out of date. Reads the compiled registry (run tsc first).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const { renderRuleTables } = require(path.join(root, 'out/server/src/engine/rules/docs.js'));
const check = process.argv.includes('--check');

const outputs = renderRuleTables(
  fs.readFileSync(path.join(root, 'package.json'), 'utf8'),
  fs.readFileSync(path.join(root, 'README.md'), 'utf8'),
  fs.readFileSync(path.join(root, 'docs/rules/README.md'), 'utf8'),
);
let stale = 0;
for (const [rel, text] of Object.entries(outputs)) {
  const file = path.join(root, rel);
  if (fs.readFileSync(file, 'utf8') === text) continue;
  stale++;
  if (check) console.error(`${rel} is out of date: run npm run rules:sync`);
  else fs.writeFileSync(file, text);
}
process.exit(check && stale ? 1 : 0);
