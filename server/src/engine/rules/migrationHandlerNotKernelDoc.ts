import { convertPlainComment } from '../fixes/documentation';
import { fixableText, quickFix, suppressionFix } from '../fixes/edits';
import { describeHandler } from './describe';
import type { Rule } from './rule';
import { describeWiring, wiringRelated } from './wiring';

/** A handler documented with a plain comment, which scripts/kernel-doc does not read. */
export const migrationHandlerNotKernelDoc: Rule = {
  meta: {
    id: 'migration-handler-not-kernel-doc',
    type: 'documentation',
    defaultSeverity: 'information',
    description: "Handler comments should be kernel-doc (/** ... */) so that reviewers' tools and scripts/kernel-doc pick them up.",
    docs: 'docs/rules/migration-handler-not-kernel-doc.md',
    fixable: true,
  },
  create(context) {
    for (const item of context.model.handlers) {
      if (!item.documented || item.kernelDoc) continue;
      const fn = item.fn;
      context.report({
        file: item.file,
        line: fn.nameLine,
        column: fn.nameColumn,
        name: fn.name,
        item,
        anchorLine: fn.startLine,
        related: wiringRelated(item),
        message: `handler documented with a plain /* */ comment, not kernel-doc: ${fn.name}() (${describeWiring(item)})`,
      });
    }
  },
  fixes(finding, { model, settings }) {
    const item = finding.item;
    if (item?.kind !== 'migration-handler' || !item.docComment || !fixableText(item.file)) return [];
    return [
      quickFix(item.file, `Turn the comment on ${item.fn.name}() into kernel-doc`, [convertPlainComment(model, item, settings)], true),
      suppressionFix(item.file, this.meta.id, item.fn.startLine, `${item.fn.name}()`),
    ];
  },
  explain(finding) {
    return finding.item?.kind === 'migration-handler' ? describeHandler(finding.item) : '';
  },
};
