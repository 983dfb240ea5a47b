import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const OPS = `static const struct vfio_migration_ops ops = {\n\t.migration_set_state = set_state,\n\t.migration_get_state = get_state,\n};\n`;

ruleTester('migration-handler-undocumented', {
  valid: [
    {
      name: 'kernel-doc directly above the definition',
      files: {
        'main.c': `${P}/**\n * get_state() - report\n * @v: dev\n * @s: state\n *\n * Return: 0\n */\nstatic int get_state(struct vfio_device *v, int *s)\n{\n\treturn 0;\n}\n${OPS}`,
      },
    },
    {
      name: 'a file_operations never handed to anon_inode_getfile() is not migration',
      files: {
        'main.c': `${P}static ssize_t dbg_read(struct file *f, char __user *b, size_t n, loff_t *p)\n{\n\treturn 0;\n}\nstatic const struct file_operations dbg_fops = {\n\t.read = dbg_read,\n};\nstatic void f(void)\n{\n\tdebugfs_create_file("x", 0400, NULL, NULL, &dbg_fops);\n}\n`,
      },
    },
    {
      name: 'generic helpers wired into ops are not handlers of the driver',
      files: {
        'main.c': `${P}static const struct file_operations save_fops = {\n\t.compat_ioctl = compat_ptr_ioctl,\n\t.llseek = noop_llseek,\n};\nstatic struct file *mk(void *p)\n{\n\treturn anon_inode_getfile("m", &save_fops, p, 0);\n}\n`,
      },
    },
    {
      name: 'a suppression comment with a reason',
      files: {
        'main.c': `${P}/* vfio-variant: ignore migration-handler-undocumented -- trivial accessor */\nstatic int get_state(struct vfio_device *v, int *s)\n{\n\treturn 0;\n}\nstatic const struct vfio_migration_ops ops = {\n\t.migration_get_state = get_state,\n};\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'ops struct in one file, handlers in another',
      file: 'cmd.c',
      files: {
        'cmd.c': `${P}#include "main.h"\n\nint get_state(struct vfio_device *v, int *s)\n{\n\treturn 0;\n}\n\nstruct file *\nset_state(struct vfio_device *v, int s)\n{\n\treturn NULL;\n}\n`,
        'main.c': `${P}#include "main.h"\n${OPS}`,
      },
      errors: [
        { line: 5, name: 'get_state', message: /vfio_migration_ops\.migration_get_state/ },
        { line: 11, name: 'set_state' },
      ],
    },
    {
      name: 'dirty tracking ops',
      files: {
        'main.c': `${P}static int log_start(struct vfio_device *v, struct rb_root_cached *r, u32 n, u64 *p)\n{\n\treturn 0;\n}\nstatic const struct vfio_log_ops log_ops = {\n\t.log_start = log_start,\n};\n`,
      },
      errors: [{ line: 3, name: 'log_start', message: /vfio_log_ops\.log_start/ }],
    },
    {
      name: 'save fops handed to anon_inode_getfile() through a wrapper and a local variable',
      files: {
        'main.c':
          `${P}static ssize_t save_read(struct file *f, char __user *b, size_t n, loff_t *p)\n{\n\treturn 0;\n}\n` +
          `static ssize_t resume_write(struct file *f, const char __user *b, size_t n, loff_t *p)\n{\n\treturn n;\n}\n` +
          'static const struct file_operations save_fops = {\n\t.read = save_read,\n};\n' +
          'static const struct file_operations resume_fops = {\n\t.write = resume_write,\n};\n' +
          'static struct file *get_file_wrapped(const struct file_operations *fops, void *p, int flags)\n{\n\treturn anon_inode_getfile("m", fops, p, flags);\n}\n' +
          'static struct file *open_mig(bool save, void *p)\n{\n\tconst struct file_operations *fops;\n\n\tfops = save ? &save_fops : &resume_fops;\n\treturn get_file_wrapped(fops, p, O_RDONLY);\n}\n',
      },
      errors: [
        { line: 3, name: 'save_read', message: /file_operations\.read/ },
        { line: 7, name: 'resume_write' },
      ],
    },
    {
      name: 'fops stored in a struct field before anon_inode_getfile()',
      files: {
        'main.c':
          `${P}static ssize_t save_read(struct file *f, char __user *b, size_t n, loff_t *p)\n{\n\treturn 0;\n}\n` +
          'static const struct file_operations save_fops = {\n\t.read = save_read,\n};\n' +
          'static struct file *mk(struct migf *m)\n{\n\tm->fops = &save_fops;\n\treturn anon_inode_getfile("m", m->fops, m, O_RDONLY);\n}\n',
      },
      errors: [{ line: 3, name: 'save_read' }],
    },
    {
      name: 'a migration member assigned at run time',
      files: {
        'main.c': `${P}static int get_size(struct vfio_device *v, unsigned long *s)\n{\n\treturn 0;\n}\nstatic void init(struct vfio_device *v, struct vfio_migration_ops *o)\n{\n\to->migration_get_data_size = get_size;\n}\n`,
      },
      errors: [{ line: 3, name: 'get_size' }],
    },
    {
      name: 'a blank line between comment and definition breaks the link',
      files: {
        'main.c': `${P}/* state getter */\n\nstatic int get_state(struct vfio_device *v, int *s)\n{\n\treturn 0;\n}\nstatic const struct vfio_migration_ops ops = {\n\t.migration_get_state = get_state,\n};\n`,
      },
      errors: [{ line: 5, name: 'get_state' }],
    },
  ],
});
