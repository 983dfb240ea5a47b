import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const ALLOC_BITMAPS = `static int alloc_bitmaps(struct region *region, unsigned long bytes)\n{\n\tunsigned long *seq;\n\n\tseq = vzalloc(bytes);\n\tif (!seq)\n\t\treturn -ENOMEM;\n\tregion->host_seq = seq;\n\treturn 0;\n}\n`;

ruleTester('free-mismatch', {
  valid: [
    {
      name: 'matching pairs on locals',
      files: {
        'main.c': `${P}static void f(int n)\n{\n\tvoid *a = kzalloc(n, GFP_KERNEL);\n\tvoid *b = vzalloc(n);\n\tvoid *c = kvcalloc(n, 4, GFP_KERNEL);\n\tunsigned long *d = bitmap_zalloc(n, GFP_KERNEL);\n\n\tkfree(a);\n\tvfree(b);\n\tkvfree(c);\n\tbitmap_free(d);\n}\n`,
      },
    },
    {
      name: 'kvfree() takes kmalloc and vmalloc memory',
      files: {
        'main.c': `${P}static void f(int n, bool big)\n{\n\tvoid *a;\n\n\tif (big)\n\t\ta = vzalloc(n);\n\telse\n\t\ta = kzalloc(n, GFP_KERNEL);\n\tkvfree(a);\n}\n`,
      },
    },
    {
      name: 'a field allocated with vzalloc() elsewhere, freed with vfree()',
      files: { 'main.c': `${P}${ALLOC_BITMAPS}static void free_bitmaps(struct region *region)\n{\n\tvfree(region->host_seq);\n}\n` },
    },
    {
      name: 'one field name, two structs, two allocators: not judged',
      files: {
        'main.c': `${P}static void a(struct x *x, struct y *y, int n)\n{\n\tx->buf = vzalloc(n);\n\ty->buf = kzalloc(n, GFP_KERNEL);\n}\nstatic void b(struct y *y)\n{\n\tkfree(y->buf);\n}\n`,
      },
    },
    {
      name: 'reassigned before the free',
      files: {
        'main.c': `${P}static void f(int n)\n{\n\tvoid *a = vzalloc(n);\n\n\tvfree(a);\n\ta = kmalloc(n, GFP_KERNEL);\n\tkfree(a);\n}\n`,
      },
    },
    {
      name: 'suppressed',
      files: {
        'main.c': `${P}static void f(int n)\n{\n\tvoid *a = vzalloc(n);\n\n\t/* vfio-variant: ignore free-mismatch -- test */\n\tkfree(a);\n}\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'vzalloc() memory stored in a field through a local, freed with bitmap_free() in another function',
      files: {
        'main.c': `${P}${ALLOC_BITMAPS}static void free_bitmaps(struct region *region)\n{\n\tbitmap_free(region->host_seq);\n\tregion->host_seq = NULL;\n}\n`,
      },
      errors: [
        { line: 15, name: 'region->host_seq', message: /vzalloc\(\) \(vmalloc memory\), which bitmap_free\(\) cannot free.*vfree\(\)/ },
      ],
      output: `${P}${ALLOC_BITMAPS}static void free_bitmaps(struct region *region)\n{\n\tvfree(region->host_seq);\n\tregion->host_seq = NULL;\n}\n`,
    },
    {
      name: 'kvzalloc() freed with kfree() on the error path',
      files: {
        'main.c': `${P}static int f(int n)\n{\n\tu32 *in;\n\tint ret;\n\n\tin = kvzalloc(n, GFP_KERNEL);\n\tif (!in)\n\t\treturn -ENOMEM;\n\tret = cmd(in);\n\tif (ret)\n\t\tgoto out;\n\treturn 0;\nout:\n\tkfree(in);\n\treturn ret;\n}\n`,
      },
      errors: [{ line: 16, name: 'in' }],
      output: `${P}static int f(int n)\n{\n\tu32 *in;\n\tint ret;\n\n\tin = kvzalloc(n, GFP_KERNEL);\n\tif (!in)\n\t\treturn -ENOMEM;\n\tret = cmd(in);\n\tif (ret)\n\t\tgoto out;\n\treturn 0;\nout:\n\tkvfree(in);\n\treturn ret;\n}\n`,
    },
    {
      name: 'kcalloc() freed with vfree(), directly into a field',
      files: {
        'main.c': `${P}static int a(struct dev *d, int n)\n{\n\td->pages = kcalloc(n, sizeof(*d->pages), GFP_KERNEL);\n\treturn d->pages ? 0 : -ENOMEM;\n}\nstatic void b(struct dev *d)\n{\n\tvfree(d->pages);\n}\n`,
      },
      errors: [{ line: 10, name: 'd->pages', message: /kfree\(\)/ }],
      output: `${P}static int a(struct dev *d, int n)\n{\n\td->pages = kcalloc(n, sizeof(*d->pages), GFP_KERNEL);\n\treturn d->pages ? 0 : -ENOMEM;\n}\nstatic void b(struct dev *d)\n{\n\tkfree(d->pages);\n}\n`,
    },
    {
      name: 'devm_kzalloc() memory freed with kfree(): no automatic fix',
      files: {
        'main.c': `${P}static void f(struct device *dev)\n{\n\tvoid *p = devm_kzalloc(dev, 8, GFP_KERNEL);\n\n\tkfree(p);\n}\n`,
      },
      errors: [{ line: 7, name: 'p', message: /devm_kfree/ }],
      output: null,
    },
  ],
});
