/**
 * `check --diff REV`, `check --patch FILE|-` and `cc PATCH` on a scratch git
 * repository of Linux 6.12's drivers/vfio/pci with a small series:
 *
 *  1. mlx5: mlx5vf_pci_get_device_state() gains an undocumented parent call;
 *  2. mlx5: the comments above the documented mlx5_cmd_out_err() call in cmd.c go
 *     (the call's line does not change, its finding is new);
 *  3. pds: a comment reworded (no finding of pds is new);
 *  4. Kconfig: help text (no C at all).
 *
 * The b4 test does what newer b4 does with `prep-perpatch-check-cmd` (Debian 12's
 * b4 0.12 predates it): the command from .b4-config, each patch of `git
 * format-patch` on stdin, run from the top of the repository.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkJson, CLI, runCli, type JsonFinding } from '../support/cli';
import { runCheckCmd, scratchRepo, type ScratchRepo } from '../support/gitRepo';
import { ensureKernel, REPO } from '../support/kernel';

const MLX5 = 'drivers/vfio/pci/mlx5/main.c';
const MLX5_CMD = 'drivers/vfio/pci/mlx5/cmd.c';
const B4_CONFIG = `[b4]
    prep-perpatch-check-cmd = vfio-variant check --patch - --format checkpatch
    am-perpatch-check-cmd = vfio-variant check --patch - --format checkpatch
`;

/** 1-based first and last line of a function definition in `text`. */
function functionLines(text: string, header: string): [number, number] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  const end = lines.findIndex((l, i) => i > start && l === '}');
  assert.ok(start >= 0 && end > start, header);
  return [start + 1, end + 1];
}

