import type { Rule } from './rule';
import { describeWiring } from './wiring';

/** A handler documented with a plain comment, which scripts/kernel-doc does not read. */
export const migrationHandlerNotKernelDoc: Rule = {
  meta: {
    id: 'migration-handler-not-kernel-doc',
    kind: 'migration-handler',
    defaultSeverity: 'information',
    description: "Handler comments should be kernel-doc (/** ... */) so that reviewers' tools and scripts/kernel-doc pick them up.",
    docs: 'docs/rules/migration-handler-not-kernel-doc.md',
    fixable: true,
  },
  check(item) {
    if (item.kind !== 'migration-handler' || !item.documented || item.kernelDoc) return undefined;
    return (
      `${item.fn.name}() (${describeWiring(item)}) is documented with a plain /* */ comment; ` +
      'make it kernel-doc (/** */) so that reviewers and scripts/kernel-doc read it.'
    );
  },
};
