import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const fn = (params: string, body: string) => `${P}\nstatic int f(${params})\n{\n${body}}\n`;

ruleTester('overflow-check-cast', {
  valid: [
    {
      name: 'operands passed uncast',
      files: { 'main.c': fn('size_t len, loff_t *pos', '\tloff_t end;\n\n\treturn check_add_overflow(len, *pos, &end);\n') },
    },
    {
      name: 'a widening cast that keeps every value',
      files: { 'main.c': fn('u32 len, loff_t *pos', '\tloff_t end;\n\n\treturn check_add_overflow((loff_t)len, *pos, &end);\n') },
    },
    {
      name: 'a cast guarded by a bound check before it',
      files: {
        'main.c': fn(
          'size_t n, size_t size',
          '\tint total;\n\n\tif (n > INT_MAX || size > INT_MAX)\n\t\treturn -E2BIG;\n\treturn check_mul_overflow((int)n, (int)size, &total);\n',
        ),
      },
    },
    {
      name: 'the operand type is unknown (a struct field)',
      files: { 'main.c': fn('struct foo *f, loff_t *pos', '\tloff_t end;\n\n\treturn check_add_overflow((loff_t)f->len, *pos, &end);\n') },
    },
    {
      name: 'a cast of the same signedness and width',
      files: { 'main.c': fn('unsigned long len, u64 off', '\tu64 end;\n\n\treturn check_add_overflow((u64)len, off, &end);\n') },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': fn(
          'size_t len, loff_t *pos',
          '\tloff_t end;\n\n\t/* vfio-variant: ignore overflow-check-cast -- len clamped to MAX_RW_COUNT by the VFS */\n\treturn check_add_overflow((loff_t)len, *pos, &end);\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'size_t length cast to loff_t (values above LLONG_MAX become negative)',
      files: {
        'main.c': fn(
          'const char __user *buf, size_t len, loff_t *pos',
          '\tloff_t requested_length;\n\n\tif (*pos < 0 ||\n\t    check_add_overflow((loff_t)len, *pos, &requested_length))\n\t\treturn -EINVAL;\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 9, name: '(loff_t)len', message: /size_t 'len' to loff_t .*negative/ }],
      output: fn(
        'const char __user *buf, size_t len, loff_t *pos',
        '\tloff_t requested_length;\n\n\tif (*pos < 0 ||\n\t    check_add_overflow(len, *pos, &requested_length))\n\t\treturn -EINVAL;\n\treturn 0;\n',
      ),
    },
    {
      name: 'a 64-bit offset truncated to u32 in a multiplication check',
      files: { 'main.c': fn('u64 count, u32 size', '\tu32 total;\n\n\treturn check_mul_overflow((u32)count, size, &total);\n') },
      errors: [{ line: 8, name: '(u32)count', message: /truncates/ }],
      output: fn('u64 count, u32 size', '\tu32 total;\n\n\treturn check_mul_overflow(count, size, &total);\n'),
    },
    {
      name: 'a negative int turned unsigned in a subtraction check, local declaration, extra parentheses',
      files: { 'main.c': fn('u64 base', '\tint delta = -1;\n\tu64 r;\n\n\treturn check_sub_overflow(base, ((u64)delta), &r);\n') },
      errors: [{ line: 9, name: '((u64)delta)', message: /negative values/ }],
      output: fn('u64 base', '\tint delta = -1;\n\tu64 r;\n\n\treturn check_sub_overflow(base, delta, &r);\n'),
    },
    {
      name: 'the dereferenced position cast to size_t',
      files: { 'main.c': fn('size_t len, loff_t *pos', '\tsize_t end;\n\n\treturn check_add_overflow(len, (size_t)*pos, &end);\n') },
      errors: [{ line: 8, name: '(size_t)*pos' }],
      output: fn('size_t len, loff_t *pos', '\tsize_t end;\n\n\treturn check_add_overflow(len, *pos, &end);\n'),
    },
  ],
});
