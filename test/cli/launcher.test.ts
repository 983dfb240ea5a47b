/**
 * server/bin/vfio-variant.js: runs the bundle while it is fresh, the modules tsc
 * compiled otherwise. Run on a copy of the install, so the bundle this test spoils
 * is not the one other test files use at the same time.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { REPO } from '../support/kernel';

const EXAMPLE = path.join(REPO, 'examples', 'acme-vfio');

describe('CLI launcher', () => {
  let root: string;
  const run = () =>
    spawnSync(process.execPath, [path.join(root, 'server', 'bin', 'vfio-variant.js'), 'check', '--format', 'json', EXAMPLE], {
      encoding: 'utf8',
    });
  const expected = () => runCli(['check', '--format', 'json', EXAMPLE]).stdout;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-launcher-'));
    for (const d of ['server/bin', 'out/cli', 'out/server/src']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'server/bin/vfio-variant.js'), path.join(root, 'server/bin/vfio-variant.js'));
    fs.copyFileSync(path.join(REPO, 'out/cli/vfio-variant.js'), path.join(root, 'out/cli/vfio-variant.js'));
    fs.copyFileSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
    for (const link of ['node_modules', 'docs', 'out/server/src/cli']) fs.symlinkSync(path.join(REPO, link), path.join(root, link));
    // Stamps of the copy as it is (out/server/src/cli/main.js is the repo's, through the link).
    const inputs = JSON.parse(fs.readFileSync(path.join(REPO, 'out/cli/vfio-variant.inputs.json'), 'utf8'));
    inputs.stamps = inputs.stamps.map(([file]: [string]) => {
      const st = fs.statSync(path.join(root, file));
      return [file, st.mtimeMs, st.size];
    });
    fs.writeFileSync(path.join(root, 'out/cli/vfio-variant.inputs.json'), JSON.stringify(inputs));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('runs a fresh bundle, with the same output as the modules', () => {
    const want = expected();
    assert.ok(JSON.parse(want).findings.length > 0);
    // Proof that the bundle (and not the modules) ran: a marker it writes to stderr.
    fs.appendFileSync(path.join(root, 'out/cli/vfio-variant.js'), '\nprocess.stderr.write("bundle ran\\n");\n');
    const st = fs.statSync(path.join(root, 'out/cli/vfio-variant.js'));
    const inputsPath = path.join(root, 'out/cli/vfio-variant.inputs.json');
    const inputs = JSON.parse(fs.readFileSync(inputsPath, 'utf8'));
    inputs.stamps[0] = [inputs.stamps[0][0], st.mtimeMs, st.size];
    fs.writeFileSync(inputsPath, JSON.stringify(inputs));
    const r = run();
    assert.equal(r.stdout, want, r.stderr);
    assert.equal(r.stderr, 'bundle ran\n');
  });

  it('a stale bundle is not run: the modules tsc compiled run instead', () => {
    fs.appendFileSync(path.join(root, 'out/cli/vfio-variant.js'), '\nthrow new Error("stale bundle ran");\n');
    const r = run();
    assert.equal(r.stdout, expected(), r.stderr);
    assert.equal(r.stderr, '');
  });
});

describe('CLI output through a pipe', () => {
  // ~600 KB of findings: ten times a pipe's buffer, so writes block on the reader.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-pipe-'));
  fs.writeFileSync(
    path.join(dir, 'main.c'),
    '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\nstatic int f(void *m)\n{\n' +
      '\tmlx5_cmd_exec(m);\n'.repeat(4000) +
      '\treturn 0;\n}\n',
  );
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cli = path.join(REPO, 'server', 'bin', 'vfio-variant.js');

  it('a slow reader gets all of it', async () => {
    const whole = spawnSync(process.execPath, [cli, 'check', '--per-call', dir], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
    assert.ok(whole.length > 500_000, `${whole.length}`);
    const child = spawn(process.execPath, [cli, 'check', '--per-call', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 300)); // the CLI is blocked on a full pipe meanwhile
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    const status = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(status, 1);
    assert.equal(Buffer.concat(chunks).toString('utf8'), whole);
  });

  it('a reader that goes away (`| head -1`) ends the CLI quietly with its usual status', async () => {
    const child = spawn(process.execPath, [cli, 'check', '--per-call', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(status, 1, stderr);
    assert.equal(stderr, '');
  });
});
