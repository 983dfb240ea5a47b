/** Facts read from a function's text: parameters, return type, locals and their initializers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseC } from '../../server/src/engine/cParser';
import { extractFacts } from '../../server/src/engine/facts';
import { LineIndex } from '../../server/src/engine/text';

function facts(text: string) {
  const parsed = parseC(text);
  return extractFacts(parsed.tree, parsed.masked, new LineIndex(text));
}

const SOURCE = `
static void *get_buf(struct foo *f, int n, const char *fmt, ...)
{
	int a, *b = &f->x, c[4] = { 1, 2 };
	struct { int x; } anon;
	union u { long l; } named = { 0 };
	void (*cb)(int) = f->cb, (*other)(void);
	unsigned long flags;
	static DEFINE_MUTEX(lock);
	const struct bar *const p = lookup(n, f->bar);
	static int counter __maybe_unused;
	int (*table)[8];
	int proto(int);

	cb(a);
	other();
	return p;
}

void plain(void)
{
}

int BTREE_FN(insert)(struct btree_head *head, unsigned long *key, void *)
{
	return 0;
}
`;

describe('facts read from the text', () => {
  const f = facts(SOURCE);
  const fn = (name: string) => f.functions.find((x) => x.name === name)!;

  it('parameters: named ones in order, `...` as variadic, unnamed and `(void)` left out', () => {
    assert.deepEqual(fn('get_buf').params.map((p) => p.name), ['f', 'n', 'fmt']);
    assert.equal(fn('get_buf').variadic, true);
    assert.deepEqual(fn('plain').params, []);
    assert.equal(fn('plain').variadic, false);
    // A macro-made name: the last parameter list counts.
    assert.deepEqual(fn('BTREE_FN').params.map((p) => p.name), ['head', 'key']);
  });

  it('return value: `void *` returns one, plain `void` does not', () => {
    assert.equal(fn('get_buf').returnsValue, true);
    assert.equal(fn('plain').returnsValue, false);
    assert.equal(fn('BTREE_FN').returnsValue, true);
  });

  it('locals: every declarator, pointers to functions and arrays, macro-declared names; not a prototype or a type name', () => {
    assert.deepEqual([...fn('get_buf').locals].sort(),
      ['a', 'anon', 'b', 'c', 'cb', 'counter', 'f', 'flags', 'fmt', 'lock', 'n', 'named', 'other', 'p', 'table']);
  });

  it('initializers become local assignments with what they mention', () => {
    const assigns = Object.fromEntries(f.localAssigns.filter((a) => a.fn === 'get_buf').map((a) => [a.local, a.refs]));
    assert.deepEqual(Object.keys(assigns).sort(), ['b', 'c', 'cb', 'named', 'p']);
    assert.deepEqual(assigns.b, { idents: ['f'], fields: ['x'] });
    assert.deepEqual(assigns.p, { idents: ['lookup', 'n', 'f'], fields: ['bar'] });
    assert.deepEqual(assigns.cb, { idents: ['f'], fields: ['cb'] });
  });

  it('a call through a local function pointer is marked as such', () => {
    const calls = f.calls.filter((c) => c.fn === 'get_buf');
    assert.equal(calls.find((c) => c.callee === 'cb')?.throughPointer, true);
    assert.equal(calls.find((c) => c.callee === 'other')?.throughPointer, true);
    assert.equal(calls.find((c) => c.callee === 'lookup')?.throughPointer, false);
  });
});
