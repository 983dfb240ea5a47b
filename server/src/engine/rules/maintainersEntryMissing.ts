import { declarationStart } from '../model/driverChecks';
import { maintainersEdit } from '../fixes/driverFixes';
import { quickFix, suppressionFix } from '../fixes/edits';
import type { Rule } from './rule';

/** The driver directory sits in a kernel tree but no MAINTAINERS entry names it. */
export const maintainersEntryMissing: Rule = {
  meta: {
    id: 'maintainers-entry-missing',
    type: 'documentation',
    defaultSeverity: 'warning',
    description:
      'A variant driver needs a MAINTAINERS entry of its own (an F: pattern for its directory), so that patches reach its maintainers.',
    docs: 'docs/rules/maintainers-entry-missing.md',
    fixable: true,
  },
  create(context) {
    for (const item of context.model.driverItems ?? []) {
      if (item.topic !== 'maintainers' || item.documented) continue;
      const covering = item.covering.filter((m) => m.depth > 0).map((m) => m.entry.title);
      const only = covering.length ? ` (only ${covering.slice(0, 3).join(', ')}${covering.length > 3 ? ', ...' : ''} cover it)` : '';
      context.report({
        file: item.file,
        line: item.line,
        column: item.column,
        name: item.name,
        item,
        anchorLine: declarationStart(item.file, item.line),
        message: `${item.relDir}/ has no MAINTAINERS entry of its own${only}`,
      });
    }
  },
  fixes(finding) {
    const item = finding.item;
    if (item?.kind !== 'driver' || item.topic !== 'maintainers') return [];
    const { edit, line } = maintainersEdit(item);
    const fixes = [
      quickFix(item.file, `Add a MAINTAINERS entry "${item.suggestedTitle}" for ${item.relDir}/`, [edit], true, {
        path: item.maintainers.path,
        line,
      }),
    ];
    // An anchor at 0:0 is the first line of a driver without a pci_driver: nothing to put a comment on.
    if (item.line > 0 || item.column > 0) fixes.push(suppressionFix(item.file, this.meta.id, finding.anchorLine, item.relDir));
    return fixes;
  },
  explain() {
    return (
      "**MAINTAINERS entry of the driver**\n\nget_maintainer.pl sends a driver's patches to the people its MAINTAINERS " +
      'entries name; a variant driver without an entry of its own reaches only the VFIO maintainers.'
    );
  },
};
