/** Regressions found by the fuzzer, in the engine. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { normalizeSettings, Workspace } from '../../server/src/engine';
import { createSourceFile } from '../../server/src/engine/model/sourceFile';
import { memoryHost } from '../support/memoryHost';
import { runCli } from '../support/cli';

const DRIVER =
  '/*\r * a comment whose lines end in bare CRs\r */\r#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n';

describe('engine robustness', () => {
  it('a parse stops within its bound on long runs of non-C text, with a notice (fuzz: 2 MB line split by CRLF)', () => {
    // tree-sitter's error recovery is quadratic here: 1.2 MB of punctuation took minutes.
    const text = '#include <linux/vfio_pci_core.h>\n' + '@#`$'.repeat(300_000) + '\n';
    const ws = new Workspace(memoryHost({ 'main.c': text }), normalizeSettings({ parentCallFindings: 'call' }));
    const t0 = performance.now();
    const r = ws.findings('/mem/main.c');
    const ms = performance.now() - t0;
    assert.ok(ms < 15_000, `${Math.round(ms)} ms`);
    assert.deepEqual(r.findings, []);
    assert.match(r.notices.map((n) => n.message).join('\n'), /parser gave up/);
    // Editing a file the parser gave up on re-parses it in full: fixing the text recovers.
    ws.openDocument('/mem/main.c', text, 1);
    ws.updateDocument('/mem/main.c', DRIVER.replace(/\r/g, '\n'), 2);
    assert.equal(ws.findings('/mem/main.c').findings.length, 1);
  });

  it('100k chained assignments and 20k nested calls: what each mentions is capped, so memory stays linear (ran out of 4 GB before)', () => {
    const chained = `void f(void)\n{\n${'a = '.repeat(100_000)}1;\n}\n`;
    const nested = `void g(void)\n{\n${'f('.repeat(20_000)}x${')'.repeat(20_000)};\n}\n`;
    const a = createSourceFile('/mem/a.c', chained, 1);
    const b = createSourceFile('/mem/b.c', nested, 1);
    assert.equal(a.facts.localAssigns.length, 100_000);
    assert.ok(a.facts.localAssigns.every((x) => x.refs.idents.length <= 128));
    assert.equal(b.facts.calls.length, 20_000);
    assert.ok(b.facts.calls.every((c) => c.args.flatMap((r) => r.idents).length <= 128));
  });

  it('the CLI reports such a file with a notice and exits normally', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-garbage-'));
    fs.writeFileSync(path.join(dir, 'main.c'), '#include <linux/vfio_pci_core.h>\n' + '@#`$'.repeat(300_000));
    const r = runCli(['check', '--per-call', '--format', 'json', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(JSON.parse(r.stdout).notices[0].message, /parser gave up/);
  });

  it('files with bare CR line ends get findings but no fix that could land inside a comment', () => {
    const ws = new Workspace(memoryHost({ 'main.c': DRIVER }), normalizeSettings({ parentCallFindings: 'call' }));
    const [finding] = ws.findings('/mem/main.c').findings;
    assert.equal(finding?.name, 'mlx5_cmd_exec');
    assert.deepEqual(ws.fixes('/mem/main.c', finding), []);
    assert.equal(ws.fixAll('/mem/main.c'), undefined);
    // The same driver with CRLF gets its fixes.
    const crlf = new Workspace(memoryHost({ 'main.c': DRIVER.replace(/\r/g, '\r\n') }), normalizeSettings({ parentCallFindings: 'call' }));
    assert.ok(crlf.fixAll('/mem/main.c'));
  });

  it('a fix for a function whose line starts inside a comment goes above the comment (fuzz: seed 483859, case 202)', () => {
    // A byte flip turned the newline after `*/` into a letter: the function now starts on the comment's last line.
    const text =
      '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\n/*\n * About f.\n */static int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n';
    const ws = new Workspace(memoryHost({ 'main.c': text }), normalizeSettings({ parentCallFindings: 'call' }));
    const [finding] = ws.findings('/mem/main.c').findings;
    assert.equal(finding?.name, 'mlx5_cmd_exec');
    const commentStart = text.indexOf('/*\n * About');
    const all = ws.fixAll('/mem/main.c')!;
    const fixes = [...ws.fixes('/mem/main.c', finding).flatMap((f) => f.edits), ...all.edits];
    assert.ok(fixes.length > 0);
    for (const e of fixes) {
      // Never strictly inside the comment: at its start (above it) or after it.
      assert.ok(e.offset <= commentStart || e.offset >= text.indexOf('*/') + 2, `edit at ${e.offset} lands inside the comment`);
    }
    assert.ok(
      all.edits.some((e) => e.offset === commentStart),
      "the function's kernel-doc goes above the comment",
    );
  });

  it('a fix never splits a line continued by a backslash (fuzz: seed 777123, case 111)', () => {
    // `stati\` + newline + `c int f(...)`: for C one line; tree-sitter starts the function on the second.
    const text =
      '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\nstati\\\nc int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n';
    const ws = new Workspace(memoryHost({ 'main.c': text }), normalizeSettings({ parentCallFindings: 'call' }));
    const [finding] = ws.findings('/mem/main.c').findings;
    assert.equal(finding?.name, 'mlx5_cmd_exec');
    const all = ws.fixAll('/mem/main.c')!;
    const fixes = [...ws.fixes('/mem/main.c', finding).flatMap((f) => f.edits), ...all.edits];
    assert.ok(fixes.length > 0);
    for (const e of fixes) assert.ok(!/\\\r?\n$/.test(text.slice(0, e.offset)), `edit at ${e.offset} splits the continued line`);
  });
});
