/** Facts read from a function's text: parameters, return type, locals and their initializers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseC } from '../../server/src/engine/syntax/cParser';
import { extractFacts } from '../../server/src/engine/model/facts';
import { LineIndex } from '../../server/src/engine/syntax/text';

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
    assert.deepEqual(
      fn('get_buf').params.map((p) => p.name),
      ['f', 'n', 'fmt'],
    );
    assert.equal(fn('get_buf').variadic, true);
    assert.deepEqual(fn('plain').params, []);
    assert.equal(fn('plain').variadic, false);
    // A macro-made name: the last parameter list counts.
    assert.deepEqual(
      fn('BTREE_FN').params.map((p) => p.name),
      ['head', 'key'],
    );
  });

  it('return value: `void *` returns one, plain `void` does not', () => {
    assert.equal(fn('get_buf').returnsValue, true);
    assert.equal(fn('plain').returnsValue, false);
    assert.equal(fn('BTREE_FN').returnsValue, true);
    const attributed = facts(
      'static void __attribute__((unused)) quiet(void)\n{\n}\nstatic int __attribute__((cold)) loud(void)\n{\n\treturn 0;\n}\n',
    );
    assert.deepEqual(
      attributed.functions.map((x) => [x.name, x.returnsValue]),
      [
        ['quiet', false],
        ['loud', true],
      ],
    );
  });

  it('locals: every declarator, pointers to functions and arrays, macro-declared names; not a prototype or a type name', () => {
    assert.deepEqual([...fn('get_buf').locals].sort(), [
      'a',
      'anon',
      'b',
      'c',
      'cb',
      'counter',
      'f',
      'flags',
      'fmt',
      'lock',
      'n',
      'named',
      'other',
      'p',
      'table',
    ]);
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

  it('assignments: plain and compound, in conditions and loops, chained; not comparisons or designators; an initializer counts once', () => {
    const g = facts(`
static int set(struct dev *d, struct ops *o, void *buf)
{
	int ret = 0, i;
	struct cfg c;

	c = (struct cfg){ .mode = 1, .cb = handler };
	if ((ret = probe(d)) != 0 || d->x == 1 || i <= 2 || i >= 3)
		return ret;
	for (i = 0; i < 4; i++)
		d->count += i;
	d->ops->save = o->save_fn;
	d->a = d->b = buf;
	*(u32 *)buf = 7;
	*d->p = 1;
	d->shift <<= 2; /* trailing */
	return 0;
}
`);
    assert.deepEqual(
      g.localAssigns.map((a) => a.local),
      ['ret', 'c', 'ret', 'i'],
    );
    assert.deepEqual(
      g.fieldAssigns.map((a) => a.field),
      ['count', 'save', 'a', 'b', 'shift'],
    );
    assert.deepEqual(g.fieldAssigns.find((a) => a.field === 'a')!.refs, { idents: ['d', 'buf'], fields: ['b'] });
    assert.deepEqual(
      g.memberAssigns.map((m) => [m.member, m.fn]),
      [
        ['count', 'i'],
        ['b', 'buf'],
      ],
    );
  });

  it('assignments the tree finds outside functions: an ops table split by #ifdef, a function it cannot name', () => {
    const g = facts(`
static const struct vfio_migration_ops my_mig_ops = {
#ifdef CONFIG_MY_MIGRATION
	.migration_set_state = my_set_state,
#endif
	.migration_get_state = my_get_state,
};

static MACRO_DEFINED_FN(stats)
{
	s->ops = my_ops_fn;
}
`);
    const members = g.memberAssigns.map((m) => `${m.member}=${m.fn}`);
    assert.ok(members.includes('ops=my_ops_fn'), members.join(' '));
    const wired = [...g.opsInits.flatMap((o) => o.members.map((m) => `${m.member}=${m.fn}`)), ...members];
    assert.ok(wired.includes('migration_set_state=my_set_state'), wired.join(' '));
    assert.ok(wired.includes('migration_get_state=my_get_state'), wired.join(' '));
  });
});
