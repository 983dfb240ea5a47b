/** Inserted templates are valid kernel-doc, matching indentation, for every fixture driver. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { kernelDocWarnings, REPO } from '../support/kernel';

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
      const left = JSON.parse(runCli(['check', '--format', 'json', '.'], dir).stdout).findings as { rule: string }[];
      assert.ok(left.length > 0 && left.every((f) => f.rule === 'doc-template-unfilled'), JSON.stringify(left.slice(0, 3)));
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
