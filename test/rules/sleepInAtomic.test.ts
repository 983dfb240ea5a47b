import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HEAD = `${P}struct mf { spinlock_t list_lock; struct mutex lock; void *buf; int n; };\n\n`;
const fn = (body: string) => `${HEAD}static int f(struct mf *migf, size_t len)\n{\n${body}}\n`;

ruleTester('sleep-in-atomic', {
  valid: [
    {
      name: 'allocate before taking the spinlock',
      files: {
        'main.c': fn(
          '\tvoid *p = kzalloc(len, GFP_KERNEL);\n\n\tspin_lock_irq(&migf->list_lock);\n\tmigf->buf = p;\n\tspin_unlock_irq(&migf->list_lock);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'GFP_ATOMIC under the lock',
      files: {
        'main.c': fn(
          '\tspin_lock(&migf->list_lock);\n\tmigf->buf = kmalloc(len, GFP_ATOMIC);\n\tspin_unlock(&migf->list_lock);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'sleeping after the unlock, and under a mutex',
      files: {
        'main.c': fn(
          '\tspin_lock(&migf->list_lock);\n\tmigf->n++;\n\tspin_unlock(&migf->list_lock);\n\tmutex_lock(&migf->lock);\n\tmsleep(10);\n\tmutex_unlock(&migf->lock);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'a scoped_guard block ends before the sleep',
      files: {
        'main.c': fn(
          '\tscoped_guard(spinlock_irqsave, &migf->list_lock) {\n\t\tmigf->n++;\n\t}\n\twait_for_completion(NULL);\n\treturn 0;\n',
        ),
      },
    },
    {
      name: 'a driver helper that does not sleep',
      files: {
        'main.c': `${HEAD}static void bump(struct mf *migf)\n{\n\tmigf->n++;\n}\n\nstatic void f(struct mf *migf)\n{\n\tspin_lock(&migf->list_lock);\n\tbump(migf);\n\tspin_unlock(&migf->list_lock);\n}\n`,
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': fn(
          '\tspin_lock(&migf->list_lock);\n\t/* vfio-variant: ignore sleep-in-atomic -- flags chosen by caller */\n\tmigf->buf = kmalloc(len, GFP_KERNEL);\n\tspin_unlock(&migf->list_lock);\n\treturn 0;\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'GFP_KERNEL allocation under spin_lock_irq',
      files: {
        'main.c': fn(
          '\tspin_lock_irq(&migf->list_lock);\n\tmigf->buf = kzalloc(len, GFP_KERNEL);\n\tspin_unlock_irq(&migf->list_lock);\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 8, name: 'kzalloc', message: /GFP_KERNEL\) may sleep while spinlock 'migf->list_lock' is held/ }],
      output: fn(
        '\tspin_lock_irq(&migf->list_lock);\n\tmigf->buf = kzalloc(len, GFP_ATOMIC);\n\tspin_unlock_irq(&migf->list_lock);\n\treturn 0;\n',
      ),
    },
    {
      name: 'mutex_lock inside an irqsave region',
      files: {
        'main.c': fn(
          '\tunsigned long flags;\n\n\tspin_lock_irqsave(&migf->list_lock, flags);\n\tmutex_lock(&migf->lock);\n\tmutex_unlock(&migf->lock);\n\tspin_unlock_irqrestore(&migf->list_lock, flags);\n\treturn 0;\n',
        ),
      },
      errors: [{ line: 10, name: 'mutex_lock' }],
      output: null,
    },
    {
      name: 'copy_to_user under a guard',
      files: {
        'main.c': fn('\tguard(spinlock)(&migf->list_lock);\n\tif (copy_to_user(NULL, migf->buf, len))\n\t\treturn -EFAULT;\n\treturn 0;\n'),
      },
      errors: [{ line: 8, name: 'copy_to_user', message: /may fault and sleep/ }],
      output: null,
    },
    {
      name: 'a driver helper that waits, called under the lock on one path',
      files: {
        'main.c': `${HEAD}static void drain(struct mf *migf)\n{\n\twait_event_interruptible(migf->wq, !migf->n);\n}\n\nstatic void f(struct mf *migf, int x)\n{\n\tspin_lock(&migf->list_lock);\n\tif (x)\n\t\tdrain(migf);\n\tspin_unlock(&migf->list_lock);\n}\n`,
      },
      errors: [{ line: 14, name: 'drain', message: /drain\(\) may sleep \(wait_event_interruptible\(\) may sleep/ }],
      output: null,
    },
    {
      name: 'msleep while an rwlock read side is held',
      files: { 'main.c': fn('\tread_lock(&migf->rw);\n\tmsleep(1);\n\tread_unlock(&migf->rw);\n\treturn 0;\n') },
      errors: [{ line: 8, name: 'msleep', message: /rwlock/ }],
      output: null,
    },
  ],
});
