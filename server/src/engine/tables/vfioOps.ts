/**
 * vfio_device_ops as vfio-pci core expects a variant driver to fill it, as data.
 * The kernel tree's own drivers/vfio/pci/vfio_pci.c is preferred (ops-incomplete
 * reads it); this table is the fallback when no kernel tree is found (Linux 6.12).
 */

/** Where vfio-pci's own ops live in a kernel tree, and the struct they initialise. */
export const VFIO_PCI_SOURCE = 'drivers/vfio/pci/vfio_pci.c';
export const VFIO_H = 'include/linux/vfio.h';
export const DEVICE_OPS = 'vfio_device_ops';

/** The members vfio_pci_ops sets in Linux 6.12. */
export const FALLBACK_PCI_OPS_MEMBERS: readonly string[] = [
  'name',
  'init',
  'release',
  'open_device',
  'close_device',
  'ioctl',
  'device_feature',
  'read',
  'write',
  'mmap',
  'request',
  'match',
  'bind_iommufd',
  'unbind_iommufd',
  'attach_ioas',
  'detach_ioas',
];

/**
 * Members a custom implementation must chain to vfio-pci core for: any one of the
 * listed core functions, called directly or through the driver's own helpers.
 */
export const CHAIN_TO_CORE: Readonly<Record<string, readonly string[]>> = {
  init: ['vfio_pci_core_init_dev'],
  release: ['vfio_pci_core_release_dev'],
  open_device: ['vfio_pci_core_enable'],
  close_device: ['vfio_pci_core_close_device'],
};
