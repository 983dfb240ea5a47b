/**
 * Calls that may sleep, and so must not run in atomic context (under a spinlock, an
 * rwlock, or in an RCU read-side section). Sleeping locks and user-memory accessors
 * come from tables/locks.ts and tables/userspace.ts.
 */
import { LOCK_APIS, LOCK_FAMILIES } from './locks';
import { USER_COPY_APIS } from './userspace';

/** Always sleep (or may: might_sleep() on entry). */
const ALWAYS = [
  'msleep',
  'msleep_interruptible',
  'ssleep',
  'usleep_range',
  'usleep_range_state',
  'fsleep',
  'schedule',
  'schedule_timeout',
  'schedule_timeout_interruptible',
  'schedule_timeout_uninterruptible',
  'schedule_timeout_killable',
  'cond_resched',
  'might_sleep',
  'wait_for_completion',
  'wait_for_completion_timeout',
  'wait_for_completion_interruptible',
  'wait_for_completion_interruptible_timeout',
  'wait_for_completion_killable',
  'wait_for_completion_killable_timeout',
  'wait_for_completion_io',
  'wait_event',
  'wait_event_timeout',
  'wait_event_interruptible',
  'wait_event_interruptible_timeout',
  'wait_event_killable',
  'wait_event_idle',
  'wait_on_bit',
  'flush_work',
  'flush_delayed_work',
  'cancel_work_sync',
  'cancel_delayed_work_sync',
  'flush_workqueue',
  'drain_workqueue',
  'destroy_workqueue',
  'synchronize_rcu',
  'synchronize_srcu',
  'synchronize_irq',
  'vmalloc',
  'vzalloc',
  'vmalloc_array',
  'vcalloc',
  'vmap',
  'vunmap',
  'request_irq',
  'request_threaded_irq',
  'free_irq',
  'pci_alloc_irq_vectors',
  'pci_free_irq_vectors',
  'firmware_request_nowarn',
  'request_firmware',
];

/** Allocators that sleep when their gfp argument allows direct reclaim: index of that argument. */
export const GFP_ALLOCATORS: ReadonlyMap<string, number> = new Map([
  ['kmalloc', 1],
  ['kzalloc', 1],
  ['kmalloc_node', 1],
  ['kzalloc_node', 1],
  ['kcalloc', 2],
  ['kmalloc_array', 2],
  ['krealloc', 2],
  ['krealloc_array', 3],
  ['kvmalloc', 1],
  ['kvzalloc', 1],
  ['kvcalloc', 2],
  ['kvmalloc_array', 2],
  ['kmemdup', 2],
  ['kstrdup', 1],
  ['kasprintf', 0],
  ['alloc_page', 0],
  ['alloc_pages', 0],
  ['__get_free_page', 0],
  ['__get_free_pages', 0],
  ['get_zeroed_page', 0],
  ['dma_alloc_coherent', 3],
  ['dma_alloc_attrs', 3],
  ['dma_pool_alloc', 1],
  ['dma_pool_zalloc', 1],
  ['kmem_cache_alloc', 1],
  ['kmem_cache_zalloc', 1],
  ['mempool_alloc', 1],
  ['sg_alloc_table', 2],
  ['sg_alloc_append_table_from_pages', 7],
  ['idr_alloc', 4],
  ['idr_alloc_cyclic', 4],
  ['xa_store', 3],
  ['xa_alloc', 4],
  ['xa_insert', 3],
  ['alloc_workqueue', -1],
]);

/** gfp flags that allow direct reclaim, i.e. sleeping. */
export const SLEEPING_GFP =
  /\b(?:GFP_KERNEL(?:_ACCOUNT)?|GFP_NOFS|GFP_NOIO|GFP_USER|GFP_HIGHUSER(?:_MOVABLE)?|__GFP_DIRECT_RECLAIM|__GFP_RECLAIM)\b/;

const ALWAYS_SET = new Set(ALWAYS);

/**
 * Whether a call with these argument texts may sleep; the reason (`mutex_lock() sleeps`,
 * `GFP_KERNEL allocation`) when it does.
 */
export function sleepingCall(callee: string, args: readonly string[]): string | undefined {
  if (ALWAYS_SET.has(callee)) return `${callee}() may sleep`;
  const lock = LOCK_APIS.get(callee);
  if (lock && lock.kind !== 'unlock' && lock.kind !== 'trylock' && LOCK_FAMILIES[lock.family].sleeps) return `${callee}() may sleep`;
  if (USER_COPY_APIS.has(callee)) return `${callee}() may fault and sleep`;
  const gfp = GFP_ALLOCATORS.get(callee);
  if (gfp !== undefined) {
    if (gfp < 0) return `${callee}() may sleep`;
    const flags = args[gfp];
    if (flags && SLEEPING_GFP.test(flags)) return `${callee}(${flags.replace(/\s+/g, ' ')}) may sleep`;
  }
  return undefined;
}

/** Cheap prefilter for functions that take an atomic lock. */
export const ATOMIC_LOCK_TEXT =
  /spin_lock|spin_trylock|read_lock|write_lock|rcu_read_lock|guard\s*\(\s*(?:spinlock|raw_spinlock|rcu|read_lock|write_lock)/;
