/**
 * The CLI never passes silently (issue 13, point 5): a path without a variant
 * driver, a bad --kernel-tree, a failing run in JSON or SARIF, --fix,
 * --fix-dry-run and argument errors each say what happened, with exit status 2
 * for errors. Scratch files live under test-output/, never outside the repository.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { REPO } from '../support/kernel';

const SCRATCH = path.join(REPO, 'test-output', 'tmp');
const EXAMPLE = path.join(REPO, 'examples', 'acme-vfio');
const VARIANT =
  '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n';
/** What the engine calls vfio-pci core: the file that defines vfio_pci_core_register_device(). */
const CORE = '#include <linux/vfio_pci_core.h>\nint vfio_pci_core_register_device(struct vfio_pci_core_device *vdev)\n{\n\treturn 0;\n}\n';

const made: string[] = [];
function scratch(files: Record<string, string>): string {
  fs.mkdirSync(SCRATCH, { recursive: true });
  const dir = fs.mkdtempSync(path.join(SCRATCH, 'cli-'));
  made.push(dir);
  for (const [name, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), body);
  }
  return dir;
}

after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

function noStack(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('vfio-variant check never passes silently', () => {
  it('a directory without C files (Documentation, an empty directory) is an error that says so', () => {
    const docs = scratch({ 'Documentation/index.rst': 'Docs\n====\n' });
    fs.mkdirSync(path.join(docs, 'empty'));
    for (const sub of ['Documentation', 'empty']) {
      const r = runCli(['check', path.join(docs, sub)]);
      assert.equal(r.status, 2, `${sub}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${sub}: no vfio-pci variant driver here; found no C files`));
      noStack(r.stderr);
    }
  });

  it('C files that are no variant driver (scripts) are an error naming what was found', () => {
    const dir = scratch({ 'scripts/mod/modpost.c': 'int main(void)\n{\n\treturn 0;\n}\n' });
    const r = runCli(['check', path.join(dir, 'scripts')]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /no vfio-pci variant driver here; found 1 directory with C files that never mention vfio_pci_core/);
  });

  it('vfio-pci core itself is named as such', () => {
    const dir = scratch({ 'pci/vfio_pci_core.c': CORE });
    const r = runCli(['check', path.join(dir, 'pci')]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /no vfio-pci variant driver here; found .*pci \(vfio-pci core\)/);
    const file = runCli(['check', path.join(dir, 'pci', 'vfio_pci_core.c')]);
    assert.equal(file.status, 2);
    assert.match(file.stderr, /not part of a vfio-pci variant driver \(vfio-pci core\)/);
  });

  it('a good path beside a bad one: the findings are printed, the exit status is 2', () => {
    const empty = scratch({});
    const r = runCli(['check', EXAMPLE, empty]);
    assert.equal(r.status, 2);
    assert.match(r.stdout, /acme-vfio\/main\.c:\d+:\d+: warning: /);
    assert.match(r.stderr, /found no C files/);
  });

  it('a --kernel-tree that does not exist or is no kernel tree is an error', () => {
    const notTree = scratch({ README: 'not a kernel\n' });
    for (const [tree, why] of [
      ['/nonexistent', /--kernel-tree \/nonexistent: no such directory/],
      [path.join(notTree, 'README'), /not a directory/],
      [notTree, /not a kernel tree \(no include\/linux in it\)/],
    ] as const) {
      for (const cmd of [['check'], ['report']]) {
        const r = runCli([...cmd, '--kernel-tree', tree, EXAMPLE]);
        assert.equal(r.status, 2, `${cmd} ${tree}: ${r.stdout}`);
        assert.match(r.stderr, why);
        noStack(r.stderr);
      }
    }
  });

  it('--format json prints a valid document with the errors in it, also when a path is missing', () => {
    const r = runCli(['check', '--format', 'json', 'nope', EXAMPLE]);
    assert.equal(r.status, 2);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.errors.map((e: { message: string }) => e.message),
      ['no such file or directory: nope'],
    );
    assert.ok(doc.findings.length > 0, 'the good path is still checked');
    assert.match(r.stderr, /no such file or directory: nope/);
    const ok = JSON.parse(runCli(['check', '--format', 'json', EXAMPLE]).stdout);
    assert.deepEqual(ok.errors, []);
  });

  it('--format json and sarif stay valid on argument and settings errors', () => {
    for (const args of [['--bogus', EXAMPLE], [], ['--kernel-tree', '/nonexistent', EXAMPLE], ['--jobs', 'x', EXAMPLE]]) {
      const json = runCli(['check', '--format', 'json', ...args]);
      assert.equal(json.status, 2, args.join(' '));
      const doc = JSON.parse(json.stdout);
      assert.equal(doc.errors.length, 1, json.stdout);
      assert.match(json.stderr, /^vfio-variant: /);
      const sarif = runCli(['check', '--format', 'sarif', ...args]);
      assert.equal(sarif.status, 2);
      const log = JSON.parse(sarif.stdout);
      assert.equal(log.version, '2.1.0');
      const inv = log.runs[0].invocations[0];
      assert.equal(inv.executionSuccessful, false);
      assert.equal(inv.toolExecutionNotifications[0].level, 'error');
    }
    const missing = JSON.parse(runCli(['check', '--format', 'sarif', 'nope', EXAMPLE]).stdout);
    assert.equal(missing.runs[0].invocations[0].executionSuccessful, false);
    assert.ok(missing.runs[0].results.length > 0);
  });

  it('--fix prints what it changed (stderr; in JSON a fixed list), then what is left', () => {
    const dir = scratch({ 'main.c': VARIANT });
    const r = runCli(['check', '--fix', dir]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^fixed .*main\.c: 1 comment template\(s\) inserted, \+\d+ line\(s\)$/m);
    assert.match(r.stderr, /--fix: 1 file\(s\) changed, 1 template\(s\) inserted/);
    // stdout: what is left, gcc-style: the template's prompts, for the author to answer.
    const left = r.stdout.trim().split('\n');
    assert.ok(left.length > 0 && left.every((l) => /\[doc-template-unfilled\]$/.test(l)), r.stdout);
    const again = runCli(['check', '--fix', dir]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /--fix: nothing to change/);
    const dir2 = scratch({ 'main.c': VARIANT });
    const json = JSON.parse(runCli(['check', '--fix', '--format', 'json', dir2]).stdout);
    assert.equal(json.fixed.length, 1);
    assert.match(json.fixed[0].file, /main\.c$/);
    assert.equal(json.fixed[0].edits, 1);
  });

  it('--fix-dry-run exits as check does: 1 with findings, 0 without', () => {
    const dir = scratch({ 'main.c': VARIANT });
    const r = runCli(['check', '--fix-dry-run', dir]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^\+\+\+ b\/.*main\.c$/m);
    assert.equal(fs.readFileSync(path.join(dir, 'main.c'), 'utf8'), VARIANT, 'nothing written');
    runCli(['check', '--fix', dir]);
    // Nothing left to insert; the prompts are findings still, so it exits 1 as check does.
    const clean = runCli(['check', '--fix-dry-run', dir]);
    assert.deepEqual([clean.status, clean.stdout], [1, '']);
    assert.equal(runCli(['check', dir]).status, 1);
  });

  it("argument errors are in the tool's own words and point to --help", () => {
    const cases: [string[], RegExp][] = [
      [['check', '--bogus', EXAMPLE], /^vfio-variant: unknown option '--bogus'\n/],
      [['check', '--formt', 'json', EXAMPLE], /^vfio-variant: unknown option '--formt' \(did you mean --format\?\)\n/],
      [['check', '--format'], /^vfio-variant: option '--format' needs a value\n/],
      [['check', '--all=yes', EXAMPLE], /^vfio-variant: option '--all' takes no value\n/],
      [['report', '--bogus', EXAMPLE], /^vfio-variant: unknown option '--bogus'\n/],
      [['report', '--format'], /^vfio-variant: option '--format' needs a value\n/],
    ];
    for (const [args, want] of cases) {
      const r = runCli(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, want);
      assert.match(r.stderr, /--help/);
      assert.doesNotMatch(r.stderr, /To specify a positional argument|argument missing|Unknown option/, "not parseArgs' wording");
    }
  });
});

describe('vfio-variant report --format text', () => {
  it('is plain text: no Markdown markup, links as path:line, Cc lines ready to paste', () => {
    const r = runCli(['report', '--format', 'text', 'examples/acme-vfio']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Acceptance report: acme-vfio\n={10,}\n/);
    assert.doesNotMatch(r.stdout, /\]\(|\*\*|^#+ |\| --- \||\\[_<>[\]]/m);
    assert.match(r.stdout, /acme-vfio\/main\.c:\d+ /);
  });
});
