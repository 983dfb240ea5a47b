import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const FOPS = 'static const struct file_operations fops = { .release = rel };\n';

ruleTester('use-after-free', {
  valid: [
    {
      name: 'the error read into a local before the free',
      files: {
        'main.c': `${P}${FOPS}static struct mig *f(void)\n{\n\tstruct mig *migf = kzalloc(sizeof(*migf), GFP_KERNEL);\n\tint ret;\n\n\tif (!migf)\n\t\treturn ERR_PTR(-ENOMEM);\n\tmigf->filp = anon_inode_getfile("x", &fops, migf, O_RDONLY);\n\tif (IS_ERR(migf->filp)) {\n\t\tret = PTR_ERR(migf->filp);\n\t\tkfree(migf);\n\t\treturn ERR_PTR(ret);\n\t}\n\treturn migf;\n}\n`,
      },
    },
    {
      name: 'reassigned after the free',
      files: {
        'main.c': `${P}static int f(struct dev *d)\n{\n\tkvfree(d->buf);\n\td->buf = kvzalloc(16, GFP_KERNEL);\n\tif (!d->buf)\n\t\treturn -ENOMEM;\n\td->buf->len = 16;\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'freed on one branch, used on the other',
      files: {
        'main.c': `${P}static int f(struct buf *b, int x)\n{\n\tif (x) {\n\t\tkfree(b);\n\t\treturn 0;\n\t}\n\treturn b->len;\n}\n`,
      },
    },
    {
      name: 'list_for_each_entry_safe() reassigns its cursor',
      files: {
        'main.c': `${P}static void f(struct list_head *head)\n{\n\tstruct buf *b, *t;\n\n\tlist_for_each_entry_safe(b, t, head, node) {\n\t\tlist_del(&b->node);\n\t\tkfree(b);\n\t}\n}\n`,
      },
    },
    {
      name: 'sizeof of a freed pointer and NULL-ing it',
      files: {
        'main.c': `${P}static int f(struct buf *b)\n{\n\tint n;\n\n\tkfree(b);\n\tn = sizeof(*b);\n\tb = NULL;\n\treturn n;\n}\n`,
      },
    },
    {
      name: 'ERR_PTR path reset to NULL before the shared cleanup',
      files: {
        'main.c': `${P}static int f(const void __user *u)\n{\n\tvoid *b = memdup_user(u, 8);\n\tint ret = 0;\n\n\tif (IS_ERR(b)) {\n\t\tret = PTR_ERR(b);\n\t\tb = NULL;\n\t\tgoto out;\n\t}\nout:\n\tkfree(b);\n\treturn ret;\n}\n`,
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': `${P}static int f(struct buf *b)\n{\n\tkfree(b);\n\t/* vfio-variant: ignore use-after-free -- RCU keeps it alive */\n\treturn b->len;\n}\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'kfree(migf); return ERR_CAST(migf->filp);',
      files: {
        'main.c': `${P}${FOPS}static struct mig *f(void)\n{\n\tstruct mig *migf = kzalloc(sizeof(*migf), GFP_KERNEL);\n\n\tif (!migf)\n\t\treturn ERR_PTR(-ENOMEM);\n\tmigf->filp = anon_inode_getfile("x", &fops, migf, O_RDONLY);\n\tif (IS_ERR(migf->filp)) {\n\t\tkfree(migf);\n\t\treturn ERR_CAST(migf->filp);\n\t}\n\treturn migf;\n}\n`,
      },
      errors: [{ line: 13, name: 'migf', message: /'migf' was freed by kfree\(\) on line 12/ }],
      output: null,
    },
    {
      name: 'a field freed with vfree() then passed on through a goto',
      files: {
        'main.c': `${P}static int f(struct dev *d, int x)\n{\n\tint ret = 0;\n\n\tif (x) {\n\t\tvfree(d->bitmap);\n\t\tret = -EINVAL;\n\t\tgoto out;\n\t}\n\treturn 0;\nout:\n\tbitmap_clear(d->bitmap, 0, 8);\n\treturn ret;\n}\n`,
      },
      errors: [{ line: 14, name: 'd->bitmap' }],
      output: null,
    },
    {
      name: 'freed twice on the error path',
      files: {
        'main.c': `${P}static int f(int n)\n{\n\tu32 *in = kvzalloc(n, GFP_KERNEL);\n\tint ret;\n\n\tif (!in)\n\t\treturn -ENOMEM;\n\tret = do_cmd(in);\n\tif (ret) {\n\t\tkvfree(in);\n\t\tgoto err;\n\t}\n\treturn 0;\nerr:\n\tkvfree(in);\n\treturn ret;\n}\n`,
      },
      errors: [{ line: 17, name: 'in', message: /double free/ }],
      output: null,
    },
    {
      name: 'an ERR_PTR freed on its error path',
      files: {
        'main.c': `${P}static int f(struct mig *m)\n{\n\tstruct buf *b = alloc_buf(m);\n\n\tif (IS_ERR(b)) {\n\t\tkfree(b);\n\t\treturn PTR_ERR(b);\n\t}\n\treturn 0;\n}\nstruct buf *alloc_buf(struct mig *m)\n{\n\treturn ERR_PTR(-ENOMEM);\n}\n`,
      },
      errors: [{ line: 8, name: 'b', message: /holds an ERR_PTR/ }],
      output: null,
    },
    {
      name: 'an ERR_PTR put after !IS_ERR() is false',
      files: {
        'main.c': `${P}static int f(struct dev *d)\n{\n\td->filp = filp_open("x", 0, 0);\n\tif (!IS_ERR(d->filp))\n\t\treturn 0;\n\tfput(d->filp);\n\treturn -EIO;\n}\n`,
      },
      errors: [{ line: 8, name: 'd->filp', message: /fput\(\) of an ERR_PTR crashes/ }],
      output: null,
    },
  ],
});
