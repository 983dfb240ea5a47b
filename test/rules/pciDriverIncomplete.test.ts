import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const drv = (members: string[]) =>
  `${P}static struct pci_driver foo_driver = {\n\t.name = KBUILD_MODNAME,\n\t.id_table = foo_ids,\n\t.probe = foo_probe,\n\t.remove = foo_remove,\n${members.map((m) => `\t${m}\n`).join('')}};\n`;

ruleTester('pci-driver-incomplete', {
  valid: [
    {
      name: 'core error handlers and driver-managed DMA',
      files: { 'main.c': drv(['.err_handler = &vfio_pci_core_err_handlers,', '.driver_managed_dma = true,']) },
    },
    {
      name: "the driver's own error handlers",
      files: { 'main.c': drv(['.driver_managed_dma = true,', '.err_handler = &foo_err_handlers,']) },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': `${P}/* vfio-variant: ignore pci-driver-incomplete -- test */\nstatic struct pci_driver foo_driver = {\n\t.name = "x",\n};\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'no driver_managed_dma',
      files: { 'main.c': drv(['.err_handler = &vfio_pci_core_err_handlers,']) },
      errors: [{ line: 3, name: 'foo_driver', message: /driver_managed_dma = true/ }],
      output: drv(['.err_handler = &vfio_pci_core_err_handlers,', '.driver_managed_dma = true,']),
    },
    {
      name: 'driver_managed_dma = false',
      files: { 'main.c': drv(['.err_handler = &vfio_pci_core_err_handlers,', '.driver_managed_dma = false,']) },
      errors: [{ line: 3, name: 'foo_driver' }],
      output: null,
    },
    {
      name: 'no err_handler',
      files: { 'main.c': drv(['.driver_managed_dma = true,']) },
      errors: [{ line: 3, name: 'foo_driver', message: /no \.err_handler/ }],
      output: drv(['.driver_managed_dma = true,', '.err_handler = &vfio_pci_core_err_handlers,']),
    },
  ],
});
