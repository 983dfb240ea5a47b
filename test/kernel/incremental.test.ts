import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseC, parseRaw } from '../../server/src/engine/syntax/cParser';
import { maskKernelC, maskText, remaskText } from '../../server/src/engine/syntax/kernelC';
import { createSourceFile, updateSourceFile } from '../../server/src/engine/model/sourceFile';
import { ensureKernel } from '../support/kernel';

function errors(tree: ReturnType<typeof parseRaw>): number {
  return tree.rootNode.descendantsOfType('ERROR').length;
}

describe('kernel C masking on Linux 6.12', () => {
  it('removes most tree-sitter errors on the real 6.12 drivers', () => {
    const dir = path.join(ensureKernel(), 'drivers/vfio/pci');
    let raw = 0;
    let masked = 0;
    for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.c'))) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      raw += errors(parseRaw(text));
      masked += errors(parseC(text).tree);
    }
    assert.ok(raw > 100, `raw errors: ${raw}`);
    assert.ok(masked * 10 < raw, `masked errors ${masked} vs raw ${raw}`);
  });
});

describe('incremental update', () => {
  for (const rel of ['drivers/vfio/pci/qat/main.c', 'drivers/vfio/pci/mlx5/cmd.h', 'drivers/vfio/pci/mlx5/cmd.c']) {
    it(`${rel}: masking, tree and every fact equal a fresh parse after random edits`, () => {
      let text = fs.readFileSync(path.join(ensureKernel(), rel), 'utf8');
      let file = createSourceFile(rel, text, 0);
      let seed = 12345;
      const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
      const snippets = [
        'x',
        '(',
        ')',
        '{',
        '}',
        ';',
        '\n',
        '\n\n',
        ' list_for_each_entry(a, b, c) {',
        '/*',
        '*/',
        '"',
        'mlx5_cmd_exec(m);',
        '/* c */\n',
        "'",
        '//',
        ' __free(kfree) ',
        'struct foo',
        'case 1 ... 3:',
        ' __user',
        '#if 0\n',
        'unsigned long',
        '',
      ];
      for (let i = 1; i <= 120; i++) {
        const at = rand(text.length);
        const del = rand(10) === 0 ? rand(3000) : rand(4);
        text = text.slice(0, at) + snippets[rand(snippets.length)] + text.slice(at + del);
        file = updateSourceFile(file, text, i);
        const fresh = createSourceFile(rel, text, i);
        assert.equal(file.parsed.masked, fresh.parsed.masked, `masking after edit ${i} at ${at}`);
        assert.equal(file.parsed.code, fresh.parsed.code, `comment-free text after edit ${i} at ${at}`);
        assert.equal(file.parsed.tree.rootNode.toString(), fresh.parsed.tree.rootNode.toString(), `edit ${i} at ${at}`);
        assert.deepStrictEqual(file.facts, fresh.facts, `facts after edit ${i} at ${at}`);
      }
    });
  }
});

describe('re-masking after an edit', () => {
  it('masks only the items around the edit, and the result equals masking everything', () => {
    const original = fs.readFileSync(path.join(ensureKernel(), 'drivers/vfio/pci/mlx5/cmd.c'), 'utf8');
    const boundaries = createSourceFile('cmd.c', original, 0).chunks.map((c) => c.start);
    const before = { ...maskText(original), text: original };
    let seed = 777;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const snippets = [
      ' ',
      'x',
      ';',
      '{',
      '}',
      '(',
      ' list_for_each_entry(a, b, c) {',
      ' __free(kfree) ',
      'struct foo, ',
      '/*',
      '"',
      "'",
      '//',
    ];
    let local = 0;
    for (let i = 0; i < 200; i++) {
      const at = rand(original.length);
      const text = original.slice(0, at) + snippets[rand(snippets.length)] + original.slice(at + rand(3));
      const m = remaskText(before, text, boundaries);
      assert.equal(m.masked, maskKernelC(text), `edit ${i} at ${at}`);
      if (m.window) {
        local++;
        assert.ok(m.window.to - m.window.from < text.length / 4, `edit ${i}: window ${m.window.from}-${m.window.to} is most of the file`);
      }
    }
    // Opening a comment or a literal needs the whole file; most edits do not.
    assert.ok(local > 120, `only ${local} of 200 edits were re-masked locally`);
  });
});
