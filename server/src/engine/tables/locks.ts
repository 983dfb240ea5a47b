/**
 * Lock and unlock API variants: the one table lock analyses (flow/locks.ts) and the
 * lock rules read. Each acquiring call names the release that pairs with it.
 */

/** `sleeps`: a sleeping lock (may be held across calls that sleep); otherwise holding it is atomic context. */
export interface LockFamily {
  name: string;
  sleeps: boolean;
  /** The init and destroy calls of locks of this family, for lifecycle checks. */
  init?: string;
  destroy?: string;
}

export const LOCK_FAMILIES: Record<string, LockFamily> = {
  spin: { name: 'spinlock', sleeps: false, init: 'spin_lock_init' },
  raw_spin: { name: 'raw spinlock', sleeps: false, init: 'raw_spin_lock_init' },
  rwlock: { name: 'rwlock', sleeps: false, init: 'rwlock_init' },
  mutex: { name: 'mutex', sleeps: true, init: 'mutex_init', destroy: 'mutex_destroy' },
  rwsem: { name: 'rw_semaphore', sleeps: true, init: 'init_rwsem' },
  rcu: { name: 'RCU read-side section', sleeps: false },
};

export type LockOpKind =
  /** Always acquires. */
  | 'lock'
  | 'unlock'
  /** Acquires when it returns non-zero (`*_trylock`). */
  | 'trylock'
  /** Acquires when it returns 0 (`*_interruptible`, `*_killable`). */
  | 'lock-or-error';

export interface LockApi {
  name: string;
  family: keyof typeof LOCK_FAMILIES;
  kind: LockOpKind;
  /** For an acquiring call: the release that pairs with it. */
  unlock?: string;
  /** Index of the saved-flags argument (`_irqsave` / `_irqrestore`). */
  flagsArg?: number;
  /** No lock argument (`rcu_read_lock()`): the lock is the family itself. */
  noArg?: boolean;
  /** rw locks: the read side and the write side are different holds of one lock. */
  side?: 'read' | 'write';
}

const apis: LockApi[] = [];
const add = (a: LockApi) => apis.push(a);

// spinlocks, raw spinlocks, and both sides of rwlocks share one set of variants.
for (const [prefix, family, side] of [
  ['spin', 'spin', undefined],
  ['raw_spin', 'raw_spin', undefined],
  ['read', 'rwlock', 'read'],
  ['write', 'rwlock', 'write'],
] as const) {
  const lock = `${prefix}_lock`;
  const unlock = `${prefix}_unlock`;
  add({ name: lock, family, kind: 'lock', unlock, side });
  add({ name: `${lock}_nested`, family, kind: 'lock', unlock, side });
  add({ name: `${lock}_irq`, family, kind: 'lock', unlock: `${unlock}_irq`, side });
  add({ name: `${lock}_bh`, family, kind: 'lock', unlock: `${unlock}_bh`, side });
  add({ name: `${lock}_irqsave`, family, kind: 'lock', unlock: `${unlock}_irqrestore`, flagsArg: 1, side });
  add({ name: `${lock}_irqsave_nested`, family, kind: 'lock', unlock: `${unlock}_irqrestore`, flagsArg: 1, side });
  add({ name: unlock, family, kind: 'unlock', side });
  add({ name: `${unlock}_irq`, family, kind: 'unlock', side });
  add({ name: `${unlock}_bh`, family, kind: 'unlock', side });
  add({ name: `${unlock}_irqrestore`, family, kind: 'unlock', flagsArg: 1, side });
  if (family !== 'rwlock') {
    add({ name: `${prefix}_trylock`, family, kind: 'trylock', unlock });
    add({ name: `${prefix}_trylock_irq`, family, kind: 'trylock', unlock: `${unlock}_irq` });
    add({ name: `${prefix}_trylock_bh`, family, kind: 'trylock', unlock: `${unlock}_bh` });
    add({ name: `${prefix}_trylock_irqsave`, family, kind: 'trylock', unlock: `${unlock}_irqrestore`, flagsArg: 1 });
  } else {
    add({ name: `${prefix}_trylock`, family, kind: 'trylock', unlock, side });
  }
}

