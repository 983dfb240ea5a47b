/**
 * Memory and reference tables, kept as data in one place: which allocator a free
 * matches, which kernel APIs return ERR_PTR() on failure (never NULL), and which
 * calls acquire a reference that a release must drop. Read by flow/pointers.ts and
 * the memory rules (err-ptr-checked-as-null, use-after-free, free-mismatch,
 * leak-on-error-path, double-free-via-release).
 */

/** Allocator families: what an allocation must be freed with. */
export type AllocFamily = 'kmalloc' | 'vmalloc' | 'kvmalloc' | 'bitmap' | 'devm' | 'pages' | 'kmem_cache';

/** Allocators by family. `devm_*` memory is freed by the driver core at unbind. */
export const ALLOCATORS: Readonly<Record<string, AllocFamily>> = {
  kmalloc: 'kmalloc',
  kzalloc: 'kmalloc',
  kcalloc: 'kmalloc',
  kmalloc_array: 'kmalloc',
  krealloc: 'kmalloc',
  krealloc_array: 'kmalloc',
  kmemdup: 'kmalloc',
  kstrdup: 'kmalloc',
  kstrndup: 'kmalloc',
  kasprintf: 'kmalloc',
  kmalloc_node: 'kmalloc',
  kzalloc_node: 'kmalloc',
  kcalloc_node: 'kmalloc',
  kmalloc_array_node: 'kmalloc',
  vmalloc: 'vmalloc',
  vzalloc: 'vmalloc',
  vcalloc: 'vmalloc',
  vmalloc_array: 'vmalloc',
  vmalloc_user: 'vmalloc',
  vmalloc_node: 'vmalloc',
  vzalloc_node: 'vmalloc',
  kvmalloc: 'kvmalloc',
  kvzalloc: 'kvmalloc',
  kvcalloc: 'kvmalloc',
  kvmalloc_array: 'kvmalloc',
  kvmalloc_node: 'kvmalloc',
  kvzalloc_node: 'kvmalloc',
  kvrealloc: 'kvmalloc',
  kvmemdup: 'kvmalloc',
  bitmap_alloc: 'bitmap',
  bitmap_zalloc: 'bitmap',
  bitmap_alloc_node: 'bitmap',
  bitmap_zalloc_node: 'bitmap',
  devm_kmalloc: 'devm',
  devm_kzalloc: 'devm',
  devm_kcalloc: 'devm',
  devm_kmalloc_array: 'devm',
  devm_kstrdup: 'devm',
  devm_kasprintf: 'devm',
  devm_kmemdup: 'devm',
  devm_bitmap_zalloc: 'devm',
  devm_bitmap_alloc: 'devm',
  alloc_pages: 'pages',
  alloc_page: 'pages',
  kmem_cache_alloc: 'kmem_cache',
  kmem_cache_zalloc: 'kmem_cache',
};

/**
 * Frees, with the families each one may be given without going wrong at run time
 * (kvfree() takes kmalloc and vmalloc memory; bitmap_free() is kfree()).
 */
export const FREES: Readonly<Record<string, readonly AllocFamily[]>> = {
  kfree: ['kmalloc', 'bitmap'],
  kfree_sensitive: ['kmalloc', 'bitmap'],
  kvfree: ['kmalloc', 'vmalloc', 'kvmalloc', 'bitmap'],
  kvfree_sensitive: ['kmalloc', 'vmalloc', 'kvmalloc', 'bitmap'],
  vfree: ['vmalloc'],
  bitmap_free: ['bitmap', 'kmalloc'],
  devm_kfree: ['devm'],
  __free_pages: ['pages'],
  kmem_cache_free: ['kmem_cache'],
};

/** The free that matches each family (the quick fix of free-mismatch). */
export const MATCHING_FREE: Readonly<Record<AllocFamily, string>> = {
  kmalloc: 'kfree',
  vmalloc: 'vfree',
  kvmalloc: 'kvfree',
  bitmap: 'bitmap_free',
  devm: 'devm_kfree',
  pages: '__free_pages',
  kmem_cache: 'kmem_cache_free',
};

/** Frees whose first argument is the pointer (kmem_cache_free takes it second). */
export function freedArgIndex(free: string): number {
  return free === 'kmem_cache_free' || free === 'devm_kfree' ? 1 : 0;
}

