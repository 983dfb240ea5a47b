import { declarationStart } from '../model/driverChecks';
import { overviewEdit } from '../fixes/driverFixes';
import { quickFix, suppressionFix } from '../fixes/edits';
import type { Rule } from './rule';

/** The driver implements vfio_migration_ops but no DOC: block addresses the acceptance questions. */
export const migrationOverviewMissing: Rule = {
  meta: {
    id: 'migration-overview-missing',
    type: 'documentation',
    defaultSeverity: 'warning',
    description:
      'A driver with migration support needs a DOC: kernel-doc overview of its migration data that addresses the acceptance questions.',
    docs: 'docs/rules/migration-overview-missing.md',
    fixable: true,
  },
  create(context) {
    for (const item of context.model.driverItems ?? []) {
      if (item.topic !== 'overview' || item.documented) continue;
      const missing = item.questions.filter((q) => q.state === 'missing').map((q) => q.title);
      const what =
        item.docBlockCount === 0
          ? 'has no DOC: block describing its migration data'
          : `has DOC: blocks that do not address: ${missing.join('; ')}`;
      context.report({
        file: item.file,
        line: item.line,
        column: item.column,
        name: item.name,
        item,
        anchorLine: declarationStart(item.file, item.line),
        message: `driver implements vfio_migration_ops (${item.opsVariable}) but ${what}`,
      });
    }
  },
  fixes(finding, { model }) {
    const item = finding.item;
    if (item?.kind !== 'driver' || item.topic !== 'overview') return [];
    return [
      quickFix(item.file, `Insert a DOC: migration overview above ${item.opsVariable}`, [overviewEdit(model, item)], true),
      suppressionFix(item.file, this.meta.id, finding.anchorLine, item.opsVariable),
    ];
  },
  explain() {
    return (
      '**Migration overview (`DOC:`)**\n\nThe acceptance document asks that migration data be documented: how the device ' +
      'state is composed and consumed, which portions are not otherwise available to the user via vfio-pci (and which ' +
      'part the PF driver manages), the interface that manages it, and what validates data coming from userspace.'
    );
  },
};
