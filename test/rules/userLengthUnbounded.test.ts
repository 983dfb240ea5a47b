import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HEAD = `${P}struct mf { struct mutex lock; u8 data[4096]; loff_t size; };\n\n`;
const TAIL = (member: string, fn: string) =>
  `\nstatic const struct file_operations mf_fops = {\n\t.owner = THIS_MODULE,\n\t.${member} = ${fn},\n};\n\nstatic struct file *mf_open(struct mf *migf)\n{\n\treturn anon_inode_getfile("mf", &mf_fops, migf, O_RDWR);\n}\n`;
const read = (body: string) =>
  `${HEAD}static ssize_t mf_read(struct file *filp, char __user *buf, size_t len,\n\t\t       loff_t *pos)\n{\n\tstruct mf *migf = filp->private_data;\n\n${body}}\n${TAIL('read', 'mf_read')}`;
const write = (body: string) =>
  `${HEAD}static ssize_t mf_write(struct file *filp, const char __user *buf,\n\t\t\tsize_t count, loff_t *pos)\n{\n\tstruct mf *migf = filp->private_data;\n\tloff_t end;\n\n${body}}\n${TAIL('write', 'mf_write')}`;

ruleTester('user-length-unbounded', {
  valid: [
    {
      name: 'the length checked against the buffer first',
      files: {
        'main.c': write(
          '\tif (*pos < 0 || *pos + count > sizeof(migf->data))\n\t\treturn -EINVAL;\n\tif (copy_from_user(migf->data + *pos, buf, count))\n\t\treturn -EFAULT;\n\t*pos += count;\n\treturn count;\n',
        ),
      },
    },
    {
      name: 'the end offset from check_add_overflow() checked',
      files: {
        'main.c': write(
          '\tif (check_add_overflow(count, *pos, &end))\n\t\treturn -EINVAL;\n\tif (end > sizeof(migf->data))\n\t\treturn -ENOMEM;\n\tif (copy_from_user(migf->data + *pos, buf, count))\n\t\treturn -EFAULT;\n\treturn count;\n',
        ),
      },
    },
    {
      name: 'the length clamped with min_t()',
      files: {
        'main.c': read(
          '\tlen = min_t(size_t, migf->size - *pos, len);\n\tif (copy_to_user(buf, migf->data + *pos, len))\n\t\treturn -EFAULT;\n\treturn len;\n',
        ),
      },
    },
    {
      name: 'page-sized chunks clamped in a loop',
      files: {
        'main.c': write(
          '\twhile (count) {\n\t\tsize_t chunk = min_t(size_t, count, PAGE_SIZE);\n\n\t\tif (copy_from_user(migf->data, buf, chunk))\n\t\t\treturn -EFAULT;\n\t\tcount -= chunk;\n\t}\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': read(
          '\t/* vfio-variant: ignore user-length-unbounded -- len checked by the caller */\n\tif (copy_to_user(buf, migf->data, len))\n\t\treturn -EFAULT;\n\treturn len;\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'write copies the user length with no check',
      files: {
        'main.c': write('\tif (copy_from_user(migf->data + *pos, buf, count))\n\t\treturn -EFAULT;\n\t*pos += count;\n\treturn count;\n'),
      },
      errors: [
        {
          line: 11,
          name: 'count',
          message: /'count' \(from the write\(\) length 'count'\) sizes copy_from_user\(\) into 'migf->data \+ \*pos' .*overflows/,
        },
      ],
      output: null,
    },
    {
      name: 'a copy of the length in a local, read side',
      files: { 'main.c': read('\tsize_t n = len;\n\n\tif (copy_to_user(buf, migf->data, n))\n\t\treturn -EFAULT;\n\treturn n;\n') },
      errors: [{ line: 12, name: 'n', message: /reads past/ }],
      output: null,
    },
    {
      name: 'checked on one path only',
      files: {
        'main.c': write(
          '\tif (migf->size) {\n\t\tif (count > sizeof(migf->data))\n\t\t\treturn -EINVAL;\n\t}\n\tmemcpy(migf->data, buf, count);\n\treturn count;\n',
        ),
      },
      errors: [{ line: 15, name: 'count' }],
      output: null,
    },
    {
      name: 'only checked against 0',
      files: {
        'main.c': write(
          '\tif (count <= 0)\n\t\treturn 0;\n\tif (copy_from_user(migf->data, buf, count))\n\t\treturn -EFAULT;\n\treturn count;\n',
        ),
      },
      errors: [{ line: 13, name: 'count' }],
      output: null,
    },
  ],
});
