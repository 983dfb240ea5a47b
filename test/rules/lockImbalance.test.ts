import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HEAD = `${P}struct mf { spinlock_t list_lock; struct mutex lock; struct rw_semaphore sem; int n; };\n\n`;
const fn = (body: string, name = 'f') => `${HEAD}static int ${name}(struct mf *migf, int x)\n{\n${body}}\n`;

ruleTester('lock-imbalance', {
  valid: [
    {
      name: 'every path releases through the unlock label',
      files: {
        'main.c': fn(
          '\tint ret = 0;\n\n\tmutex_lock(&migf->lock);\n\tif (x) {\n\t\tret = -EINVAL;\n\t\tgoto out_unlock;\n\t}\n\tmigf->n++;\nout_unlock:\n\tmutex_unlock(&migf->lock);\n\treturn ret;\n',
        ),
      },
    },
    {
      name: 'guard() releases at the end of its scope',
      files: { 'main.c': fn('\tguard(mutex)(&migf->lock);\n\tif (x)\n\t\treturn -EINVAL;\n\treturn 0;\n') },
    },
    {
      name: 'scoped_guard() releases when its block is left by return',
      files: {
        'main.c': fn(
          '\tscoped_guard(spinlock_irqsave, &migf->list_lock) {\n\t\tif (x)\n\t\t\treturn -EINVAL;\n\t\tmigf->n++;\n\t}\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'trylock failure returns without the lock',
      files: {
        'main.c': fn('\tif (!mutex_trylock(&migf->lock))\n\t\treturn -EBUSY;\n\tmigf->n++;\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n'),
      },
    },
    {
      name: 'interruptible lock: the error return never held it',
      files: {
        'main.c': fn(
          '\tint ret;\n\n\tret = mutex_lock_interruptible(&migf->lock);\n\tif (ret)\n\t\treturn ret;\n\tmigf->n++;\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'a helper named *_lock returns holding it for its caller',
      files: {
        'main.c': fn('\tmutex_lock(&migf->lock);\n\tif (x)\n\t\treturn 1;\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n', 'mf_state_lock'),
      },
    },
    {
      name: 'a function that returns holding the lock on every path',
      files: { 'main.c': fn('\tmutex_lock(&migf->lock);\n\tif (x)\n\t\treturn 1;\n\treturn 0;\n') },
    },
    {
      name: 'released through a driver helper that unlocks its parameter',
      files: {
        'main.c': `${HEAD}static void mf_state_mutex_unlock(struct mf *m)\n{\n\tm->n = 0;\n\tmutex_unlock(&m->lock);\n}\n\nstatic int f(struct mf *migf, int x)\n{\n\tmutex_lock(&migf->lock);\n\tif (x) {\n\t\tmf_state_mutex_unlock(migf);\n\t\treturn -EINVAL;\n\t}\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'lock and unlock under the same condition',
      files: {
        'main.c': fn(
          '\tif (x == 1)\n\t\tmutex_lock(&migf->lock);\n\tif (migf->n < 0) {\n\t\tif (x == 1)\n\t\t\tmutex_unlock(&migf->lock);\n\t\treturn -EINVAL;\n\t}\n\tif (x == 1)\n\t\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: "the caller's lock dropped and retaken around a call",
      files: {
        'main.c': fn('\tif (!x)\n\t\treturn 0;\n\tmutex_unlock(&migf->lock);\n\tmigf->n++;\n\tmutex_lock(&migf->lock);\n\treturn 1;\n'),
      },
    },
    {
      name: 'a getter that returns the object locked on success',
      files: {
        'main.c': `${HEAD}static struct mf *mf_get(struct mf *migf)\n{\n\tmutex_lock(&migf->lock);\n\tif (!migf->n) {\n\t\tmutex_unlock(&migf->lock);\n\t\treturn NULL;\n\t}\n\treturn migf;\n}\n`,
      },
    },
    {
      name: 'mutex_lock_interruptible tested directly',
      files: {
        'main.c': fn(
          '\tif (mutex_lock_interruptible(&migf->lock))\n\t\treturn -EINTR;\n\tmigf->n++;\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': fn(
          '\tmutex_lock(&migf->lock);\n\tif (x) {\n\t\t/* vfio-variant: ignore lock-imbalance -- released by the completion */\n\t\treturn 1;\n\t}\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'early error return inside a braced block',
      files: {
        'main.c': fn(
          '\tmutex_lock(&migf->lock);\n\tif (x) {\n\t\tmigf->n = 0;\n\t\treturn -EINVAL;\n\t}\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 10, name: 'migf->lock', message: /^return leaves 'migf->lock' held/ }],
      output: fn(
        '\tmutex_lock(&migf->lock);\n\tif (x) {\n\t\tmigf->n = 0;\n\t\tmutex_unlock(&migf->lock);\n\t\treturn -EINVAL;\n\t}\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
      ),
    },
    {
      name: 'unbraced early return: reported, no preferred fix',
      files: {
        'main.c': fn(
          '\tspin_lock_irq(&migf->list_lock);\n\tif (migf->n > x)\n\t\treturn -ENOSPC;\n\tmigf->n++;\n\tspin_unlock_irq(&migf->list_lock);\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 9, name: 'migf->list_lock' }],
      output: null,
    },
    {
      name: 'goto to a label past the unlock',
      files: {
        'main.c': fn(
          '\tint ret = 0;\n\n\tdown_write(&migf->sem);\n\tif (x) {\n\t\tret = -EIO;\n\t\tgoto out;\n\t}\n\tup_write(&migf->sem);\nout:\n\treturn ret;\n',
        ),
      },
      errors: [{ line: 12, name: 'migf->sem', message: /^goto out leaves/ }],
      output: null,
    },
    {
      name: 'goto through an error chain that frees and returns',
      files: {
        'main.c': fn(
          '\tvoid *p = kzalloc(8, GFP_KERNEL);\n\tint ret = 0;\n\n\tif (!p)\n\t\treturn -ENOMEM;\n\tmutex_lock(&migf->lock);\n\tif (x) {\n\t\tret = -EIO;\n\t\tgoto err_free;\n\t}\n\tmutex_unlock(&migf->lock);\n\treturn 0;\nerr_free:\n\tkfree(p);\n\treturn ret;\n',
        ),
      },
      errors: [{ line: 15, name: 'migf->lock', message: /^goto err_free leaves/ }],
      output: null,
    },
    {
      name: 'irqsave lock: the fix restores the flags',
      files: {
        'main.c': fn(
          '\tunsigned long flags;\n\n\tspin_lock_irqsave(&migf->list_lock, flags);\n\tif (x) {\n\t\treturn -EINVAL;\n\t}\n\tspin_unlock_irqrestore(&migf->list_lock, flags);\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 11, name: 'migf->list_lock' }],
      output: fn(
        '\tunsigned long flags;\n\n\tspin_lock_irqsave(&migf->list_lock, flags);\n\tif (x) {\n\t\tspin_unlock_irqrestore(&migf->list_lock, flags);\n\t\treturn -EINVAL;\n\t}\n\tspin_unlock_irqrestore(&migf->list_lock, flags);\n\treturn 0;\n',
      ),
    },
    {
      name: 'trylock success path returns early holding it',
      files: {
        'main.c': fn(
          '\tif (!mutex_trylock(&migf->lock))\n\t\treturn -EBUSY;\n\tif (x) {\n\t\treturn -EINVAL;\n\t}\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 10, name: 'migf->lock' }],
      output: fn(
        '\tif (!mutex_trylock(&migf->lock))\n\t\treturn -EBUSY;\n\tif (x) {\n\t\tmutex_unlock(&migf->lock);\n\t\treturn -EINVAL;\n\t}\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
      ),
    },
    {
      name: 'a break out of a loop skips the unlock',
      files: {
        'main.c': `${HEAD}static void f(struct mf *migf, int x)\n{\n\twhile (x--) {\n\t\tmutex_lock(&migf->lock);\n\t\tif (migf->n)\n\t\t\tbreak;\n\t\tmutex_unlock(&migf->lock);\n\t}\n}\n`,
      },
      errors: [{ line: 10, name: 'migf->lock', message: /^break to the end leaves/ }],
      output: null,
    },
  ],
});
