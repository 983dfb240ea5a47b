/**
 * `npm run fuzz [-- SEED [ENGINE_CASES [CLI_CASES [LSP_CASES]]]]`, or FUZZ_SEED /
 * FUZZ_ENGINE / FUZZ_CLI / FUZZ_LSP in the environment: the longer local run.
 * Prints the cases run and each failure with the seed and index that reproduce
 * it (`FUZZ_SEED=S FUZZ_ONLY=engine:I npm run fuzz`); exits 1 on any failure.
 */
import { fuzzCli, removeScratch, runCliCase } from './cli';
import { fuzzEngine, runEngineCase, type CaseFailure } from './engine';
import { fuzzLsp } from './lsp';

async function main(): Promise<number> {
  const [a, b, c, d] = process.argv.slice(2).map(Number);
  const seed = a || Number(process.env.FUZZ_SEED) || Date.now() % 1_000_000;
  const engineCases = b || Number(process.env.FUZZ_ENGINE ?? 300);
  const cliCases = c || Number(process.env.FUZZ_CLI ?? 40);
  const lspCases = d || Number(process.env.FUZZ_LSP ?? 100);
  const only = process.env.FUZZ_ONLY; // e.g. engine:17
  if (only) {
    const [target, idx] = only.split(':');
    const heavyEvery = Number(process.env.FUZZ_HEAVY_EVERY ?? 10);
    const heavy = Number(idx) % heavyEvery === heavyEvery - 1;
    const r = target === 'cli' ? runCliCase(seed, Number(idx)) : runEngineCase(seed, Number(idx), { heavy });
    console.log(`${only} (seed ${seed}) passed: ${r.ops.join(', ')} on ${r.file}, slowest step ${Math.round(r.ms)} ms`);
    removeScratch();
    return 0;
  }
  console.log(`fuzz seed ${seed}: ${engineCases} engine, ${cliCases} CLI, ${lspCases} server cases`);
  const log = (s: string) => console.log(`  ${s}`);
  const failures: CaseFailure[] = [];
  const t0 = Date.now();
  const engine = fuzzEngine(seed, engineCases, { heavyEvery: 10, log });
  failures.push(...engine.failures);
  console.log(
    `engine: ${engine.cases} cases, ${engine.failures.length} failures, slowest analysis step ${Math.round(engine.slowestMs)} ms`,
  );
  const cli = fuzzCli(seed, cliCases, { heavyEvery: 10, log });
  removeScratch();
  failures.push(...cli.failures);
  console.log(`cli:    ${cli.cases} cases, ${cli.failures.length} failures, slowest run ${Math.round(cli.slowestMs)} ms`);
  const lsp = await fuzzLsp(seed, lspCases, { log });
  failures.push(...lsp.failures);
  console.log(
    `server: ${lsp.cases} cases, ${lsp.failures.length} failures, slowest case ${Math.round(lsp.slowestMs)} ms, exit code ${lsp.exitCode}`,
  );
  for (const f of failures) {
    console.log(`\nFAIL ${f.target} case ${f.index}: reproduce with FUZZ_SEED=${f.seed} FUZZ_ONLY=${f.target}:${f.index} npm run fuzz`);
    console.log(`  ${f.ops.join(', ')} on ${f.file}`);
    console.log(`  ${f.error.split('\n').slice(0, 8).join('\n  ')}`);
  }
  console.log(
    `\n${engine.cases + cli.cases + lsp.cases} cases in ${Math.round((Date.now() - t0) / 1000)} s, ${failures.length} failures (seed ${seed})`,
  );
  return failures.length || lsp.exitCode !== 0 ? 1 : 0;
}

// `node --test out/test/` also runs every file under test/: the long run with a
// random seed is for `npm run fuzz` only (CI's fixed-seed run is fuzz.test.ts).
if (process.env.NODE_TEST_CONTEXT) console.log('skipped under the test runner: run `npm run fuzz`');
else {
  main().then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
}
