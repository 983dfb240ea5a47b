import type { Rule } from './rule';
import { describeWiring } from './wiring';

/** A migration state handler with no doc comment. */
export const migrationHandlerUndocumented: Rule = {
  meta: {
    id: 'migration-handler-undocumented',
    kind: 'migration-handler',
    defaultSeverity: 'warning',
    description: 'Migration and dirty-tracking handlers need kernel-doc describing the migration data they produce or consume.',
    docs: 'docs/rules/migration-handler-undocumented.md',
    fixable: true,
  },
  check(item) {
    if (item.kind !== 'migration-handler' || item.documented) return undefined;
    return (
      `${item.fn.name}() is the ${describeWiring(item)} handler and has no kernel-doc: document how the ` +
      'device state is composed and consumed, which portions are not otherwise available to the user via ' +
      'vfio-pci and which part the PF driver manages, the interface to the parent driver, and how data ' +
      'from userspace is validated.'
    );
  },
};