for (const name of ['mutex_lock', 'mutex_lock_nested', 'mutex_lock_io', 'mutex_lock_nest_lock']) {
  add({ name, family: 'mutex', kind: 'lock', unlock: 'mutex_unlock' });
}
for (const name of ['mutex_lock_interruptible', 'mutex_lock_killable', 'mutex_lock_interruptible_nested', 'mutex_lock_killable_nested']) {
  add({ name, family: 'mutex', kind: 'lock-or-error', unlock: 'mutex_unlock' });
}
add({ name: 'mutex_trylock', family: 'mutex', kind: 'trylock', unlock: 'mutex_unlock' });
add({ name: 'mutex_unlock', family: 'mutex', kind: 'unlock' });

for (const side of ['read', 'write'] as const) {
  const unlock = side === 'read' ? 'up_read' : 'up_write';
  add({ name: `down_${side}`, family: 'rwsem', kind: 'lock', unlock, side });
  add({ name: `down_${side}_nested`, family: 'rwsem', kind: 'lock', unlock, side });
  add({ name: `down_${side}_interruptible`, family: 'rwsem', kind: 'lock-or-error', unlock, side });
  add({ name: `down_${side}_killable`, family: 'rwsem', kind: 'lock-or-error', unlock, side });
  add({ name: `down_${side}_trylock`, family: 'rwsem', kind: 'trylock', unlock, side });
  add({ name: unlock, family: 'rwsem', kind: 'unlock', side });
}

add({ name: 'rcu_read_lock', family: 'rcu', kind: 'lock', unlock: 'rcu_read_unlock', noArg: true });
add({ name: 'rcu_read_unlock', family: 'rcu', kind: 'unlock', noArg: true });

export const LOCK_APIS: ReadonlyMap<string, LockApi> = new Map(apis.map((a) => [a.name, a]));

/** Cheap prefilter: a function whose text matches none of this takes and releases no lock itself. */
export const LOCK_TEXT = /lock\w*\s*\(|guard\s*\(|down_\w+\s*\(|up_(?:read|write)\s*\(/;

/** `guard(CLASS)(&lock)` / `scoped_guard(CLASS, &lock)` classes: family, side, and the call pair they stand for. */
export const GUARD_CLASSES: ReadonlyMap<string, { family: keyof typeof LOCK_FAMILIES; side?: 'read' | 'write'; lock: string }> = new Map([
  ['mutex', { family: 'mutex', lock: 'mutex_lock' }],
  ['mutex_intr', { family: 'mutex', lock: 'mutex_lock_interruptible' }],
  ['spinlock', { family: 'spin', lock: 'spin_lock' }],
  ['spinlock_irq', { family: 'spin', lock: 'spin_lock_irq' }],
  ['spinlock_irqsave', { family: 'spin', lock: 'spin_lock_irqsave' }],
  ['spinlock_bh', { family: 'spin', lock: 'spin_lock_bh' }],
  ['raw_spinlock', { family: 'raw_spin', lock: 'raw_spin_lock' }],
  ['raw_spinlock_irq', { family: 'raw_spin', lock: 'raw_spin_lock_irq' }],
  ['raw_spinlock_irqsave', { family: 'raw_spin', lock: 'raw_spin_lock_irqsave' }],
  ['read_lock', { family: 'rwlock', side: 'read', lock: 'read_lock' }],
  ['write_lock', { family: 'rwlock', side: 'write', lock: 'write_lock' }],
  ['rwsem_read', { family: 'rwsem', side: 'read', lock: 'down_read' }],
  ['rwsem_write', { family: 'rwsem', side: 'write', lock: 'down_write' }],
  ['rcu', { family: 'rcu', lock: 'rcu_read_lock' }],
]);

/** Names of driver helpers that exist to take or drop a lock for their caller. */
export const LOCK_HELPER_NAME = /(?:^|_)(?:lock|hold|acquire)(?:_(?:irq|irqsave|bh|nested|interruptible|killable))?$|^lock_/;
