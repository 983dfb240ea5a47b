import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

/** A release that frees its private data directly, and one that frees it through a helper. */
const REL_DIRECT = `static int rel(struct inode *inode, struct file *filp)\n{\n\tstruct mig *migf = filp->private_data;\n\n\tmutex_destroy(&migf->lock);\n\tkfree(migf);\n\treturn 0;\n}\n`;
const REL_HELPER = `static void put_mig(struct mig *m)\n{\n\tkvfree(m->buf);\n\tkfree(m);\n}\nstatic int rel(struct inode *inode, struct file *filp)\n{\n\tput_mig(filp->private_data);\n\treturn 0;\n}\n`;
const REL_KEEPS = `static int rel(struct inode *inode, struct file *filp)\n{\n\tstruct mig *migf = filp->private_data;\n\n\tmigf->done = true;\n\treturn 0;\n}\n`;
const FOPS = 'static const struct file_operations fops = {\n\t.owner = THIS_MODULE,\n\t.release = rel,\n};\n';
const HEAD = `${P}${REL_DIRECT}${FOPS}`; // 2 + 8 + 4 = 14 lines

const open = (tail: string) =>
  `static struct mig *open_mig(void)\n{\n\tstruct mig *migf;\n\tint ret;\n\n\tmigf = kzalloc(sizeof(*migf), GFP_KERNEL);\n\tif (!migf)\n\t\treturn ERR_PTR(-ENOMEM);\n\tmigf->filp = anon_inode_getfile("m", &fops, migf, O_RDONLY);\n\tif (IS_ERR(migf->filp)) {\n\t\tret = PTR_ERR(migf->filp);\n\t\tgoto end;\n\t}\n\tret = setup(migf);\n\tif (ret)\n\t\tgoto out_put;\n\treturn migf;\n${tail}}\n`;

ruleTester('double-free-via-release', {
  valid: [
    {
      name: 'fput() alone on the error path (the release frees migf)',
      files: {
        'main.c': `${HEAD}${open('out_put:\n\tfput(migf->filp);\n\treturn ERR_PTR(ret);\nend:\n\tkfree(migf);\n\treturn ERR_PTR(ret);\n')}`,
      },
    },
    {
      name: 'the release does not free the private data',
      files: {
        'main.c': `${P}${REL_KEEPS}${FOPS}${open('out_put:\n\tfput(migf->filp);\nend:\n\tkfree(migf);\n\treturn ERR_PTR(ret);\n')}`,
      },
    },
    {
      name: 'an extra get_file() reference keeps the release from running',
      files: {
        'main.c': `${HEAD}static void f(struct mig *migf)\n{\n\tget_file(migf->filp);\n\tif (work(migf))\n\t\tgoto out;\n\treturn;\nout:\n\tfput(migf->filp);\n\tkfree(migf);\n}\n`,
      },
    },
    {
      name: 'another object freed after fput()',
      files: { 'main.c': `${HEAD}static void f(struct mig *migf, struct buf *b)\n{\n\tfput(migf->filp);\n\tkfree(b);\n}\n` },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': `${HEAD}static void f(struct mig *migf)\n{\n\tfput(migf->filp);\n\t/* vfio-variant: ignore double-free-via-release -- release skips freeing in this state */\n\tkfree(migf);\n}\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'fput(migf->filp) falls through to kfree(migf)',
      files: { 'main.c': `${HEAD}${open('out_put:\n\tfput(migf->filp);\nend:\n\tkfree(migf);\n\treturn ERR_PTR(ret);\n')}` },
      errors: [{ line: 35, name: 'migf', message: /fput\(\) on line 33 .* rel\(\) frees 'migf'.*double free/ }],
      output: null,
    },
    {
      name: 'the file reached fput() through a local; release frees through a helper',
      files: {
        'main.c': `${P}${REL_HELPER}${FOPS}static void close_mig(struct dev *d)\n{\n\tstruct mig *m = d->saving;\n\tstruct file *f = m->filp;\n\n\tfput(f);\n\td->saving = NULL;\n\tkfree(m);\n}\nstatic struct mig *open_mig(struct dev *d)\n{\n\tstruct mig *m = kzalloc(sizeof(*m), GFP_KERNEL);\n\n\tm->filp = anon_inode_getfile("m", &fops, m, O_RDONLY);\n\treturn m;\n}\n`,
      },
      errors: [{ line: 24, name: 'm', message: /rel\(\) frees 'm'/ }],
      output: `${P}${REL_HELPER}${FOPS}static void close_mig(struct dev *d)\n{\n\tstruct mig *m = d->saving;\n\tstruct file *f = m->filp;\n\n\tfput(f);\n\td->saving = NULL;\n}\nstatic struct mig *open_mig(struct dev *d)\n{\n\tstruct mig *m = kzalloc(sizeof(*m), GFP_KERNEL);\n\n\tm->filp = anon_inode_getfile("m", &fops, m, O_RDONLY);\n\treturn m;\n}\n`,
    },
    {
      name: "freed by the driver's own helper after fput()",
      files: {
        'main.c': `${P}${REL_HELPER}${FOPS}static void f(struct mig *migf)\n{\n\tfput(migf->filp);\n\tput_mig(migf);\n}\nstatic struct mig *g(void)\n{\n\tstruct mig *migf = kzalloc(sizeof(*migf), GFP_KERNEL);\n\n\tmigf->filp = anon_inode_getfile("m", &fops, migf, O_RDONLY);\n\treturn migf;\n}\n`,
      },
      errors: [{ line: 20, name: 'migf', message: /put_mig\(\) here frees it a second time/ }],
      output: null,
    },
  ],
});
