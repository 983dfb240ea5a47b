import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HEAD = `${P}struct vdev { struct mutex state_mutex; struct mutex lock; u64 bytes; };\nstruct info { u64 initial_bytes; };\n\n`;
const ioctl = (body: string) => `${HEAD}static long f(struct vdev *vdev, unsigned long arg)\n{\n\tstruct info info = {};\n\n${body}}\n`;

ruleTester('user-copy-under-state-mutex', {
  valid: [
    {
      name: 'the result copied out after the unlock',
      files: {
        'main.c': ioctl(
          '\tmutex_lock(&vdev->state_mutex);\n\tinfo.initial_bytes = vdev->bytes;\n\tmutex_unlock(&vdev->state_mutex);\n\treturn copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;\n',
        ),
      },
    },
    {
      name: 'the argument copied in before the lock',
      files: {
        'main.c': ioctl(
          '\tif (copy_from_user(&info, (void __user *)arg, sizeof(info)))\n\t\treturn -EFAULT;\n\tmutex_lock(&vdev->state_mutex);\n\tvdev->bytes = info.initial_bytes;\n\tmutex_unlock(&vdev->state_mutex);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: "a copy under the migration file's own lock",
      files: {
        'main.c': ioctl(
          '\tmutex_lock(&vdev->lock);\n\tif (put_user(vdev->bytes, (u64 __user *)arg))\n\t\tinfo.initial_bytes = 0;\n\tmutex_unlock(&vdev->lock);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'a copy on the path where the trylock failed',
      files: {
        'main.c': ioctl(
          '\tif (!mutex_trylock(&vdev->state_mutex))\n\t\treturn copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : -EBUSY;\n\tmutex_unlock(&vdev->state_mutex);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': ioctl(
          '\tmutex_lock(&vdev->state_mutex);\n\t/* vfio-variant: ignore user-copy-under-state-mutex -- buffer pinned, cannot fault */\n\tif (copy_to_user((void __user *)arg, &info, sizeof(info)))\n\t\tinfo.initial_bytes = 0;\n\tmutex_unlock(&vdev->state_mutex);\n\treturn 0;\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'precopy info copied to userspace before the state mutex is released',
      files: {
        'main.c': ioctl(
          '\tint ret;\n\n\tmutex_lock(&vdev->state_mutex);\n\tinfo.initial_bytes = vdev->bytes;\n\tret = copy_to_user((void __user *)arg, &info, sizeof(info)) ? -EFAULT : 0;\n\tmutex_unlock(&vdev->state_mutex);\n\treturn ret;\n',
        ),
      },
      errors: [{ line: 14, name: 'copy_to_user', message: /'vdev->state_mutex' held .*mmap_lock/ }],
      output: null,
    },
    {
      name: 'copy_from_user on the error path of a goto-style function',
      files: {
        'main.c': ioctl(
          '\tint ret = 0;\n\n\tmutex_lock(&vdev->state_mutex);\n\tif (!vdev->bytes) {\n\t\tret = -EINVAL;\n\t\tgoto out;\n\t}\n\tif (copy_from_user(&info, (void __user *)arg, sizeof(info)))\n\t\tret = -EFAULT;\nout:\n\tmutex_unlock(&vdev->state_mutex);\n\treturn ret;\n',
        ),
      },
      errors: [{ line: 17, name: 'copy_from_user' }],
      output: null,
    },
    {
      name: 'get_user under a guard on the state mutex',
      files: {
        'main.c': ioctl(
          '\tu64 v;\n\n\tguard(mutex)(&vdev->state_mutex);\n\tif (get_user(v, (u64 __user *)arg))\n\t\treturn -EFAULT;\n\tvdev->bytes = v;\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 13, name: 'get_user' }],
      output: null,
    },
    {
      name: 'the mutex migration_set_state takes, whatever its name',
      files: {
        'main.c': `${P}struct dev { struct mutex mig_lock; u32 state; struct vfio_device vdev; };\n\nstatic struct file *set_state(struct vfio_device *vdev, u32 new)\n{\n\tstruct dev *d = container_of(vdev, struct dev, vdev);\n\n\tmutex_lock(&d->mig_lock);\n\td->state = new;\n\tmutex_unlock(&d->mig_lock);\n\treturn NULL;\n}\n\nstatic const struct vfio_migration_ops mig_ops = {\n\t.migration_set_state = set_state,\n};\n\nstatic long ioctl(struct dev *d, unsigned long arg)\n{\n\tmutex_lock(&d->mig_lock);\n\tif (put_user(d->state, (u32 __user *)arg)) {\n\t\tmutex_unlock(&d->mig_lock);\n\t\treturn -EFAULT;\n\t}\n\tmutex_unlock(&d->mig_lock);\n\treturn 0;\n}\n`,
      },
      errors: [{ line: 22, name: 'put_user' }],
      output: null,
    },
  ],
});
