import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseC, type parseRaw } from '../../server/src/engine/syntax/cParser';
import { maskKernelC } from '../../server/src/engine/syntax/kernelC';

function errors(tree: ReturnType<typeof parseRaw>): number {
  return tree.rootNode.descendantsOfType('ERROR').length;
}

describe('kernel C masking', () => {
  const cases: [string, string][] = [
    ['__user pointer', 'static ssize_t r(struct file *f, char __user *buf, size_t n) { return 0; }'],
    ['container_of with a struct type', 'void f(void *p) { struct a *x = container_of(p, struct a, m); }'],
    ['min_t with a two-word type', 'int f(int a, int b) { return min_t(unsigned long, a, b); }'],
    ['GNU case range', 'int f(int x) { switch (x) { case 1 ... 3: return 1; } return 0; }'],
    ['loop macro', 'void f(struct l *h) { struct e *e; list_for_each_entry(e, h, node) { g(e); } }'],
    ['__free cleanup attribute', 'void f(void) { char *p __free(kfree) = NULL; g(p); }'],
    ['__init', 'static int __init acme_init(void) { return 0; }'],
  ];
  for (const [name, src] of cases) {
    it(`parses ${name} without errors, keeping every offset`, () => {
      const masked = maskKernelC(src);
      assert.equal(masked.length, src.length);
      assert.equal(errors(parseC(src).tree), 0, masked);
    });
  }

  it('never rewrites comments or strings', () => {
    const src = '/* list_for_each_entry(a, b, c) { __user */ const char *s = "struct x, y";';
    assert.equal(maskKernelC(src), src);
  });

  it('does not touch casts to multi-word types', () => {
    const src = 'long f(void *p) { return (unsigned long)p; }';
    assert.equal(errors(parseC(src).tree), 0);
    assert.equal(maskKernelC(src), src);
  });
});