describe('check --diff / --patch and cc PATCH on a scratch git repository', () => {
  let repo: ScratchRepo;
  let base: string;
  const commits: string[] = [];
  let binDir: string;
  let patchDir: string;
  let patches: string[];

  before(() => {
    ensureKernel();
    repo = scratchRepo();
    base = repo.git('rev-parse', 'HEAD').trim();
    repo.edit(
      MLX5,
      '\tmutex_lock(&mvdev->state_mutex);\n\t*curr_state = mvdev->mig_state;',
      '\tmutex_lock(&mvdev->state_mutex);\n\tif (!mlx5_sriov_is_enabled(mvdev->mdev))\n\t\t*curr_state = VFIO_DEVICE_STATE_ERROR;\n\telse\n\t\t*curr_state = mvdev->mig_state;',
    );
    commits.push(repo.commit('vfio/mlx5: report ERROR while SR-IOV is off'));
    // Both comments that cover the call: its own and the one above the enclosing if.
    repo.edit(MLX5_CMD, '\t\t/* Failed in FW, print cmd out failure details */\n', '');
    repo.edit(MLX5_CMD, "\t/* The error flow can't run from an interrupt context */\n", '');
    commits.push(repo.commit('vfio/mlx5: drop a comment'));
    const pds = 'drivers/vfio/pci/pds/pci_drv.c';
    const pdsText = fs.readFileSync(path.join(repo.root, pds), 'utf8');
    const comment = /\/\* [A-Za-z][^\n]*\*\//.exec(pdsText)![0];
    repo.edit(pds, comment, comment.replace('/* ', '/* Note: '));
    commits.push(repo.commit('vfio/pds: reword a comment'));
    repo.edit('drivers/vfio/pci/Kconfig', 'config VFIO_PCI\n', 'config VFIO_PCI\n\t# a comment\n');
    commits.push(repo.commit('vfio/pci: Kconfig comment'));
    fs.writeFileSync(path.join(repo.root, '.b4-config'), B4_CONFIG);

    binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-bin-'));
    fs.symlinkSync(CLI, path.join(binDir, 'vfio-variant'));
    patchDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-patches-'));
    patches = repo.git('format-patch', '-o', patchDir, `${base}..HEAD`).trim().split('\n').filter(Boolean);
    if (!patches.length)
      patches = fs
        .readdirSync(patchDir)
        .sort()
        .map((f) => path.join(patchDir, f));
  });

  after(() => {
    repo?.cleanup();
    for (const d of [binDir, patchDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  const json = (args: string[]) => {
    const r = runCli(['check', '--format', 'json', ...args], repo.root);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    return JSON.parse(r.stdout).findings as JsonFinding[];
  };

  it('a commit that changes one function reports only findings in that function', () => {
    repo.git('checkout', '-q', commits[0]);
    const text = repo.git('show', `${commits[0]}:${MLX5}`);
    const [first, last] = functionLines(text, 'static int mlx5vf_pci_get_device_state(');
    const found = json(['--diff', 'HEAD~1']);
    assert.ok(found.length >= 1, 'the new parent call is reported');
    for (const f of found) {
      assert.equal(f.file, MLX5);
      assert.ok(f.line >= first && f.line <= last, `${f.name} at ${f.line} is outside ${first}-${last}`);
    }
    assert.ok(found.some((f) => f.name === 'mlx5_sriov_is_enabled' && f.kind === 'parent-call'));
    const whole = json(['drivers/vfio/pci/mlx5']);
    assert.ok(whole.length > 30, `the whole driver has ${whole.length} findings, the change ${found.length}`);
    // Unchanged files, in the changed driver and elsewhere: nothing, exit 0.
    for (const p of ['drivers/vfio/pci/mlx5/cmd.c', 'drivers/vfio/pci/pds']) {
      const r = runCli(['check', '--diff', 'HEAD~1', p], repo.root);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
    }
  });

  it('a finding the change creates on an unchanged line is reported (comment removed)', () => {
    repo.git('checkout', '-q', commits[1]);
    const found = json(['--diff', 'HEAD~1']);
    assert.deepEqual(
      found.map((f) => f.name),
      ['mlx5_cmd_out_err'],
    );
    const text = repo.git('show', `${commits[1]}:${MLX5_CMD}`).split('\n');
    assert.match(text[found[0].line - 1], /mlx5_cmd_out_err/);
    // Against the base of the series: both mlx5 changes, nothing else.
    assert.deepEqual(
      json(['--diff', base])
        .map((f) => f.name)
        .sort(),
      ['mlx5_cmd_out_err', 'mlx5_sriov_is_enabled'],
    );
  });

  it('the working tree counts: an uncommitted edit is in `--diff HEAD`', () => {
    repo.git('checkout', '-q', 'main');
    repo.edit(
      'drivers/vfio/pci/pds/pci_drv.c',
      'static int pds_vfio_pci_probe(',
      'static int pds_vfio_extra(struct pds_vfio_pci_device *pds_vfio)\n{\n\treturn pds_client_adminq_cmd(NULL, NULL, 0, NULL, 0);\n}\n\nstatic int pds_vfio_pci_probe(',
    );
    try {
      const found = json(['--diff', 'HEAD']);
      assert.deepEqual(
        found.map((f) => [f.file, f.name]),
        [['drivers/vfio/pci/pds/pci_drv.c', 'pds_client_adminq_cmd']],
      );
    } finally {
      repo.git('checkout', '-q', '--', 'drivers/vfio/pci/pds/pci_drv.c');
    }
  });

  it('outside a git repository --diff says so, exit 2', () => {
    // Not os.tmpdir(): the tests' TMPDIR is inside this repository's work tree.
    const dir = fs.mkdtempSync(path.join(path.parse(REPO).root, 'tmp', 'vfio-variant-nogit-'));
    try {
      const r = runCli(['check', '--diff', 'HEAD', '.'], dir);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /not a git repository/);
      assert.equal(r.stdout, '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses input that is no patch, a patch naming a file outside the tree, and a revision that looks like an option', () => {
    const run = (input: string) => runCheckCmd('vfio-variant check --patch - --format checkpatch', input, repo.root, binDir);
    const notPatch = run('Subject: hello\n\njust a mail\n');
    assert.equal(notPatch.status, 2);
    assert.match(notPatch.stderr, /does not look like a patch/);
    const outside = run('diff --git a/../x.c b/../x.c\n--- a/../x.c\n+++ b/../x.c\n@@ -1 +1 @@\n-a\n+b\n');
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /outside the tree/);
    const option = runCli(['check', '--diff=--output=/dev/null'], repo.root);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /--diff wants a revision/);
  });

  it('b4 prep --check: each format-patch patch piped into prep-perpatch-check-cmd gives checkpatch lines', () => {
    repo.git('checkout', '-q', 'main');
    assert.equal(patches.length, 4);
    const cmds = execFileSync('git', ['config', '-f', '.b4-config', '--get-all', 'b4.prep-perpatch-check-cmd'], {
      cwd: repo.root,
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    assert.deepEqual(cmds, ['vfio-variant check --patch - --format checkpatch']);
    const results = patches.map((p) => runCheckCmd(cmds[0], fs.readFileSync(p, 'utf8'), repo.root, binDir));
    const line = /^(drivers\/vfio\/pci\/[\w/-]+\.[ch]):(\d+): (ERROR|WARNING|CHECK):([A-Z_]+): (.+)$/;
    const [one, two, three, four] = results.map((r) => ({ ...r, lines: r.stdout.split('\n').filter(Boolean) }));
    assert.equal(one.status, 1, one.stderr);
    assert.equal(one.lines.length, 1, one.stdout);
    const m1 = line.exec(one.lines[0])!;
    assert.ok(m1, one.lines[0]);
    assert.equal(m1[1], MLX5);
    assert.equal(m1[3], 'WARNING');
    assert.equal(m1[4], 'PARENT_CALL_UNDOCUMENTED');
    assert.match(m1[5], /^undocumented call into parent driver mlx5_core: mlx5_sriov_is_enabled\(\)/);
    // The line is the post-image's line of the call.
    assert.match(repo.git('show', `${commits[0]}:${MLX5}`).split('\n')[Number(m1[2]) - 1], /mlx5_sriov_is_enabled/);
    assert.equal(two.status, 1, two.stderr);
    assert.equal(two.lines.length, 1, two.stdout);
    assert.match(
      two.lines[0],
      /^drivers\/vfio\/pci\/mlx5\/cmd\.c:\d+: WARNING:PARENT_CALL_UNDOCUMENTED: undocumented call into parent driver mlx5_core: mlx5_cmd_out_err\(\)/,
    );
    for (const r of [three, four]) {
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '');
    }
  });

  it('b4 am --check: the same command before the series is applied, in a repository without its blobs', () => {
    const other = scratchRepo();
    try {
      const cmd = B4_CONFIG.split('\n')
        .find((l) => l.includes('am-perpatch-check-cmd'))!
        .split('=')[1];
      const first = runCheckCmd(cmd, fs.readFileSync(patches[0], 'utf8'), other.root, binDir);
      assert.equal(first.status, 1, first.stderr);
      assert.match(
        first.stdout,
        /^drivers\/vfio\/pci\/mlx5\/main\.c:\d+: WARNING:PARENT_CALL_UNDOCUMENTED: undocumented call into parent driver mlx5_core: mlx5_sriov_is_enabled\(\)/,
      );
      // The post-image blob is not there: the patch was applied in memory, nothing written.
      assert.equal(
        spawnSync('git', ['cat-file', '-e', /index \w+\.\.(\w+)/.exec(fs.readFileSync(patches[0], 'utf8'))![1]], { cwd: other.root })
          .status,
        128,
      );
      assert.equal(other.git('status', '--porcelain', '--untracked-files=no'), '');
      // A patch that does not apply: exit 2 and a message.
      const broken = fs.readFileSync(patches[0], 'utf8').replace(/^ \tmutex_lock\(&mvdev->state_mutex\);$/m, ' \tmutex_lock(&nothing);');
      const bad = runCheckCmd(cmd, broken.replace(/^index .*$/m, 'index 1111111..2222222 100644'), other.root, binDir);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /does not apply/);
    } finally {
      other.cleanup();
    }
  });

  it('a patch adding a new driver: b4 am --check reports it before it exists; cc agrees with get_maintainer.pl, K: keywords included', () => {
    const other = scratchRepo();
    try {
      repo.git('checkout', '-q', 'main');
      const dir = path.join(repo.root, 'drivers/vfio/pci/acme');
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(REPO, 'examples/acme-vfio/main.c'), path.join(dir, 'main.c'));
      repo.git('add', 'drivers/vfio/pci/acme');
      repo.commit('vfio: acme variant driver');
      const patch = repo.git('format-patch', '-1', '--stdout');
      repo.git('reset', '-q', '--hard', 'HEAD~1');
      assert.ok(!fs.existsSync(path.join(other.root, 'drivers/vfio/pci/acme')));
      const r = runCheckCmd('vfio-variant check --patch - --format checkpatch', patch, other.root, binDir);
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stdout.split('\n').filter(Boolean);
      const expected = checkJson(['--per-call', 'examples/acme-vfio'], REPO).length;
      assert.equal(lines.length, expected + 1, r.stdout); // and the new driver's missing MAINTAINERS entry
      assert.ok(lines.some((l) => /^drivers\/vfio\/pci\/acme\/main\.c:\d+: WARNING:MAINTAINERS_ENTRY_MISSING: /.test(l)));
      const file = path.join(os.tmpdir(), `vfio-variant-acme-${process.pid}.patch`);
      fs.writeFileSync(file, patch);
      try {
        const theirs = execFileSync('perl', ['scripts/get_maintainer.pl', '--no-tree', '--nogit', '--nogit-fallback', file], {
          cwd: other.root,
          encoding: 'utf8',
        })
          .split('\n')
          .filter(Boolean);
        const ours = runCli(['cc', file], other.root).stdout.split('\n');
        for (const l of theirs) assert.ok(ours.includes(l), `missing ${l}`);
        assert.ok(theirs.some((l) => l.includes(':Keyword:')) === ours.some((l) => l.includes(':Keyword:')));
      } finally {
        fs.rmSync(file, { force: true });
      }
    } finally {
      other.cleanup();
    }
  });

  it('cc PATCH (git send-email --cc-cmd) names what get_maintainer.pl names, plus the parent owners of new calls only', () => {
    repo.git('checkout', '-q', 'main');
    const getMaintainer = (patch: string) =>
      execFileSync('perl', ['scripts/get_maintainer.pl', '--no-tree', '--nogit', '--nogit-fallback', '--norolestats', patch], {
        cwd: repo.root,
        encoding: 'utf8',
      })
        .split('\n')
        .filter(Boolean);
    const cc = (patch: string) => {
      const r = runCli(['cc', '--nogit', '--nogit-fallback', '--norolestats', patch], repo.root);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter(Boolean);
    };
    const mlx5 = cc(patches[0]);
    for (const l of getMaintainer(patches[0])) assert.ok(mlx5.includes(l), `missing ${l}`);
    assert.ok(mlx5.includes('Saeed Mahameed <saeedm@nvidia.com>'), mlx5.join('\n'));
    const withRoles = runCli(['cc', patches[0]], repo.root).stdout;
    assert.match(withRoles, /^Saeed Mahameed <saeedm@nvidia\.com> \(supporter:MELLANOX MLX5 core VPI driver,parent owner:mlx5_core\)$/m);
    // The pds patch calls nothing new in the parent: get_maintainer.pl's list alone.
    const pds = cc(patches[2]);
    assert.deepEqual([...pds].sort(), [...new Set(getMaintainer(patches[2]))].sort());
    // From stdin, as b4's send-auto-cc-cmd runs it.
    const stdin = spawnSync(process.execPath, [CLI, 'cc', '--norolestats', '--nom', '--nor'], {
      cwd: repo.root,
      input: fs.readFileSync(patches[0]),
      encoding: 'utf8',
    });
    assert.equal(stdin.status, 0, stdin.stderr);
    assert.ok(stdin.stdout.split('\n').includes('netdev@vger.kernel.org'), stdin.stdout);
    assert.ok(!stdin.stdout.includes('<'), 'lists only');
  });
});
