import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HEAD = `${P}struct mf { struct mutex lock; u8 data[4096]; u8 *vbuf; loff_t size; };\n\n`;
const TAIL = (member: string, fn: string) =>
  `\nstatic const struct file_operations mf_fops = {\n\t.owner = THIS_MODULE,\n\t.${member} = ${fn},\n};\n\nstatic struct file *mf_open(struct mf *migf)\n{\n\treturn anon_inode_getfile("mf", &mf_fops, migf, O_RDWR);\n}\n`;
const read = (body: string) =>
  `${HEAD}static ssize_t mf_read(struct file *filp, char __user *buf, size_t len,\n\t\t       loff_t *pos)\n{\n\tstruct mf *migf = filp->private_data;\n\n${body}}\n${TAIL('read', 'mf_read')}`;
const write = (body: string) =>
  `${HEAD}static ssize_t mf_write(struct file *filp, const char __user *buf,\n\t\t\tsize_t len, loff_t *pos)\n{\n\tstruct mf *migf = filp->private_data;\n\n${body}}\n${TAIL('write', 'mf_write')}`;

ruleTester('migration-pos-not-applied', {
  valid: [
    {
      name: 'the copy is offset by *pos',
      files: { 'main.c': read('\tif (copy_to_user(buf, migf->data + *pos, len))\n\t\treturn -EFAULT;\n\t*pos += len;\n\treturn len;\n') },
    },
    {
      name: 'the copy goes through a page chosen by the position',
      files: {
        'main.c': write(
          '\tsize_t off = *pos % PAGE_SIZE;\n\tu8 *to = kmap_local_page(get_page_at(migf, *pos - off));\n\n\tif (copy_from_user(to, buf, len))\n\t\treturn -EFAULT;\n\t*pos += len;\n\treturn len;\n',
        ),
      },
    },
    {
      name: 'a local pointer set from the position',
      files: {
        'main.c': read(
          '\tu8 *from;\n\n\tfrom = migf->vbuf;\n\tfrom += *pos;\n\tif (copy_to_user(buf, from, len))\n\t\treturn -EFAULT;\n\t*pos += len;\n\treturn len;\n',
        ),
      },
    },
    {
      name: 'a handler that never advances the position',
      files: { 'main.c': read('\tif (copy_to_user(buf, migf->data, len))\n\t\treturn -EFAULT;\n\treturn len;\n') },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': read(
          '\t/* vfio-variant: ignore migration-pos-not-applied -- one-shot header, pos only counts */\n\tif (copy_to_user(buf, migf->data, len))\n\t\treturn -EFAULT;\n\t*pos += len;\n\treturn len;\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'read copies from the start of the buffer every time',
      files: { 'main.c': read('\tif (copy_to_user(buf, migf->data, len))\n\t\treturn -EFAULT;\n\t*pos += len;\n\treturn len;\n') },
      errors: [{ line: 10, name: 'migf->data', message: /reads from the start of 'migf->data' .*returns the same bytes/ }],
      output: read('\tif (copy_to_user(buf, migf->data + *pos, len))\n\t\treturn -EFAULT;\n\t*pos += len;\n\treturn len;\n'),
    },
    {
      name: 'write through a local pointer to f_pos, buffer behind a cast',
      files: {
        'main.c': write(
          '\tloff_t *offs = &filp->f_pos;\n\n\tmutex_lock(&migf->lock);\n\tif (copy_from_user((void *)migf->vbuf, buf, len)) {\n\t\tmutex_unlock(&migf->lock);\n\t\treturn -EFAULT;\n\t}\n\t*offs += len;\n\tmutex_unlock(&migf->lock);\n\treturn len;\n',
        ),
      },
      errors: [{ line: 13, name: '(void *)migf->vbuf', message: /overwrites the first chunk/ }],
      output: null,
    },
    {
      name: 'f_pos advanced by assignment, buffer passed by name',
      files: {
        'main.c': read(
          '\tu8 *data = migf->vbuf;\n\n\tif (copy_to_user(buf, data, len))\n\t\treturn -EFAULT;\n\tfilp->f_pos = filp->f_pos + len;\n\treturn len;\n',
        ),
      },
      errors: [{ line: 12, name: 'data' }],
      output: read(
        '\tu8 *data = migf->vbuf;\n\n\tif (copy_to_user(buf, data + filp->f_pos, len))\n\t\treturn -EFAULT;\n\tfilp->f_pos = filp->f_pos + len;\n\treturn len;\n',
      ),
    },
  ],
});
