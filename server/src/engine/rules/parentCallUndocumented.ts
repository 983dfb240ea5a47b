import type { Rule } from './rule';

/** A call into the parent (PF) driver with no comment a reviewer can check. */
export const parentCallUndocumented: Rule = {
  meta: {
    id: 'parent-call-undocumented',
    kind: 'parent-call',
    defaultSeverity: 'warning',
    description:
      'Calls into a parent (PF) driver need a comment: what is requested, which userspace inputs reach it, why the effect stays within the assigned device.',
    docs: 'docs/rules/parent-call-undocumented.md',
    fixable: true,
  },
  check(item) {
    if (item.kind !== 'parent-call' || item.documented) return undefined;
    const how = item.evidence.kind === 'pf-lookup' ? 'reaches the SR-IOV PF of' : 'calls into the parent driver';
    return (
      `${item.call.callee}() ${how} ${item.parent} with no comment: say what is asked of ${item.parent}, ` +
      'which userspace-controlled inputs reach it and how they are validated, and why the effect stays ' +
      "within the assigned device (the parent's maintainers must sign off on this interaction)."
    );
  },
};
