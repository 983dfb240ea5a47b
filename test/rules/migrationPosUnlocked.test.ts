import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HEAD = `${P}struct mf { struct mutex lock; u8 data[4096]; loff_t size; };\n\n`;
const TAIL = (member: string, fn: string) =>
  `\nstatic const struct file_operations mf_fops = {\n\t.owner = THIS_MODULE,\n\t.${member} = ${fn},\n};\n\nstatic struct file *mf_open(struct mf *migf)\n{\n\treturn anon_inode_getfile("mf", &mf_fops, migf, O_RDWR);\n}\n`;
const write = (body: string, fn = 'mf_write') =>
  `${HEAD}static ssize_t ${fn}(struct file *filp, const char __user *buf,\n\t\t\tsize_t len, loff_t *pos)\n{\n\tstruct mf *migf = filp->private_data;\n\tloff_t end;\n\n${body}}\n${TAIL('write', fn)}`;
const read = (body: string) =>
  `${HEAD}static ssize_t mf_read(struct file *filp, char __user *buf, size_t len,\n\t\t       loff_t *pos)\n{\n\tstruct mf *migf = filp->private_data;\n\n${body}}\n${TAIL('read', 'mf_read')}`;

const COPY_IN =
  '\tif (copy_from_user(migf->data + *pos, buf, len)) {\n\t\tmutex_unlock(&migf->lock);\n\t\treturn -EFAULT;\n\t}\n\t*pos += len;\n\tmutex_unlock(&migf->lock);\n\treturn len;\n';

ruleTester('migration-pos-unlocked', {
  valid: [
    {
      name: 'lock first, then check and use the position',
      files: {
        'main.c': write(
          `\tif (pos)\n\t\treturn -ESPIPE;\n\tpos = &filp->f_pos;\n\tmutex_lock(&migf->lock);\n\tif (*pos < 0 || check_add_overflow(len, *pos, &end) || end > sizeof(migf->data)) {\n\t\tmutex_unlock(&migf->lock);\n\t\treturn -EINVAL;\n\t}\n${COPY_IN}`,
        ),
      },
    },
    {
      name: 'an unlocked sanity check whose result nothing relies on',
      files: {
        'main.c': write(
          `\tif (pos)\n\t\treturn -ESPIPE;\n\tpos = &filp->f_pos;\n\tif (*pos < 0 || check_add_overflow((loff_t)len, *pos, &end))\n\t\treturn -EINVAL;\n\tmutex_lock(&migf->lock);\n\tif (*pos + len > sizeof(migf->data)) {\n\t\tmutex_unlock(&migf->lock);\n\t\treturn -ENOMEM;\n\t}\n${COPY_IN}`,
        ),
      },
    },
    {
      name: 'checking whether the pos pointer is NULL is not a read of the position',
      files: {
        'main.c': read(
          '\tif (pos)\n\t\treturn -ESPIPE;\n\tpos = &filp->f_pos;\n\tguard(mutex)(&migf->lock);\n\tif (*pos > migf->size)\n\t\treturn -EINVAL;\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'the same code in a function that is not a migration file handler',
      files: {
        'main.c': `${HEAD}static ssize_t helper(struct mf *migf, size_t len, loff_t *pos)\n{\n\tif (*pos + len > sizeof(migf->data))\n\t\treturn -EINVAL;\n\tmutex_lock(&migf->lock);\n\t*pos += len;\n\tmutex_unlock(&migf->lock);\n\treturn len;\n}\n`,
      },
    },
    {
      name: 'a handler that takes no lock at all',
      files: { 'main.c': read('\tif (*pos > migf->size)\n\t\treturn -EINVAL;\n\treturn 0;\n') },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': read(
          '\tpos = &filp->f_pos;\n\t/* vfio-variant: ignore migration-pos-unlocked -- single reader enforced by open */\n\tif (*pos > migf->size)\n\t\treturn -EINVAL;\n\tmutex_lock(&migf->lock);\n\t*pos += len;\n\tmutex_unlock(&migf->lock);\n\treturn len;\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'bounds check of the end offset before the lock (two writers overflow the buffer)',
      files: {
        'main.c': write(
          `\tif (pos)\n\t\treturn -ESPIPE;\n\tpos = &filp->f_pos;\n\n\tif (*pos < 0 ||\n\t    check_add_overflow((loff_t)len, *pos, &end))\n\t\treturn -EINVAL;\n\n\tif (end > sizeof(migf->data))\n\t\treturn -ENOMEM;\n\n\tmutex_lock(&migf->lock);\n${COPY_IN}`,
        ),
      },
      errors: [{ line: 15, name: '*pos', message: /before mf_write\(\) takes 'migf->lock' \(line 22\)/ }],
      output: null,
    },
    {
      name: 'a local pointer to f_pos checked against the data size before the lock',
      files: {
        'main.c': read(
          '\tloff_t *offs = &filp->f_pos;\n\n\tif (*offs > migf->size)\n\t\treturn -EINVAL;\n\tmutex_lock(&migf->lock);\n\tlen = min_t(size_t, migf->size - *offs, len);\n\tif (copy_to_user(buf, migf->data + *offs, len))\n\t\tlen = 0;\n\t*offs += len;\n\tmutex_unlock(&migf->lock);\n\treturn len;\n',
        ),
      },
      errors: [{ line: 12, name: '*offs' }],
      output: null,
    },
    {
      name: 'the position read into a local before the lock and used under it',
      files: {
        'main.c': read(
          '\tloff_t off = filp->f_pos;\n\n\tmutex_lock(&migf->lock);\n\tif (copy_to_user(buf, migf->data + off, len))\n\t\tlen = 0;\n\tfilp->f_pos = off + len;\n\tmutex_unlock(&migf->lock);\n\treturn len;\n',
        ),
      },
      errors: [{ line: 10, name: 'filp->f_pos' }],
      output: null,
    },
    {
      name: 'the lock taken by a guard after the check',
      files: {
        'main.c': read(
          '\tif (filp->f_pos + len > migf->size)\n\t\treturn -EINVAL;\n\tguard(mutex)(&migf->lock);\n\tif (copy_to_user(buf, migf->data + filp->f_pos, len))\n\t\treturn -EFAULT;\n\tfilp->f_pos += len;\n\treturn len;\n',
        ),
      },
      errors: [{ line: 10, name: 'filp->f_pos' }],
      output: null,
    },
  ],
});
