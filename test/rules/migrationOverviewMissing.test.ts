import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const HANDLERS = 'static int get_state(struct vfio_device *v, int *s)\n{\n\treturn 0;\n}\n';
const OPS = 'static const struct vfio_migration_ops acme_mig_ops = {\n\t.migration_get_state = get_state,\n};\n';
const doc = (body: string) =>
  `/**\n * DOC: acme migration\n *\n${body
    .split('\n')
    .map((l) => (l ? ` * ${l}` : ' *'))
    .join('\n')}\n */\n`;

ruleTester('migration-overview-missing', {
  valid: [
    {
      name: 'a DOC: block answering every question under its heading',
      files: {
        'main.c':
          P +
          HANDLERS +
          doc(
            'State composition: a 64-byte header, then the register file.\n\nNot visible via vfio-pci: ' +
              'the queue contexts, which the PF firmware owns.\n\nParent interface: acme_pf_mig_*() mailbox commands.\n\n' +
              'Validation: the header magic and length are checked before anything reaches the PF.',
          ) +
          OPS,
      },
    },
    {
      name: 'a DOC: block answering in prose (keywords)',
      files: {
        'main.c':
          P +
          HANDLERS +
          OPS +
          doc(
            'The saved device state consists of a header and the queue records; resume consumes them in order.\n\n' +
              'The queue contexts are internal to the device and managed by the PF.\n\nThe PF driver exposes a mailbox command interface for save and load.\n\n' +
              'The resume path validates the header version and length of the user data before use.',
          ),
      },
    },
    {
      name: 'no migration ops: nothing to document',
      files: { 'main.c': P + HANDLERS + 'static const struct vfio_log_ops log_ops = {\n\t.log_start = get_state,\n};\n' },
    },
    {
      name: 'the DOC: block may sit in another file of the driver',
      file: 'main.c',
      files: {
        'main.c': P + HANDLERS + OPS,
        'doc.h': doc(
          'State composition: a header and a register dump.\nNot visible via vfio-pci: shadow registers kept by the PF.\n' +
            'Parent interface: mailbox commands to the PF.\nValidation: the header is checked against the device.',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'no DOC: block at all; a handler comment does not count as the overview',
      files: { 'main.c': `${P}/**\n * get_state() - state\n * @v: dev\n * @s: out\n *\n * Return: 0\n */\n${HANDLERS}${OPS}` },
      errors: [{ line: 14, name: 'acme_mig_ops', message: /implements vfio_migration_ops \(acme_mig_ops\) but has no DOC: block/ }],
    },
    {
      name: 'a DOC: block that leaves questions out',
      files: { 'main.c': P + HANDLERS + doc('State composition: a header and a register dump, consumed in order on resume.') + OPS },
      errors: [
        {
          line: 12,
          name: 'acme_mig_ops',
          message:
            /do not address: Hidden from the user \/ managed by the PF; Interface to the parent driver; Validation of userspace data/,
        },
      ],
    },
    {
      name: 'the ops declaration split over two lines',
      files: {
        'main.c': `${P}${HANDLERS}static const struct vfio_migration_ops\nacme_mig_ops = {\n\t.migration_get_state = get_state,\n};\n`,
      },
      errors: [{ line: 8, name: 'acme_mig_ops' }],
    },
  ],
});
