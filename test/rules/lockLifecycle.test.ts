import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HEAD = `${P}struct vd { struct vfio_pci_core_device core_device; struct mutex state_mutex; spinlock_t reset_lock; };\n\n`;
const OPS = (release: string, open = 'vfio_pci_core_open_device') =>
  `\nstatic const struct vfio_device_ops vd_ops = {\n\t.name = "vd",\n\t.init = vd_init,\n\t.release = ${release},\n\t.open_device = ${open},\n\t.close_device = vfio_pci_core_close_device,\n};\n`;
const INIT = (body: string) =>
  `static int vd_init(struct vfio_device *core_vdev)\n{\n\tstruct vd *vd = container_of(core_vdev, struct vd, core_device.vdev);\n\n${body}\treturn vfio_pci_core_init_dev(core_vdev);\n}\n`;
const RESET = `\nstatic void vd_reset_done(struct pci_dev *pdev)\n{\n\tstruct vd *vd = dev_get_drvdata(&pdev->dev);\n\n\tmutex_lock(&vd->state_mutex);\n\tmutex_unlock(&vd->state_mutex);\n}\n\nstatic const struct pci_error_handlers vd_err = {\n\t.reset_done = vd_reset_done,\n};\n`;

ruleTester('lock-lifecycle', {
  valid: [
    {
      name: 'mutex_init in .init, mutex_destroy in .release through a helper',
      files: {
        'main.c': `${HEAD}${INIT('\tmutex_init(&vd->state_mutex);\n')}\nstatic void vd_teardown(struct vd *vd)\n{\n\tmutex_destroy(&vd->state_mutex);\n}\n\nstatic void vd_release(struct vfio_device *core_vdev)\n{\n\tstruct vd *vd = container_of(core_vdev, struct vd, core_device.vdev);\n\n\tvd_teardown(vd);\n\tvfio_pci_core_release_dev(core_vdev);\n}\n${OPS('vd_release')}`,
      },
    },
    {
      name: 'a spinlock needs no destroy',
      files: { 'main.c': `${HEAD}${INIT('\tspin_lock_init(&vd->reset_lock);\n')}${OPS('vfio_pci_core_release_dev')}` },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': `${HEAD}${INIT('\t/* vfio-variant: ignore lock-lifecycle -- destroyed by the core with the device */\n\tmutex_init(&vd->state_mutex);\n')}${OPS('vfio_pci_core_release_dev')}`,
      },
    },
  ],
  invalid: [
    {
      name: 'mutex_init in .init, .release is the core helper',
      files: { 'main.c': `${HEAD}${INIT('\tmutex_init(&vd->state_mutex);\n')}${OPS('vfio_pci_core_release_dev')}` },
      errors: [{ line: 9, name: 'state_mutex', message: /never calls mutex_destroy\(\)/ }],
      output: null,
    },
    {
      name: 'a lock reset takes, initialised in open_device',
      files: {
        'main.c': `${HEAD}${INIT('')}\nstatic int vd_open(struct vfio_device *core_vdev)\n{\n\tstruct vd *vd = container_of(core_vdev, struct vd, core_device.vdev);\n\n\tmutex_init(&vd->state_mutex);\n\treturn vfio_pci_core_enable(&vd->core_device);\n}\n${RESET}${OPS('vfio_pci_core_release_dev', 'vd_open')}`,
      },
      errors: [{ line: 16, name: 'state_mutex', message: /initialised in open_device \(vd_open\(\)\) but reset\/close paths take it/ }],
      output: null,
    },
  ],
});
