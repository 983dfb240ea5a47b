/**
 * Security: what the engine and the CLI read, that no workspace code runs, and
 * that a restricted (untrusted) workspace cannot point the server outside itself.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigurationRequest, LogMessageNotification, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { normalizeSettings, Workspace, type FileSystemHost } from '../../server/src/engine';
import { buildReport } from '../../server/src/engine/report/report';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { main } from '../../server/src/cli/main';
import { ensureKernel, REPO } from '../support/kernel';
import { TestClient } from '../support/lspClient';

const ALLOWED_READ = /(\.[ch]|\/MAINTAINERS)$/;

function recordingHost(reads: string[]): FileSystemHost {
  return { ...nodeFileSystem, readBytes: (p) => (reads.push(p), nodeFileSystem.readBytes(p)) };
}

describe('security', () => {
  it('the engine reads only .c/.h files and MAINTAINERS (findings, fixes, fix-all, report on 6.12 mlx5 and qat)', () => {
    const root = ensureKernel();
    const reads: string[] = [];
    const ws = new Workspace(recordingHost(reads), normalizeSettings({ parentCallFindings: 'call' }));
    for (const drv of ['mlx5', 'qat']) {
      const dir = path.join(root, 'drivers/vfio/pci', drv);
      const { findings } = ws.driverFindings(dir);
      assert.ok(findings.length > 5, drv);
      for (const f of findings.slice(0, 20)) ws.fixes(f.path, f);
      for (const file of new Set(findings.map((f) => f.path))) ws.fixAll(file);
      buildReport(ws, dir);
    }
    assert.ok(
      reads.some((p) => p.endsWith('/MAINTAINERS')) && reads.some((p) => p.includes('/include/linux/mlx5/')),
      'the run read headers and MAINTAINERS',
    );
    const other = [...new Set(reads)].filter((p) => !ALLOWED_READ.test(p));
    assert.deepEqual(other, []);
  });

  it('the CLI reads only .c/.h files, MAINTAINERS and its .vfio-variant.json (fs calls recorded in process)', async () => {
    const root = ensureKernel();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-sec-'));
    fs.cpSync(path.join(root, 'drivers/vfio/pci/mlx5'), path.join(dir, 'mlx5'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.vfio-variant.json'), JSON.stringify({ kernelTree: root }));
    fs.writeFileSync(path.join(dir, 'mlx5', 'Kconfig.c.orig'), 'not read\n');
    const reads: string[] = [];
    // The module object itself (TypeScript's `import * as` gives a read-only view of it).
    const nodeFs = require('node:fs') as typeof fs;
    const orig = { readFileSync: nodeFs.readFileSync, openSync: nodeFs.openSync };
    const rec = (p: unknown) => {
      if (typeof p === 'string' || p instanceof URL) reads.push(String(p));
    };
    (nodeFs as { readFileSync: unknown }).readFileSync = (p: unknown, ...rest: unknown[]) => (
      rec(p),
      (orig.readFileSync as (...a: unknown[]) => unknown)(p, ...rest)
    );
    (nodeFs as { openSync: unknown }).openSync = (p: unknown, ...rest: unknown[]) => (
      rec(p),
      (orig.openSync as (...a: unknown[]) => unknown)(p, ...rest)
    );
    let out = '';
    let code: number;
    try {
      code = await main(['check', '--per-call', '--format', 'json', '--jobs', '1', path.join(dir, 'mlx5')], {
        out: (s) => (out += s),
        err: (s) => (out += s),
      });
      await main(['report', path.join(dir, 'mlx5')], { out: () => undefined, err: (s) => (out += s) });
    } finally {
      Object.assign(nodeFs, orig);
    }
    assert.equal(code, 1, out);
    assert.ok(JSON.parse(out.slice(0, out.lastIndexOf('}') + 1)).findings.length > 50);
    assert.ok(reads.includes(path.join(dir, '.vfio-variant.json')), 'the config file was read');
    assert.ok(
      reads.some((p) => p.startsWith(path.join(root, 'include'))),
      'headers of the kernel tree were read',
    );
    const other = [...new Set(reads)].filter((p) => !ALLOWED_READ.test(p) && p !== path.join(dir, '.vfio-variant.json'));
    assert.deepEqual(other, []);
  });

  it('no workspace code runs: worker_threads only in cli/parallel.ts (its own module), child_process only in node/git.ts (git, fsmonitor off), no eval, vm or dynamic require/import', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) files.push(p);
      }
    };
    walk(path.join(REPO, 'server', 'src'));
    assert.ok(files.length > 20);
    const problems: string[] = [];
    for (const f of files) {
      const rel = path.relative(path.join(REPO, 'server', 'src'), f);
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(/^import\s+([^;]*?)\s+from\s+'(?:node:)?(child_process|worker_threads|vm)'/gm)) {
        // node/gc.ts takes V8's gc function from a fresh context (vm.runInNewContext('gc'), a constant).
        const ok =
          (m[2] === 'worker_threads' && rel === 'cli/parallel.ts') ||
          (m[2] === 'child_process' && rel === path.join('node', 'git.ts')) ||
          (m[2] === 'vm' && rel === path.join('node', 'gc.ts') && [...src.matchAll(/\bvm\.\w+\(([^)]*)\)/g)].every((c) => c[1] === "'gc'"));
        if (!ok) problems.push(`${rel}: imports ${m[2]} (${m[1]})`);
      }
      if (/\brequire\s*\(\s*(?!['"])/.test(src)) problems.push(`${rel}: require() of a computed path`);
      if (/\bimport\s*\(/.test(src)) problems.push(`${rel}: dynamic import()`);
      if (/\beval\s*\(|\bnew\s+Function\s*\(/.test(src)) problems.push(`${rel}: eval`);
      for (const m of src.matchAll(/new\s+(?:Worker|\(threads\(\)\.Worker\))\s*\(([^,)]*)/g))
        if (m[1].trim() !== '__filename') problems.push(`${rel}: Worker(${m[1]})`);
    }
    assert.deepEqual(problems, []);
    assert.match(
      fs.readFileSync(path.join(REPO, 'server/src/cli/parallel.ts'), 'utf8'),
      /new\s+\(threads\(\)\.Worker\)\(\s*__filename/,
      'the pool starts its own module',
    );
    // The one program started: git, never through a shell, with the repository's fsmonitor hook turned off.
    const git = fs.readFileSync(path.join(REPO, 'server/src/node/git.ts'), 'utf8');
    assert.deepEqual(
      [...git.matchAll(/\b(spawn\w*|exec\w*|fork)\s*\(/g)].map((m) => m[0].replace(/\s/g, '')),
      ['spawnSync('],
    );
    assert.match(git, /spawnSync\('git', \['-c', 'core\.fsmonitor=false', \.\.\.args\]/);
  });

  it('restricted workspace: a kernelTree outside the workspace folder is ignored and logged (header declarations unseen); unrestricted uses it', async () => {
    const root = ensureKernel();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-untrusted-'));
    fs.cpSync(path.join(root, 'drivers/vfio/pci/mlx5'), path.join(folder, 'mlx5'), { recursive: true });
    // A link inside the folder that leads to the tree outside counts as outside.
    fs.symlinkSync(root, path.join(folder, 'linux'));
    const file = path.join(folder, 'mlx5', 'cmd.c');
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    const names = async (restricted: boolean, kernelTree: string) => {
      const c = new TestClient();
      const logs: string[] = [];
      c.conn.onNotification(LogMessageNotification.type, (m) => {
        logs.push(m.message);
      });
      try {
        // Open once the server has pulled its settings (it re-publishes anyway, but then the first publish could be the default's).
        const served = new Promise<void>((resolve) =>
          c.conn.onRequest(ConfigurationRequest.type, (params) => {
            setImmediate(resolve);
            return params.items.map(() => ({ kernelTree, parentCallFindings: 'call' }));
          }),
        );
        await c.initialize(pathToFileURL(folder).href, { debounceMs: 0, restricted });
        await served;
        await c.open(uri, text, 1);
        const p = await c.diagnostics(uri, (x) => x.version === 1);
        const ds = p.diagnostics.filter((d: Diagnostic) => d.code === 'parent-call-undocumented');
        return { calls: ds.map((d) => /: (\w+)\(\)$/.exec(String(d.message))![1]), logs };
      } finally {
        assert.equal(await c.shutdown(), 0);
      }
    };
    const trusted = await names(false, root);
    const restricted = await names(true, root);
    const viaLink = await names(true, path.join(folder, 'linux'));
    // Only the tree's headers show that mlx5_init_fbc() is a header helper (an inline that runs no
    // mlx5_core code): without them its prefix makes it a parent call.
    assert.ok(!trusted.calls.includes('mlx5_init_fbc'), trusted.calls.join(' '));
    assert.ok(restricted.calls.includes('mlx5_init_fbc'), restricted.calls.join(' '));
    assert.ok(trusted.calls.length > 20 && restricted.calls.length > trusted.calls.length);
    assert.deepEqual(viaLink.calls, restricted.calls);
    assert.ok(
      restricted.logs.some((l) => /kernelTree .* is outside the workspace; ignored in restricted mode/.test(l)),
      restricted.logs.join('\n'),
    );
    assert.ok(viaLink.logs.some((l) => /outside the workspace; ignored/.test(l)));
    assert.ok(!trusted.logs.some((l) => /ignored in restricted mode/.test(l)));
  });
});
