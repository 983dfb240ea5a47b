import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const FULL = [
  '\t.name = "foo",',
  '\t.init = vfio_pci_core_init_dev,',
  '\t.release = vfio_pci_core_release_dev,',
  '\t.open_device = foo_open,',
  '\t.close_device = vfio_pci_core_close_device,',
  '\t.ioctl = vfio_pci_core_ioctl,',
  '\t.device_feature = vfio_pci_core_ioctl_feature,',
  '\t.read = vfio_pci_core_read,',
  '\t.write = vfio_pci_core_write,',
  '\t.mmap = vfio_pci_core_mmap,',
  '\t.request = vfio_pci_core_request,',
  '\t.match = vfio_pci_core_match,',
  '\t.bind_iommufd = vfio_iommufd_physical_bind,',
  '\t.unbind_iommufd = vfio_iommufd_physical_unbind,',
  '\t.attach_ioas = vfio_iommufd_physical_attach_ioas,',
  '\t.detach_ioas = vfio_iommufd_physical_detach_ioas,',
];
const OPEN =
  'static int foo_open(struct vfio_device *core_vdev)\n{\n\treturn foo_enable(core_vdev);\n}\nstatic int foo_enable(struct vfio_device *v)\n{\n\tint ret = vfio_pci_core_enable(v);\n\n\tif (!ret)\n\t\tvfio_pci_core_finish_enable(v);\n\treturn ret;\n}\n';
const ops = (members: string[]) => `static const struct vfio_device_ops foo_ops = {\n${members.join('\n')}\n};\n`;
const without = (...names: string[]) => FULL.filter((l) => !names.some((n) => l.startsWith(`\t.${n} `)));

/** A kernel tree whose vfio-pci sets a member newer than 6.12. */
const TREE = {
  MAINTAINERS: 'VFIO DRIVER\nF:\tdrivers/vfio/\n',
  'include/linux/vfio.h':
    'struct vfio_device_ops {\n\tchar *name;\n\tint (*init)(void);\n\tint (*match_token_uuid)(void);\n\tint (*detach_ioas)(void);\n};\n',
  'drivers/vfio/pci/vfio_pci.c':
    'static const struct vfio_device_ops vfio_pci_ops = {\n\t.name = "vfio-pci",\n\t.init = vfio_pci_core_init_dev,\n\t.detach_ioas = vfio_iommufd_physical_detach_ioas,\n\t.match_token_uuid = vfio_pci_core_match_token_uuid,\n\t.not_in_header = x,\n};\n',
};

ruleTester('ops-incomplete', {
  valid: [
    {
      name: 'every member of vfio-pci 6.12 (built-in list), open_device chains through a helper',
      files: { 'main.c': `${P}${OPEN}${ops(FULL)}` },
    },
    {
      name: 'the kernel tree decides: its vfio_pci_ops sets only some members',
      files: {
        'drivers/vfio/pci/foo/main.c': `${P}${ops(['\t.name = "foo",', '\t.init = vfio_pci_core_init_dev,', '\t.detach_ioas = d,', '\t.match_token_uuid = m,'])}`,
        ...TREE,
      },
    },
    {
      name: 'a custom release that calls vfio_pci_core_release_dev()',
      files: {
        'main.c': `${P}${OPEN}static void foo_release(struct vfio_device *v)\n{\n\tkfree(v->priv);\n\tvfio_pci_core_release_dev(v);\n}\n${ops([...without('release'), '\t.release = foo_release,'])}`,
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': `${P}${OPEN}/* vfio-variant: ignore ops-incomplete -- no iommufd on this platform */\n${ops(without('detach_ioas'))}`,
      },
    },
  ],
  invalid: [
    {
      name: 'no .detach_ioas (built-in list, no kernel tree)',
      files: { 'main.c': `${P}${OPEN}${ops(without('detach_ioas'))}` },
      errors: [{ line: 15, name: 'foo_ops', message: /does not set \.detach_ioas.*built-in Linux 6\.12 list/ }],
      output: null,
    },
    {
      name: "the tree's vfio-pci sets .match_token_uuid, the variant does not",
      files: {
        'drivers/vfio/pci/foo/main.c': `${P}${ops(['\t.name = "foo",', '\t.init = vfio_pci_core_init_dev,', '\t.detach_ioas = d,'])}`,
        ...TREE,
      },
      errors: [{ line: 3, name: 'foo_ops', message: /does not set \.match_token_uuid, which vfio_pci_ops in this tree/ }],
      output: null,
    },
    {
      name: 'a custom release that never calls vfio_pci_core_release_dev()',
      files: {
        'main.c': `${P}${OPEN}static void foo_release(struct vfio_device *v)\n{\n\tkfree(v->priv);\n}\n${ops([...without('release'), '\t.release = foo_release,'])}`,
      },
      errors: [{ line: 35, name: 'foo_release', message: /never calls vfio_pci_core_release_dev\(\)/ }],
      output: null,
    },
  ],
});
