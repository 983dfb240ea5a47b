import type { Rule } from './rule';

/** The driver implements vfio_migration_ops but no DOC: block addresses the acceptance questions. */
export const migrationOverviewMissing: Rule = {
  meta: {
    id: 'migration-overview-missing',
    kind: 'driver',
    defaultSeverity: 'warning',
    description:
      'A driver with migration support needs a DOC: kernel-doc overview of its migration data that addresses the acceptance questions.',
    docs: 'docs/rules/migration-overview-missing.md',
    fixable: true,
  },
  check(item) {
    if (item.kind !== 'driver' || item.topic !== 'overview' || item.documented) return undefined;
    const missing = item.questions.filter((q) => q.state === 'missing').map((q) => q.title);
    const what =
      item.docBlockCount === 0
        ? 'has no DOC: block describing its migration data'
        : `has DOC: blocks that do not address: ${missing.join('; ')}`;
    return (
      `The driver implements vfio_migration_ops (${item.opsVariable}) but ${what}. Reviewers want one overview ` +
      'of how the device state is composed and consumed, what is hidden from the user and managed by the PF driver, ' +
      'the interface to the parent driver, and how userspace data is validated.'
    );
  },
};
