/**
 * The fixed-seed fuzz run of `npm test` (about 30 s on two cores): mutated 6.12
 * drivers through the engine, the CLI and the server. `npm run fuzz` runs more.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fuzzCli, removeScratch } from './cli';
import { fuzzEngine, runEngineCase, ENGINE_STEP_BOUND_MS } from './engine';
import { fuzzLsp, lspChecked } from './lsp';
import { HEAVY } from './mutate';

const SEED = 20261;
const show = (r: { failures: { index: number; ops: string[]; error: string }[] }) =>
  r.failures.map((f) => `case ${f.index} [${f.ops.join(', ')}]: ${f.error.split('\n').slice(0, 6).join('\n')}`).join('\n\n');

describe('fuzz (fixed seed)', () => {
  after(removeScratch);

  it('engine: 60 mutated drivers analysed, fixed and edited incrementally', () => {
    const r = fuzzEngine(SEED, 60, { heavyEvery: 0 });
    assert.equal(r.cases, 60);
    assert.deepEqual(r.failures, [], show(r));
  });

  it('engine: 3000-deep nesting and 2 MB lines stay within the time bound', () => {
    // One of each (open, findings, fixes; no typing on top), each step timed.
    for (const force of HEAVY) {
      const r = runEngineCase(SEED, 0, { force, light: true });
      assert.ok(r.ms < ENGINE_STEP_BOUND_MS, `${force}: ${Math.round(r.ms)} ms`);
    }
  });

  it('CLI: 8 runs on mutated bytes end with 0/1/2, valid output, no stack trace', () => {
    const r = fuzzCli(SEED, 8);
    assert.deepEqual(r.failures, [], show(r));
  });

  it('server: 25 mutated documents; every code action applies to its version and only adds comments', async () => {
    const r = await fuzzLsp(SEED, 25);
    assert.deepEqual(r.failures, [], show(r));
    assert.equal(r.exitCode, 0);
    assert.ok(lspChecked.diagnostics > 20 && lspChecked.actions > 20, JSON.stringify(lspChecked));
    assert.doesNotMatch(r.serverStderr, /\n\s+at /, 'no stack trace from the server');
  });
});
