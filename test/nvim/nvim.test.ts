/**
 * A second real LSP client: headless Neovim (Debian's neovim, 0.7.2 here) starts
 * the same language server over stdio, opens Linux 6.12 variant-driver files and
 * must end up with the diagnostics the CLI reports for them.
 */
import { spawn } from 'node:child_process';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkJson } from '../support/cli';
import { ensureKernel, REPO } from '../support/kernel';
import { SERVER } from '../support/lspClient';

const NVIM = process.env.VFIO_VARIANT_NVIM ?? 'nvim';
const SCRIPT = path.join(REPO, 'test', 'nvim', 'collect.lua');

interface NvimDiagnostic {
  lnum: number;
  col: number;
  severity: number;
  message: string;
  source: string;
  code: string;
}

interface NvimResult {
  diagnostics: NvimDiagnostic[];
  ms: number;
  actions: string[];
  action_for: { line: number; character: number; code: string };
  action_error?: string;
}

function runNvim(file: string, root: string): Promise<NvimResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-nvim-'));
  const out = path.join(dir, 'diagnostics.json');
  return new Promise((resolve, reject) => {
    const child = spawn(NVIM, ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${SCRIPT}`], {
      env: {
        ...process.env,
        XDG_STATE_HOME: dir,
        XDG_CACHE_HOME: dir,
        XDG_DATA_HOME: dir,
        VFIO_SERVER_CMD: JSON.stringify([process.execPath, SERVER, '--stdio']),
        VFIO_FILE: file,
        VFIO_ROOT: root,
        VFIO_OUT: out,
        VFIO_TIMEOUT_MS: '30000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.on('error', (e) => {
      clearTimeout(killer);
      reject(new Error(`cannot run ${NVIM} (apt-get install neovim): ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      try {
        const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
        fs.rmSync(dir, { recursive: true, force: true });
        const result = text ? JSON.parse(text) : { error: 'no output' };
        if (code !== 0 || result.error) reject(new Error(`nvim exit ${code ?? signal}: ${result.error ?? ''}\n${stderr}`));
        else resolve(result);
      } catch (e) {
        reject(e);
      }
    });
  });
}

const key = (line: number, column: number, rule: string) => `${line}:${column}:${rule}`;

for (const rel of ['drivers/vfio/pci/mlx5/main.c', 'drivers/vfio/pci/pds/lm.c', 'drivers/vfio/pci/hisilicon/hisi_acc_vfio_pci.c']) {
  test(`neovim receives the CLI's diagnostics for ${rel}`, async () => {
    const root = ensureKernel();
    const file = path.join(root, rel);
    const cli = checkJson([file], REPO).filter((f) => path.resolve(REPO, f.file) === file);
    assert.ok(cli.length > 0, `the CLI reports findings for ${rel}`);

    const { diagnostics, ms, actions, action_for: actionFor, action_error: actionError } = await runNvim(file, root);
    console.log(
      `nvim: ${diagnostics.length} diagnostics for ${rel} ${ms.toFixed(0)} ms after start; quick fixes for the first: ${JSON.stringify(actions)}`,
    );
    const ours = diagnostics.filter((d) => d.source === 'vfio-variant');
    assert.equal(ours.length, diagnostics.length, 'every diagnostic comes from source vfio-variant');
    // Neovim keeps 0-based lines and byte columns; the CLI prints 1-based ones (ASCII files).
    assert.deepEqual(ours.map((d) => key(d.lnum + 1, d.col + 1, d.code)).sort(), cli.map((f) => key(f.line, f.column, f.rule)).sort());
    const severity: Record<string, number> = { error: 1, warning: 2, information: 3, hint: 4 };
    assert.deepEqual(ours.map((d) => d.severity).sort(), cli.map((f) => severity[f.severity]).sort());
    // Quick fixes reach Neovim too: the first diagnostic's finding gets its documenting fix.
    assert.equal(actionError, undefined);
    const finding = cli.find((f) => f.line === actionFor.line + 1 && f.column === actionFor.character + 1 && f.rule === actionFor.code);
    assert.ok(finding, `the diagnostic asked about is a CLI finding: ${JSON.stringify(actionFor)}`);
    const expected =
      finding.kind === 'migration-handler'
        ? new RegExp(`^Insert kernel-doc for ${finding.name}\\(\\)`)
        : (finding.kind as string) === 'parent-calls'
          ? new RegExp(`^(Document the \\d+ parent call\\(s\\) of ${finding.name}\\(\\)|Comment each parent call in ${finding.name}\\(\\))`)
          : /^Document the call to /;
    assert.ok(
      actions.some((t) => expected.test(t)),
      `${expected} among ${JSON.stringify(actions)}`,
    );
  });
}
