import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const FOPS = 'static const struct file_operations fops = { .release = rel };\n';

ruleTester('err-ptr-checked-as-null', {
  valid: [
    {
      name: 'anon_inode_getfile() tested with IS_ERR()',
      files: {
        'main.c': `${P}${FOPS}static struct file *f(void *m)\n{\n\tstruct file *filp;\n\n\tfilp = anon_inode_getfile("x", &fops, m, 0);\n\tif (IS_ERR(filp))\n\t\treturn filp;\n\tif (!filp->private_data)\n\t\treturn NULL;\n\treturn filp;\n}\n`,
      },
    },
    {
      name: 'a field tested with IS_ERR() after being stored',
      files: {
        'main.c': `${P}${FOPS}static int f(struct mig *migf)\n{\n\tmigf->filp = anon_inode_getfile("x", &fops, migf, O_RDONLY);\n\tif (IS_ERR(migf->filp))\n\t\treturn PTR_ERR(migf->filp);\n\tif (!migf->filp)\n\t\treturn -EINVAL;\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'IS_ERR_OR_NULL() in the same condition',
      files: {
        'main.c': `${P}static int f(const void __user *u)\n{\n\tvoid *b = memdup_user(u, 8);\n\n\tif (!b || IS_ERR(b))\n\t\treturn -EFAULT;\n\tkfree(b);\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'a NULL-returning allocator tested against NULL',
      files: {
        'main.c': `${P}static int f(void)\n{\n\tvoid *b = kzalloc(8, GFP_KERNEL);\n\n\tif (!b)\n\t\treturn -ENOMEM;\n\tkfree(b);\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'a driver function that can return NULL as well as ERR_PTR',
      files: {
        'main.c': `${P}static struct buf *get(int x)\n{\n\tif (x)\n\t\treturn ERR_PTR(-EINVAL);\n\treturn NULL;\n}\nstatic int f(void)\n{\n\tstruct buf *b = get(1);\n\n\tif (!b)\n\t\treturn -ENOMEM;\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'reassigned from a NULL-returning call before the test',
      files: {
        'main.c': `${P}static int f(const void __user *u)\n{\n\tvoid *b = memdup_user(u, 8);\n\n\tif (IS_ERR(b))\n\t\treturn PTR_ERR(b);\n\tkfree(b);\n\tb = kzalloc(8, GFP_KERNEL);\n\tif (!b)\n\t\treturn -ENOMEM;\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'an inline suppression',
      files: {
        'main.c': `${P}static int f(const void __user *u)\n{\n\tvoid *b = memdup_user(u, 8);\n\n\t/* vfio-variant: ignore err-ptr-checked-as-null -- wrapper returns NULL */\n\tif (!b)\n\t\treturn -ENOMEM;\n\treturn 0;\n}\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'anon_inode_getfile() into a field, tested with !, returning a constant errno',
      files: {
        'main.c': `${P}${FOPS}static int f(struct mig *migf)\n{\n\tmigf->filp = anon_inode_getfile("x", &fops, migf, O_RDONLY);\n\tif (!migf->filp) {\n\t\tkfree(migf);\n\t\treturn -ENOMEM;\n\t}\n\treturn 0;\n}\n`,
      },
      errors: [{ line: 7, name: 'migf->filp', message: /anon_inode_getfile\(\) returns an ERR_PTR on failure.*IS_ERR/ }],
      output: `${P}${FOPS}static int f(struct mig *migf)\n{\n\tmigf->filp = anon_inode_getfile("x", &fops, migf, O_RDONLY);\n\tif (IS_ERR(migf->filp)) {\n\t\tkfree(migf);\n\t\treturn PTR_ERR(migf->filp);\n\t}\n\treturn 0;\n}\n`,
    },
    {
      name: '== NULL on a local, error stored in ret before goto',
      files: {
        'main.c': `${P}static int f(const void __user *u)\n{\n\tvoid *b;\n\tint ret = 0;\n\n\tb = memdup_user(u, 8);\n\tif (b == NULL) {\n\t\tret = -EFAULT;\n\t\tgoto out;\n\t}\n\tkfree(b);\nout:\n\treturn ret;\n}\n`,
      },
      errors: [{ line: 9, name: 'b' }],
      output: `${P}static int f(const void __user *u)\n{\n\tvoid *b;\n\tint ret = 0;\n\n\tb = memdup_user(u, 8);\n\tif (IS_ERR(b)) {\n\t\tret = PTR_ERR(b);\n\t\tgoto out;\n\t}\n\tkfree(b);\nout:\n\treturn ret;\n}\n`,
    },
    {
      name: "the driver's own ERR_PTR-returning helper, returning ERR_PTR(-ENOMEM)",
      files: {
        'main.c': `${P}static struct buf *alloc_buf(int n)\n{\n\tstruct buf *b = kzalloc(n, GFP_KERNEL);\n\n\tif (!b)\n\t\treturn ERR_PTR(-ENOMEM);\n\treturn b;\n}\nstatic struct buf *f(void)\n{\n\tstruct buf *b = alloc_buf(4);\n\n\tif (unlikely(!b))\n\t\treturn ERR_PTR(-ENOMEM);\n\treturn b;\n}\n`,
      },
      errors: [{ line: 15, name: 'b', message: /alloc_buf\(\)/ }],
      output: `${P}static struct buf *alloc_buf(int n)\n{\n\tstruct buf *b = kzalloc(n, GFP_KERNEL);\n\n\tif (!b)\n\t\treturn ERR_PTR(-ENOMEM);\n\treturn b;\n}\nstatic struct buf *f(void)\n{\n\tstruct buf *b = alloc_buf(4);\n\n\tif (unlikely(IS_ERR(b)))\n\t\treturn ERR_CAST(b);\n\treturn b;\n}\n`,
    },
    {
      name: 'a non-NULL test through an alias, only on one path',
      files: {
        'main.c': `${P}static void f(const void __user *u, int x)\n{\n\tvoid *b = NULL, *c;\n\n\tif (x)\n\t\tb = memdup_user(u, 8);\n\tc = b;\n\tif (c != NULL)\n\t\tkfree(c);\n}\n`,
      },
      errors: [{ line: 10, name: 'c' }],
      output: `${P}static void f(const void __user *u, int x)\n{\n\tvoid *b = NULL, *c;\n\n\tif (x)\n\t\tb = memdup_user(u, 8);\n\tc = b;\n\tif (!IS_ERR(c))\n\t\tkfree(c);\n}\n`,
    },
  ],
});
