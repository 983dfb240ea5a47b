/** Inserted templates are valid kernel-doc, matching indentation, for every fixture driver. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkJson, runCli } from '../support/cli';
import { kernelDocWarnings, REPO, scratchKernelCopy } from '../support/kernel';

function copyTree(src: string): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-tpl-'));
  fs.cpSync(src, dest, { recursive: true });
  return dest;
}

const sources = (dir: string) =>
  fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.[ch]$/.test(f))
    .map((f) => path.join(dir, f));

describe('fix-all output', () => {
  for (const fixture of ['examples/acme-vfio', 'test/fixtures/generalization/kernel-a', 'test/fixtures/generalization/kernel-b']) {
    it(`${fixture}: kernel-doc -Wall is clean after --fix, nothing is left, a second --fix is a no-op`, () => {
      const dir = copyTree(path.join(REPO, fixture));
      // What is left after --fix is the templates' prompts, reported by doc-template-unfilled (exit 1).
      const first = runCli(['check', '--fix', '.'], dir);
      assert.equal(first.status, 1, first.stdout + first.stderr);
      const left = JSON.parse(runCli(['check', '--format', 'json', '.'], dir).stdout).findings as { rule: string; kind: string }[];
      assert.ok(left.some((f) => f.rule === 'doc-template-unfilled'));
      // Nothing else but code problems, which no template fixes (acme-vfio's state_mutex is never destroyed).
      assert.deepEqual(
        left.filter((f) => f.rule !== 'doc-template-unfilled' && f.kind !== 'code'),
        [],
      );
      const after = new Map(sources(dir).map((f) => [f, fs.readFileSync(f, 'utf8')]));
      for (const f of after.keys()) assert.equal(kernelDocWarnings(f), '', f);
      assert.equal(runCli(['check', '--fix', '.'], dir).status, 1);
      for (const [f, text] of after) assert.equal(fs.readFileSync(f, 'utf8'), text);
      // Comments on statements are indented like the statement.
      for (const text of after.values()) {
        for (const m of text.matchAll(/^([ \t]*)\/\*\n\1 \* Parent calls \([^)]*\):.*\n(?:\1 \*.*\n)*\1 \*\/\n\1(\S)/gm)) assert.ok(m[2]);
      }
    });
  }
});

/**
 * --fix on Linux 6.12's variant drivers: zero kernel-doc warnings, and each set_state
 * template names the arcs the driver implements (checked by hand against the
 * `cur == VFIO_DEVICE_STATE_X && new == VFIO_DEVICE_STATE_Y` branches of each driver;
 * virtio has no migration in 6.12).
 */
const ARCS: Record<string, string[]> = {
  mlx5: [
    'RUNNING_P2P -> STOP',
    'STOP -> RUNNING_P2P',
    'RUNNING -> RUNNING_P2P',
    'PRE_COPY -> PRE_COPY_P2P',
    'RUNNING_P2P -> RUNNING',
    'PRE_COPY_P2P -> PRE_COPY',
    'STOP -> STOP_COPY',
    'STOP_COPY -> STOP',
    'PRE_COPY -> RUNNING',
    'PRE_COPY_P2P -> RUNNING_P2P',
    'STOP -> RESUMING',
    'RESUMING -> STOP',
    'RUNNING -> PRE_COPY',
    'RUNNING_P2P -> PRE_COPY_P2P',
    'PRE_COPY_P2P -> STOP_COPY',
  ],
  hisilicon: [
    'RUNNING -> PRE_COPY',
    'PRE_COPY -> STOP_COPY',
    'RUNNING -> STOP',
    'STOP -> STOP_COPY',
    'STOP_COPY -> STOP',
    'STOP -> RESUMING',
    'RESUMING -> STOP',
    'PRE_COPY -> RUNNING',
    'STOP -> RUNNING',
  ],
  pds: [
    'STOP -> STOP_COPY',
    'STOP_COPY -> STOP',
    'STOP -> RESUMING',
    'RESUMING -> STOP',
    'RUNNING -> RUNNING_P2P',
    'RUNNING_P2P -> RUNNING',
    'STOP -> RUNNING_P2P',
    'RUNNING_P2P -> STOP',
  ],
  virtio: [],
  qat: [
    'RUNNING -> RUNNING_P2P',
    'PRE_COPY -> PRE_COPY_P2P',
    'RUNNING_P2P -> RUNNING',
    'PRE_COPY_P2P -> PRE_COPY',
    'RUNNING_P2P -> STOP',
    'STOP -> RUNNING_P2P',
    'STOP -> STOP_COPY',
    'STOP -> RESUMING',
    'STOP_COPY -> STOP',
    'PRE_COPY -> RUNNING',
    'PRE_COPY_P2P -> RUNNING_P2P',
    'RUNNING -> PRE_COPY',
    'RUNNING_P2P -> PRE_COPY_P2P',
    'PRE_COPY_P2P -> STOP_COPY',
    'RESUMING -> STOP',
  ],
};

describe('fix-all on Linux 6.12 variant drivers', () => {
  it('kernel-doc -Wall is clean after --fix; set_state templates list the implemented arcs', () => {
    const root = scratchKernelCopy(['drivers/vfio/pci']);
    try {
      const dirs = Object.keys(ARCS).map((d) => path.join(root, 'drivers/vfio/pci', d));
      // What --fix leaves: the templates' prompts (doc-template-unfilled) and code problems it cannot fix.
      const r = runCli(['check', '--fix', ...dirs], root);
      assert.equal(r.status, 1, r.stderr);
      const left = checkJson(dirs, root);
      assert.deepEqual(
        left.filter((f) => f.rule !== 'doc-template-unfilled' && f.kind !== 'code'),
        [],
      );
      for (const [driver, arcs] of Object.entries(ARCS)) {
        const files = sources(path.join(root, 'drivers/vfio/pci', driver));
        for (const f of files) assert.equal(kernelDocWarnings(f), '', f);
        const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
        const block = /\* State arcs handled[^\n]*\n((?: \* - [^\n]*\n| \* {3}[^\n]*\n)*)/.exec(text);
        const found = block ? [...block[1].matchAll(/^ \* - (\w+ -> \w+):/gm)].map((m) => m[1]) : [];
        assert.deepEqual(found, arcs, driver);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
