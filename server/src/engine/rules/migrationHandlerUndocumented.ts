import { handlerDocEdit } from '../fixes/documentation';
import { fixableText, quickFix, suppressionFix } from '../fixes/edits';
import { describeHandler } from './describe';
import type { Rule } from './rule';
import { describeWiring, wiringRelated } from './wiring';

/** A migration state handler with no doc comment. */
export const migrationHandlerUndocumented: Rule = {
  meta: {
    id: 'migration-handler-undocumented',
    type: 'documentation',
    defaultSeverity: 'warning',
    description: 'Migration and dirty-tracking handlers need kernel-doc describing the migration data they produce or consume.',
    docs: 'docs/rules/migration-handler-undocumented.md',
    fixable: true,
  },
  create(context) {
    for (const item of context.model.handlers) {
      const fn = item.fn;
      const at = { file: item.file, line: fn.nameLine, column: fn.nameColumn, name: fn.name, item, anchorLine: fn.startLine };
      const related = wiringRelated(item);
      if (item.documented) {
        context.pass({ ...at, related, message: `${fn.name}() is a migration handler; documented.` });
        continue;
      }
      context.report({
        ...at,
        related,
        message: `migration handler without kernel-doc: ${fn.name}() (${describeWiring(item)})`,
      });
    }
  },
  fixes(finding, { model, settings }) {
    const item = finding.item;
    if (item?.kind !== 'migration-handler' || !fixableText(item.file)) return [];
    return [
      quickFix(item.file, `Insert kernel-doc for ${item.fn.name}() (migration handler)`, [handlerDocEdit(model, item, settings)], true),
      suppressionFix(item.file, this.meta.id, item.fn.startLine, `${item.fn.name}()`),
    ];
  },
  explain(finding) {
    return finding.item?.kind === 'migration-handler' ? describeHandler(finding.item) : '';
  },
};
