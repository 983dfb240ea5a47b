import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const fn = (doc: string, proto = 'static int f(struct vfio_device *v, int n)') => `${P}${doc}${proto}\n{\n\treturn 0;\n}\n`;

ruleTester('kernel-doc-invalid', {
  valid: [
    {
      name: 'a complete kernel-doc comment',
      files: { 'main.c': fn('/**\n * f() - does\n * @v: dev\n * @n: count\n *\n * Return: 0\n */\n') },
    },
    { name: 'plain comments are not kernel-doc', files: { 'main.c': fn('/*\n * f() - does\n */\n') } },
    {
      name: 'a void function needs no Return:',
      files: { 'main.c': fn('/**\n * f() - does\n * @v: dev\n */\n', 'static void f(struct vfio_device *v)') },
    },
    {
      name: 'not a variant driver: nothing reported',
      files: { 'main.c': '/**\n * f() - does\n */\nint f(int n)\n{\n\treturn n;\n}\n' },
    },
  ],
  invalid: [
    {
      name: 'a parameter not described',
      files: { 'main.c': fn('/**\n * f() - does\n * @v: dev\n *\n * Return: 0\n */\n') },
      errors: [{ line: 9, name: 'n', message: /Function parameter or struct member 'n' not described in 'f'/ }],
      output: fn('/**\n * f() - does\n * @v: dev\n * @n: TODO: describe n.\n *\n * Return: 0\n */\n'),
    },
    {
      name: 'no parameter described: the line goes after the name line',
      files: { 'main.c': fn('/**\n * f() - does\n *\n * Return: 0\n */\n', 'static int f(int n)') },
      errors: [{ line: 8, name: 'n' }],
      output: fn('/**\n * f() - does\n * @n: TODO: describe n.\n *\n * Return: 0\n */\n', 'static int f(int n)'),
    },
    {
      name: 'an excess parameter',
      files: { 'main.c': fn('/**\n * f() - does\n * @v: dev\n * @n: count\n * @x: gone\n *   and more\n *\n * Return: 0\n */\n') },
      errors: [{ line: 7, name: 'x', message: /Excess function parameter 'x' description in 'f'/ }],
      output: fn('/**\n * f() - does\n * @v: dev\n * @n: count\n *\n * Return: 0\n */\n'),
    },
    {
      name: 'no Return: section',
      files: { 'main.c': fn('/**\n * f() - does\n * @v: dev\n * @n: count\n */\n') },
      errors: [{ line: 8, name: 'f', message: /No description found for return value of 'f'/ }],
      output: fn('/**\n * f() - does\n * @v: dev\n * @n: count\n *\n * Return: TODO: what f() returns, and when\n */\n'),
    },
    {
      name: 'the name line names another function',
      files: { 'main.c': fn('/**\n * g() - does\n * @v: dev\n * @n: count\n *\n * Return: 0\n */\n') },
      errors: [{ line: 4, name: 'g', message: /expecting prototype for g\(\)\. Prototype was for f\(\) instead/ }],
      output: fn('/**\n * f() - does\n * @v: dev\n * @n: count\n *\n * Return: 0\n */\n'),
    },
    {
      name: 'no short description',
      files: { 'main.c': fn('/**\n * f()\n * @v: dev\n * @n: count\n *\n * Return: 0\n */\n') },
      errors: [{ line: 4, name: 'f', message: /missing initial short description/ }],
      output: fn('/**\n * f() - TODO: short description\n * @v: dev\n * @n: count\n *\n * Return: 0\n */\n'),
    },
    {
      name: 'a struct member not described',
      files: { 'main.c': `${P}/**\n * struct s - state\n * @a: one\n */\nstruct s {\n\tint a;\n\tint b;\n};\n` },
      errors: [{ line: 9, name: 'b', message: /'b' not described in 's'/ }],
      output: `${P}/**\n * struct s - state\n * @a: one\n * @b: TODO: describe b.\n */\nstruct s {\n\tint a;\n\tint b;\n};\n`,
    },
  ],
});