/** Calls that free the memory their pointer argument points to (not families: any of these ends the object's life). */
export function isFree(callee: string): boolean {
  return Object.prototype.hasOwnProperty.call(FREES, callee);
}

export function allocFamily(callee: string): AllocFamily | undefined {
  return Object.prototype.hasOwnProperty.call(ALLOCATORS, callee) ? ALLOCATORS[callee] : undefined;
}

/**
 * Kernel APIs that return ERR_PTR() on failure and never NULL: their result must be
 * tested with IS_ERR(), a NULL test never fires.
 */
export const ERR_PTR_APIS: ReadonlySet<string> = new Set([
  'anon_inode_getfile',
  'anon_inode_getfile_fmode',
  'anon_inode_create_getfile',
  'memdup_user',
  'vmemdup_user',
  'memdup_user_nul',
  'strndup_user',
  'kthread_create',
  'kthread_run',
  'kthread_create_on_node',
  'devm_ioremap_resource',
  'devm_platform_ioremap_resource',
  'dma_buf_export',
  'dma_buf_get',
  'dma_buf_attach',
  'dma_buf_dynamic_attach',
  'debugfs_create_dir',
  'debugfs_create_file',
  'device_create',
  'class_create',
  'filp_open',
  'file_open_root',
  'crypto_alloc_shash',
  'crypto_alloc_ahash',
  'crypto_alloc_skcipher',
  'iommufd_access_create',
  'iommufd_device_bind',
  'iommufd_ctx_from_file',
  'iommufd_ctx_from_fd',
  'eventfd_ctx_fdget',
  'eventfd_ctx_fileget',
  'devm_clk_get',
  'devm_regulator_get',
  'devm_reset_control_get',
  'syscon_regmap_lookup_by_phandle',
  'devm_regmap_init_mmio',
]);

/** Macros that turn a value into an ERR_PTR or test one. */
export const ERR_CHECKS: ReadonlySet<string> = new Set(['IS_ERR', 'IS_ERR_OR_NULL', 'PTR_ERR_OR_ZERO']);

/**
 * Acquire/release pairs: a call returning a reference the caller must drop with the
 * release named here (refcounted objects, not memory).
 */
export const ACQUIRES: Readonly<Record<string, string>> = {
  debugfs_lookup: 'dput',
  pci_get_device: 'pci_dev_put',
  pci_get_slot: 'pci_dev_put',
  pci_get_domain_bus_and_slot: 'pci_dev_put',
  pci_get_class: 'pci_dev_put',
  pci_dev_get: 'pci_dev_put',
  get_file: 'fput',
  fget: 'fput',
  get_device: 'put_device',
  kobject_get: 'kobject_put',
  eventfd_ctx_fdget: 'eventfd_ctx_put',
  eventfd_ctx_fileget: 'eventfd_ctx_put',
  dma_buf_get: 'dma_buf_put',
  of_node_get: 'of_node_put',
  get_task_struct: 'put_task_struct',
  get_pid_task: 'put_task_struct',
  mmget_not_zero: 'mmput',
  get_task_mm: 'mmput',
};

/** Releases that drop a reference (also kernel "put" functions not paired above). */
export const RELEASES: ReadonlySet<string> = new Set(Object.values(ACQUIRES));

/**
 * Calls that only look at a pointer and never take ownership of it: passing an
 * allocation or reference to them does not make it someone else's to release.
 * Anything else a pointer is passed to is assumed to take it over.
 */
export const BORROWS =
  /^(?:mem(?:cpy|set|move|cmp)|str(?:n?cpy|s?cmp|len|lcpy|scpy)|copy_(?:from|to)_user|sizeof|dev_(?:err|warn|info|dbg|notice)|pr_(?:err|warn|info|debug|notice)|printk|debugfs_create_\w+|seq_\w+|sprintf|snprintf|scnprintf|min|max|WARN_ON|WARN_ON_ONCE|bitmap_(?:zero|set|clear|fill|copy|weight)|is_vmalloc_addr|vmalloc_to_page|virt_to_page|offset_in_page|READ_ONCE|WRITE_ONCE|IS_ERR|IS_ERR_OR_NULL|PTR_ERR|likely|unlikely)$/;
