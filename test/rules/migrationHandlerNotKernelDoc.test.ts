import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const wire = (fn: string) => `static const struct vfio_migration_ops ops = {\n\t.migration_get_state = ${fn},\n};\n`;

ruleTester('migration-handler-not-kernel-doc', {
  valid: [
    {
      name: 'kernel-doc comment',
      files: {
        'main.c': `${P}/**\n * get_state() - report\n * @v: dev\n *\n * Return: 0\n */\nstatic int get_state(struct vfio_device *v)\n{\n\treturn 0;\n}\n${wire('get_state')}`,
      },
    },
    {
      name: "no comment at all is the other rule's business",
      files: { 'main.c': `${P}static int get_state(struct vfio_device *v)\n{\n\treturn 0;\n}\n${wire('get_state')}` },
    },
  ],
  invalid: [
    {
      name: 'a plain block comment',
      files: {
        'main.c': `${P}/*\n * Reports the state.\n * Caller holds state_mutex.\n */\nstatic int get_state(struct vfio_device *v)\n{\n\treturn 0;\n}\n${wire('get_state')}`,
      },
      errors: [{ line: 7, name: 'get_state', message: /plain/ }],
    },
    {
      name: 'a line comment',
      files: {
        'main.c': `${P}// Reports the state.\nstatic int get_state(struct vfio_device *v)\n{\n\treturn 0;\n}\n${wire('get_state')}`,
      },
      errors: [{ line: 4, name: 'get_state' }],
    },
  ],
});
