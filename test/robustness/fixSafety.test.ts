/**
 * --fix never loses text: encoding and mode kept, a file changed between read and
 * write is not written, nothing outside the given paths (or through a symbolic
 * link) is written, and a dry run writes nothing. CRLF + mode and a single-file
 * dry run are in test/cli/cli.test.ts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../server/src/cli/main';
import { writeFileAtomic } from '../../server/src/node/atomicWrite';
import { runCli } from '../support/cli';

const DRIVER =
  '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-fix-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

/** Bytes and mtime of every entry (links not followed), to prove nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    out[name] = st.isSymbolicLink()
      ? `link:${fs.readlinkSync(p)}:${st.mtimeMs}`
      : `${st.mtimeMs}:${st.mode}:${fs.readFileSync(p).toString('base64')}`;
  }
  return out;
}

async function inProcess(args: string[], hooks: Parameters<typeof main>[2]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) }, hooks);
  return { code, out, err };
}

describe('--fix safety', () => {
  it('keeps a UTF-8 BOM, CRLF line ends and an unusual mode', () => {
    const dir = tempDir({ 'main.c': Buffer.concat([BOM, Buffer.from(DRIVER.replace(/\n/g, '\r\n'))]) });
    const file = path.join(dir, 'main.c');
    fs.chmodSync(file, 0o604);
    const r = runCli(['check', '--fix', dir]);
    assert.equal(r.status, 1, r.stderr); // the templates' prompts remain (doc-template-unfilled)
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.subarray(0, 3).equals(BOM), 'BOM kept');
    assert.equal(bytes.indexOf(BOM, 3), -1, 'and not doubled');
    const text = bytes.subarray(3).toString('utf8');
    assert.match(text, /\/\*\*\r\n \* f\(\) - /, 'the template was inserted');
    assert.ok(!/[^\r]\n/.test(text), 'every line still ends in CRLF');
    assert.equal(fs.statSync(file).mode & 0o7777, 0o604);
  });

  it('a second BOM (a U+FEFF character right after the BOM) stays in the file (fuzz: seed 4242, CLI case 22)', () => {
    const dir = tempDir({ 'main.c': Buffer.concat([BOM, BOM, Buffer.from(`// SPDX-License-Identifier: GPL-2.0\n${DRIVER}`)]) });
    const file = path.join(dir, 'main.c');
    const r = runCli(['check', '--fix', dir]);
    assert.equal(r.status, 1, r.stderr); // the templates' prompts remain (doc-template-unfilled)
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.subarray(0, 6).equals(Buffer.concat([BOM, BOM])), `both kept: ${bytes.subarray(0, 12).toString('hex')}`);
    assert.match(bytes.subarray(6).toString('utf8'), /^\/\/ SPDX-License-Identifier: GPL-2\.0\n/);
    assert.match(bytes.toString('utf8'), /\/\*\*\n \* f\(\) - /, 'the template was inserted');
  });

  it('a file changed between the temporary write and the rename is not written; exit 2; no temporary file left', async () => {
    const dir = tempDir({ 'main.c': DRIVER });
    const file = path.join(dir, 'main.c');
    const edited = DRIVER + '/* typed in an editor meanwhile */\n';
    let tmpSeen = '';
    const r = await inProcess(['check', '--fix', '--jobs', '1', dir], {
      beforeRename: (tmp) => {
        tmpSeen = fs.readFileSync(tmp, 'utf8');
        fs.writeFileSync(file, edited);
      },
    });
    assert.match(tmpSeen, /\* f\(\) - /, 'the hook ran after the fixed text was written to the temporary file');
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /main\.c changed on disk while it was being fixed; not written/);
    assert.equal(fs.readFileSync(file, 'utf8'), edited, 'the concurrent change survives');
    assert.deepEqual(fs.readdirSync(dir), ['main.c'], 'no temporary file left');
    // The same run with a hook that changes nothing writes the fix.
    const ok = await inProcess(['check', '--fix', '--jobs', '1', dir], { beforeRename: () => undefined });
    assert.equal(ok.code, 1, ok.err); // the templates' prompts remain
    assert.match(fs.readFileSync(file, 'utf8'), /\* f\(\) - [\s\S]*typed in an editor meanwhile/);
  });

  it('writeFileAtomic refuses a symbolic link and a file that differs from what was read', () => {
    const dir = tempDir({ 'real.c': DRIVER });
    fs.symlinkSync('real.c', path.join(dir, 'link.c'));
    assert.throws(() => writeFileAtomic(path.join(dir, 'link.c'), 'x', Buffer.from(DRIVER), false), /not fixed: symbolic link/);
    assert.throws(() => writeFileAtomic(path.join(dir, 'real.c'), 'x', Buffer.from('other'), false), /changed on disk/);
    assert.equal(fs.readFileSync(path.join(dir, 'real.c'), 'utf8'), DRIVER);
    assert.ok(fs.lstatSync(path.join(dir, 'link.c')).isSymbolicLink());
    assert.deepEqual(fs.readdirSync(dir).sort(), ['link.c', 'real.c']);
  });

  it('a symlinked .c pointing outside the tree: not fixed ("symbolic link"), link and target untouched; the rest is fixed', () => {
    const outside = tempDir({ 'ext.c': DRIVER.replace('f(', 'g(') });
    const dir = tempDir({ 'main.c': DRIVER });
    fs.symlinkSync(path.join(outside, 'ext.c'), path.join(dir, 'link.c'));
    const before = snapshot(outside);
    const linkBefore = fs.lstatSync(path.join(dir, 'link.c'));
    const r = runCli(['check', '--fix', dir]);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /link\.c: not fixed: symbolic link/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.ok(fs.lstatSync(path.join(dir, 'link.c')).isSymbolicLink(), 'still a link');
    assert.equal(fs.lstatSync(path.join(dir, 'link.c')).ino, linkBefore.ino);
    assert.deepEqual(snapshot(outside), before, 'nothing written outside the given path');
    assert.match(fs.readFileSync(path.join(dir, 'main.c'), 'utf8'), /\* f\(\) - /);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['link.c', 'main.c']);
  });

  it('a named file: only that file is written, not its siblings with findings', () => {
    const dir = tempDir({ 'a.c': DRIVER, 'b.c': DRIVER.replace('f(', 'g(') });
    const before = snapshot(dir);
    const r = runCli(['check', '--fix', path.join(dir, 'a.c')]);
    assert.equal(r.status, 1, r.stdout + r.stderr); // prompts remain in a.c; b.c untouched
    const after = snapshot(dir);
    assert.equal(after['b.c'], before['b.c'], 'b.c untouched (bytes and mtime)');
    assert.notEqual(after['a.c'], before['a.c']);
    assert.deepEqual(Object.keys(after), ['a.c', 'b.c']);
  });

  it('--fix-dry-run over several files (CRLF, BOM, a link): a diff per file, bytes and mtimes unchanged, no new files', () => {
    const outside = tempDir({ 'ext.c': DRIVER.replace('f(', 'h(') });
    const dir = tempDir({ 'a.c': DRIVER, 'b.c': Buffer.concat([BOM, Buffer.from(DRIVER.replace('f(', 'g(').replace(/\n/g, '\r\n'))]) });
    fs.symlinkSync(path.join(outside, 'ext.c'), path.join(dir, 'link.c'));
    const before = [snapshot(dir), snapshot(outside)];
    const r = runCli(['check', '--fix-dry-run', dir]);
    assert.deepEqual([snapshot(dir), snapshot(outside)], before);
    assert.match(r.stdout, /^--- a\/.*a\.c\n\+\+\+ b\/.*a\.c\n@@ /m);
    assert.match(r.stdout, /^--- a\/.*b\.c\n\+\+\+ b\/.*b\.c\n@@ /m);
    assert.match(r.stdout, /^\+ \* g\(\) - /m);
    assert.doesNotMatch(r.stdout, /link\.c/, 'no diff for a file --fix would refuse');
    assert.match(r.stderr, /link\.c: not fixed: symbolic link/);
    assert.equal(r.status, 2);
  });
});
