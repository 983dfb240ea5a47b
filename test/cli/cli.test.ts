/** The CLI as users run it: formats, exit codes, config files, --fix and its safety. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/engine';
import { runCli } from '../support/cli';
import { REPO } from '../support/kernel';

const EXAMPLE = path.join(REPO, 'examples', 'acme-vfio');

function tempDriver(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-cli-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

const DRIVER =
  '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n';

describe('vfio-variant check', () => {
  it('text output is gcc-style and the exit status says there are findings', () => {
    const r = runCli(['check', 'examples/acme-vfio']);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.length >= 5);
    for (const l of lines) assert.match(l, /^examples\/acme-vfio\/main\.c:\d+:\d+: (warning|note): .+ \[[a-z-]+\]$/);
  });

  it('json lists findings with 1-based positions; --all adds the documented ones', () => {
    const r = runCli(['check', '--format', 'json', EXAMPLE]);
    const { findings } = JSON.parse(r.stdout);
    const all = JSON.parse(runCli(['check', '--format', 'json', '--all', EXAMPLE]).stdout).findings;
    assert.ok(all.length > findings.length);
    assert.ok(findings.every((f: { documented: boolean }) => !f.documented));
    const text = fs.readFileSync(path.join(EXAMPLE, 'main.c'), 'utf8').split('\n');
    for (const f of all) {
      assert.ok(['parent-call', 'parent-calls', 'migration-handler', 'driver', 'code'].includes(f.kind), f.kind);
      assert.equal(text[f.line - 1].slice(f.column - 1, f.column - 1 + f.name.length), f.name, JSON.stringify(f));
      for (const k of ['file', 'rule', 'severity', 'message', 'documented']) assert.ok(k in f, k);
      if (f.kind === 'parent-call') assert.equal(typeof f.parent, 'string');
      else if (f.kind === 'migration-handler') assert.equal(typeof f.role, 'string');
    }
  });

  it('sarif is SARIF 2.1.0 with rules and locations', () => {
    const log = JSON.parse(runCli(['check', '--format', 'sarif', EXAMPLE]).stdout);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    // Every registered rule, whatever rules the registry holds.
    assert.deepEqual(run.tool.driver.rules.map((r: { id: string }) => r.id).sort(), RULES.map((r) => r.meta.id).sort());
    assert.ok(run.results.length > 0);
    for (const res of run.results) {
      assert.ok(res.ruleIndex >= 0);
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
      assert.match(res.locations[0].physicalLocation.artifactLocation.uri, /main\.c$/);
    }
  });

  it('exits 0 with no output when there is nothing to report', () => {
    const dir = tempDriver({ 'main.c': '#include <linux/vfio_pci_core.h>\nstatic int f(void)\n{\n\treturn 0;\n}\n' });
    const r = runCli(['check', dir]);
    assert.deepEqual([r.status, r.stdout], [0, '']);
  });

  it('exits 2 with a clear message on usage and I/O errors', () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['check'],
      ['check', '--format', 'xml', '.'],
      ['check', '/no/such/path'],
      ['check', '--bogus', '.'],
    ]) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /^vfio-variant: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(runCli(['--help']).status, 0);
  });

  it('reads .vfio-variant.json found by walking up, and flags override it', () => {
    const dir = tempDriver({
      'main.c': '#include <linux/vfio_pci_core.h>\nstatic int f(void *p)\n{\n\treturn octo_mbox_send(p);\n}\n',
      '.vfio-variant.json': JSON.stringify({ extraParents: { octeon: ['octo_*'] } }),
    });
    const found = JSON.parse(runCli(['check', '--per-call', '--format', 'json', path.join(dir, 'main.c')]).stdout).findings;
    assert.deepEqual(
      found.map((f: { name: string; parent: string }) => `${f.name}:${f.parent}`),
      ['octo_mbox_send:octeon'],
    );
    const ignored = runCli(['check', '--ignore', 'octo_mbox_send', dir]);
    assert.deepEqual([ignored.status, ignored.stdout], [0, '']);
    fs.writeFileSync(path.join(dir, '.vfio-variant.json'), '{ nope');
    assert.equal(runCli(['check', dir]).status, 2);
  });

  it('--fix writes templates atomically, keeps CRLF and the file mode, and is idempotent', () => {
    const crlf = DRIVER.replace(/\n/g, '\r\n');
    const dir = tempDriver({ 'main.c': crlf, 'clean.c': '/* nothing to fix */\n' });
    fs.chmodSync(path.join(dir, 'main.c'), 0o640);
    const cleanStat = fs.statSync(path.join(dir, 'clean.c'));
    // Exit 1: the inserted templates' prompts are findings (doc-template-unfilled) until answered.
    const r = runCli(['check', '--fix', dir]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const left = JSON.parse(runCli(['check', '--format', 'json', dir]).stdout).findings;
    assert.ok(left.length > 0 && left.every((f: { rule: string }) => f.rule === 'doc-template-unfilled'), JSON.stringify(left));
    const fixed = fs.readFileSync(path.join(dir, 'main.c'), 'utf8');
    assert.match(fixed, /\/\*\*\r\n \* f\(\) - /);
    assert.ok(!/[^\r]\n/.test(fixed), 'every line still ends in CRLF');
    assert.equal(fs.statSync(path.join(dir, 'main.c')).mode & 0o777, 0o640);
    assert.equal(fs.statSync(path.join(dir, 'clean.c')).mtimeMs, cleanStat.mtimeMs, 'files without findings are not touched');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['clean.c', 'main.c'], 'no temporary files left');
    runCli(['check', '--fix', dir]);
    assert.equal(fs.readFileSync(path.join(dir, 'main.c'), 'utf8'), fixed);
  });

  it('--fix-dry-run prints a unified diff and writes nothing', () => {
    const dir = tempDriver({ 'main.c': DRIVER });
    const r = runCli(['check', '--fix-dry-run', dir]);
    assert.equal(r.status, 1, 'exits as check does: findings remain');
    assert.match(r.stdout, /^--- a\/.*main\.c\n\+\+\+ b\/.*main\.c\n@@ /m);
    assert.match(r.stdout, /^\+ \* f\(\) - /m);
    assert.equal(fs.readFileSync(path.join(dir, 'main.c'), 'utf8'), DRIVER);
  });

  it('binary, invalid UTF-8 and oversized files get a notice, never a crash; --fix refuses lossy text', () => {
    const bad = Buffer.concat([Buffer.from(DRIVER.replace('f(void', 'g(void')), Buffer.from([0xff, 0xfe, 0x0a])]);
    const dir = tempDriver({ 'main.c': DRIVER, 'blob.c': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 'latin1.c': bad });
    const r = runCli(['check', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /blob\.c: note: not analysed: binary content/);
    assert.match(r.stdout, /latin1\.c: note: .*not valid UTF-8/);
    const fix = runCli(['check', '--fix', dir]);
    assert.equal(fix.status, 2);
    assert.match(fix.stderr, /latin1\.c: not fixed/);
    assert.equal(fs.readFileSync(path.join(dir, 'latin1.c')).equals(bad), true);
    const small = runCli(['check', '--config', writeConfig(dir, { maxFileSize: 10 }), dir]);
    assert.match(small.stdout, /above vfioVariant\.maxFileSize/);
  });

  it('npm start runs on the shipped example driver', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    assert.match(pkg.scripts.start, /check examples\/acme-vfio/);
    assert.ok(fs.existsSync(path.join(EXAMPLE, 'main.c')));
  });
});

function writeConfig(dir: string, cfg: unknown): string {
  const p = path.join(dir, 'cfg.json');
  fs.writeFileSync(p, JSON.stringify(cfg));
  return p;
}

describe('vfio-variant kernel-doc', () => {
  it("prints the script's warnings for any C file, exits 1 on warnings and 0 when clean", () => {
    const dir = tempDriver({
      'a.c': '/**\n * f() - does\n * @x: gone\n */\nint f(int n)\n{\n\treturn n;\n}\n',
      'b.c': '/**\n * g() - does\n * @n: count\n *\n * Return: n\n */\nint g(int n)\n{\n\treturn n;\n}\n',
    });
    const r = runCli(['kernel-doc', 'a.c', 'b.c'], dir);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      "a.c:6: warning: Function parameter or struct member 'n' not described in 'f'\n" +
        "a.c:6: warning: Excess function parameter 'x' description in 'f'\n" +
        "a.c:6: warning: No description found for return value of 'f'\n",
    );
    assert.deepEqual([runCli(['kernel-doc', '-none', '-Wall', 'b.c'], dir).status, runCli(['kernel-doc', 'b.c'], dir).stderr], [0, '']);
    assert.equal(runCli(['kernel-doc'], dir).status, 2);
  });
});
