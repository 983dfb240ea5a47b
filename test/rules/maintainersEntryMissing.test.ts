import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

/** A kernel tree in memory: MAINTAINERS and include/linux make it one. */
const MAINTAINERS = [
  'List of maintainers',
  '',
  'Maintainers List',
  '----------------',
  '',
  'ACME ETHERNET DRIVER',
  'M:\tPf Owner <pf@acme.example>',
  'S:\tMaintained',
  'F:\tdrivers/net/acme/',
  '',
  'VFIO DRIVER',
  'M:\tVfio Maintainer <vfio@example.org>',
  'L:\tkvm@vger.kernel.org',
  'S:\tMaintained',
  'F:\tdrivers/vfio/',
  '',
  'VFIO PCI DEVICE SPECIFIC DRIVERS',
  'R:\tSome Reviewer <r@example.org>',
  'S:\tMaintained',
  'P:\tDocumentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst',
  'F:\tdrivers/vfio/pci/*/',
  '',
  'VFIO ZETA PCI DRIVER',
  'M:\tZeta <z@example.org>',
  'S:\tMaintained',
  'F:\tdrivers/vfio/pci/zeta/',
  '',
  'THE REST',
  'M:\tLinus Torvalds <torvalds@linux-foundation.org>',
  'L:\tlinux-kernel@vger.kernel.org',
  'S:\tBuried alive in reporters',
  'F:\t*',
  'F:\t*/',
  '',
].join('\n');

const DRIVER =
  `${P}static int probe(struct pci_dev *p, const struct pci_device_id *id)\n{\n\treturn 0;\n}\n\n` +
  'static struct pci_driver acme_vfio_pci_driver = {\n\t.name = "acme-vfio",\n\t.probe = probe,\n};\n';
const tree = (files: Record<string, string>, maintainers = MAINTAINERS) => ({
  'drivers/vfio/pci/acme/main.c': DRIVER,
  'include/linux/types.h': '',
  MAINTAINERS: maintainers,
  ...files,
});

ruleTester('maintainers-entry-missing', {
  valid: [
    {
      name: 'an entry with an F: pattern for the directory',
      files: tree(
        {},
        MAINTAINERS.replace('VFIO ZETA', 'VFIO ACME PCI DRIVER\nM:\tA <a@example.org>\nF:\tdrivers/vfio/pci/acme/\n\nVFIO ZETA'),
      ),
    },
    {
      name: 'a directory pattern without the trailing slash (get_maintainer.pl treats it as a directory)',
      files: tree(
        {},
        MAINTAINERS.replace('VFIO ZETA', 'VFIO ACME PCI DRIVER\nM:\tA <a@example.org>\nF:\tdrivers/vfio/pci/acme\n\nVFIO ZETA'),
      ),
    },
    {
      name: 'a glob for the files of the directory',
      files: tree(
        {},
        MAINTAINERS.replace('VFIO ZETA', 'VFIO ACME PCI DRIVER\nM:\tA <a@example.org>\nF:\tdrivers/vfio/pci/acme/*.c\n\nVFIO ZETA'),
      ),
    },
    {
      name: 'no MAINTAINERS (not in a kernel tree): nothing to say',
      files: { 'acme/main.c': DRIVER },
    },
    {
      name: 'suppressed with a reason',
      files: tree({
        'drivers/vfio/pci/acme/main.c': DRIVER.replace(
          'static struct pci_driver',
          '/* vfio-variant: ignore maintainers-entry-missing -- entry sent separately */\nstatic struct pci_driver',
        ),
      }),
      file: 'drivers/vfio/pci/acme/main.c',
    },
  ],
  invalid: [
    {
      name: 'only the catch-all vfio entries cover the directory',
      file: 'drivers/vfio/pci/acme/main.c',
      files: tree({}),
      errors: [
        {
          line: 8,
          name: 'acme_vfio_pci_driver',
          message:
            /drivers\/vfio\/pci\/acme\/ has no MAINTAINERS entry of its own \(only VFIO PCI DEVICE SPECIFIC DRIVERS, VFIO DRIVER cover it\)/,
        },
      ],
    },
    {
      name: 'an X: pattern excludes the directory from an entry that would name it',
      file: 'drivers/vfio/pci/acme/main.c',
      files: tree(
        {},
        MAINTAINERS.replace(
          'VFIO ZETA',
          'VFIO ACME PCI DRIVER\nM:\tA <a@example.org>\nF:\tdrivers/vfio/pci/acme/\nX:\tdrivers/vfio/pci/acme/\n\nVFIO ZETA',
        ),
      ),
      errors: [{ line: 8, name: 'acme_vfio_pci_driver' }],
    },
    {
      name: 'a glob that does not cross "/" is not about the directory',
      file: 'drivers/vfio/pci/acme/main.c',
      files: tree({}, MAINTAINERS.replace('VFIO ZETA', 'VFIO STAR\nM:\tA <a@example.org>\nF:\tdrivers/vfio/pci/acme*\n\nVFIO ZETA')),
      errors: [{ line: 8, name: 'acme_vfio_pci_driver' }],
    },
    {
      name: 'no struct pci_driver: the diagnostic sits on the first line of the first .c file',
      file: 'drivers/vfio/pci/acme/a.c',
      files: tree({ 'drivers/vfio/pci/acme/main.c': `${P}int x;\n`, 'drivers/vfio/pci/acme/a.c': `${P}int y;\n` }),
      errors: [{ line: 1, name: 'acme' }],
    },
  ],
});
