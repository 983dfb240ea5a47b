import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const fn = (body: string) =>
  `${P}struct mf { spinlock_t list_lock; struct mutex lock; struct rw_semaphore sem; };\n\nstatic void f(struct mf *migf, int x)\n{\n${body}}\n`;

ruleTester('lock-variant-mismatch', {
  valid: [
    {
      name: 'spin_lock_irq paired with spin_unlock_irq',
      files: { 'main.c': fn('\tspin_lock_irq(&migf->list_lock);\n\tx++;\n\tspin_unlock_irq(&migf->list_lock);\n') },
    },
    {
      name: 'irqsave paired with irqrestore, spelled with parentheses',
      files: {
        'main.c': fn(
          '\tunsigned long flags;\n\n\tspin_lock_irqsave(&(migf->list_lock), flags);\n\tspin_unlock_irqrestore(&migf -> list_lock, flags);\n',
        ),
      },
    },
    {
      name: 'different locks with different variants',
      files: {
        'main.c': fn(
          '\tspin_lock(&migf->list_lock);\n\tspin_unlock(&migf->list_lock);\n\tspin_lock_irq(&migf->other);\n\tspin_unlock_irq(&migf->other);\n',
        ),
      },
    },
    {
      name: 'variants chosen on correlated branches: one path pairs',
      files: {
        'main.c': fn(
          '\tif (x)\n\t\tspin_lock_irq(&migf->list_lock);\n\telse\n\t\tspin_lock(&migf->list_lock);\n\tif (x)\n\t\tspin_unlock_irq(&migf->list_lock);\n\telse\n\t\tspin_unlock(&migf->list_lock);\n',
        ),
      },
    },
    { name: 'an unlock of a lock the caller took', files: { 'main.c': fn('\tspin_unlock_irq(&migf->list_lock);\n') } },
    {
      name: 'trylock success branch',
      files: { 'main.c': fn('\tif (!mutex_trylock(&migf->lock))\n\t\treturn;\n\tmutex_unlock(&migf->lock);\n') },
    },
    { name: 'rwsem read side', files: { 'main.c': fn('\tdown_read(&migf->sem);\n\tup_read(&migf->sem);\n') } },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': fn(
          '\tspin_lock(&migf->list_lock);\n\t/* vfio-variant: ignore lock-variant-mismatch -- irqs were disabled by the caller on purpose */\n\tspin_unlock_irq(&migf->list_lock);\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'spin_lock released with spin_unlock_irq',
      files: { 'main.c': fn('\tspin_lock(&migf->list_lock);\n\tx++;\n\tspin_unlock_irq(&migf->list_lock);\n') },
      errors: [{ line: 9, name: 'spin_unlock_irq', message: /re-enabled.*must pair/ }],
      output: fn('\tspin_lock(&migf->list_lock);\n\tx++;\n\tspin_unlock(&migf->list_lock);\n'),
    },
    {
      name: 'irqsave released with a plain unlock: the fix restores the saved flags',
      files: { 'main.c': fn('\tunsigned long fl;\n\n\tspin_lock_irqsave(&migf->list_lock, fl);\n\tspin_unlock(&migf->list_lock);\n') },
      errors: [{ line: 10, name: 'spin_unlock', message: /stay disabled/ }],
      output: fn('\tunsigned long fl;\n\n\tspin_lock_irqsave(&migf->list_lock, fl);\n\tspin_unlock_irqrestore(&migf->list_lock, fl);\n'),
    },
    {
      name: 'irq lock released with irqrestore on an error path only',
      files: {
        'main.c': fn(
          '\tunsigned long flags = 0;\n\n\tspin_lock_irq(&migf->list_lock);\n\tif (x) {\n\t\tspin_unlock_irqrestore(&migf->list_lock, flags);\n\t\treturn;\n\t}\n\tspin_unlock_irq(&migf->list_lock);\n',
        ),
      },
      errors: [{ line: 11, name: 'spin_unlock_irqrestore' }],
      output: fn(
        '\tunsigned long flags = 0;\n\n\tspin_lock_irq(&migf->list_lock);\n\tif (x) {\n\t\tspin_unlock_irq(&migf->list_lock);\n\t\treturn;\n\t}\n\tspin_unlock_irq(&migf->list_lock);\n',
      ),
    },
    {
      name: 'mutex released through the spinlock API',
      files: { 'main.c': fn('\tmutex_lock(&migf->lock);\n\tspin_unlock(&migf->lock);\n') },
      errors: [{ line: 8, name: 'spin_unlock', message: /mutex is released through the spinlock API/ }],
      output: fn('\tmutex_lock(&migf->lock);\n\tmutex_unlock(&migf->lock);\n'),
    },
    {
      name: 'rwsem read hold released as a write hold',
      files: { 'main.c': fn('\tdown_read(&migf->sem);\n\tup_write(&migf->sem);\n') },
      errors: [{ line: 8, name: 'up_write', message: /read hold/ }],
      output: fn('\tdown_read(&migf->sem);\n\tup_read(&migf->sem);\n'),
    },
    {
      name: 'inside a loop, the lock taken at the top of each iteration',
      files: { 'main.c': fn('\twhile (x--) {\n\t\tspin_lock_bh(&migf->list_lock);\n\t\tspin_unlock(&migf->list_lock);\n\t}\n') },
      errors: [{ line: 9, name: 'spin_unlock' }],
      output: fn('\twhile (x--) {\n\t\tspin_lock_bh(&migf->list_lock);\n\t\tspin_unlock_bh(&migf->list_lock);\n\t}\n'),
    },
  ],
});
