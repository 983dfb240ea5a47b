import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const MLX5 = `${P}#include <linux/mlx5/driver.h>\nstruct mf { struct mlx5_core_dev *mdev; u8 data[4096]; };\nstruct req { u32 qp; u32 size; };\n\n`;
const TAIL = `\nstatic const struct file_operations mf_fops = {\n\t.owner = THIS_MODULE,\n\t.write = mf_write,\n};\n\nstatic struct file *mf_open(struct mf *migf)\n{\n\treturn anon_inode_getfile("mf", &mf_fops, migf, O_RDWR);\n}\n`;
const write = (body: string) =>
  `${MLX5}static ssize_t mf_write(struct file *filp, const char __user *buf,\n\t\t\tsize_t len, loff_t *pos)\n{\n\tstruct mf *migf = filp->private_data;\n\n${body}}\n${TAIL}`;
const ioctl = (body: string) => `${MLX5}static long f(struct mf *migf, unsigned long arg)\n{\n\tstruct req r;\n\n${body}}\n`;

ruleTester('parent-call-user-data-unchecked', {
  valid: [
    {
      name: 'the length bounded before the parent call',
      files: {
        'main.c': write(
          '\tif (len > sizeof(migf->data))\n\t\treturn -EINVAL;\n\t/* Load the state into the VF. */\n\treturn mlx5_cmd_exec(migf->mdev, migf->data, len);\n',
        ),
      },
    },
    {
      name: 'ioctl fields checked first',
      files: {
        'main.c': ioctl(
          '\tif (copy_from_user(&r, (void __user *)arg, sizeof(r)))\n\t\treturn -EFAULT;\n\tif (r.size > 64 || r.qp >= 8)\n\t\treturn -EINVAL;\n\treturn mlx5_core_modify_qp(migf->mdev, r.qp, r.size);\n',
        ),
      },
    },
    { name: 'no userspace data involved', files: { 'main.c': ioctl('\treturn mlx5_core_modify_qp(migf->mdev, 0, 64);\n') } },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': write(
          '\t/* vfio-variant: ignore parent-call-user-data-unchecked -- firmware validates the length */\n\treturn mlx5_cmd_exec(migf->mdev, migf->data, len);\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'the write length handed to the PF unchecked',
      files: { 'main.c': write('\treturn mlx5_cmd_exec(migf->mdev, migf->data, len);\n') },
      errors: [{ line: 12, name: 'len', message: /'len' \(the write\(\) length\) reaches mlx5_cmd_exec\(\) of mlx5_core/ }],
      output: null,
    },
    {
      name: 'a field of a struct copied from the ioctl argument, through a local',
      files: {
        'main.c': ioctl(
          '\tu32 qp;\n\n\tif (copy_from_user(&r, (void __user *)arg, sizeof(r)))\n\t\treturn -EFAULT;\n\tqp = r.qp;\n\treturn mlx5_core_modify_qp(migf->mdev, qp, 64);\n',
        ),
      },
      errors: [
        { line: 16, name: 'qp', message: /'r' \(data copied from userspace\) reaches mlx5_core_modify_qp\(\) of mlx5_core through 'qp'/ },
      ],
      output: null,
    },
  ],
});
