import { commentsAbove } from '../model/sourceFile';
import { commentLineFor, functionDocEdit, statementCommentEdit } from '../fixes/documentation';
import { quickFix, fixableText, suppressionFix } from '../fixes/edits';
import { describeParentCall } from './describe';
import type { ParentCallItem } from '../model/driver';
import type { Rule } from './rule';

/** A call into the parent (PF) driver with no comment a reviewer can check. */
export const parentCallUndocumented: Rule = {
  meta: {
    id: 'parent-call-undocumented',
    type: 'documentation',
    defaultSeverity: 'warning',
    description:
      'Calls into a parent (PF) driver need a comment: what is requested, which userspace inputs reach it, why the effect stays within the assigned device.',
    docs: 'docs/rules/parent-call-undocumented.md',
    fixable: true,
  },
  create(context) {
    for (const item of context.model.parentCalls) {
      const c = item.call;
      const at = {
        file: item.file,
        line: c.line,
        column: c.column,
        endColumn: c.column + (item.span ?? c.callee.length),
        name: c.callee,
        item,
        anchorLine: commentLineFor(item),
      };
      if (item.documented) {
        context.pass({ ...at, message: `${shown(item)} calls into ${item.parent}; documented.` });
        continue;
      }
      const how =
        item.evidence.kind === 'pf-lookup'
          ? 'reaches the SR-IOV PF of'
          : item.pointer
            ? `is called through ${item.pointer.expression}() and calls into the parent driver`
            : item.entry
              ? `fills .${item.entry.member} of ${item.entry.table}, a table of calls into the parent driver`
              : 'calls into the parent driver';
      context.report({
        ...at,
        message:
          `${shown(item)} ${how} ${item.parent} with no comment: say what is asked of ${item.parent}, ` +
          'which userspace-controlled inputs reach it and how they are validated, and why the effect stays ' +
          "within the assigned device (the parent's maintainers must sign off on this interaction).",
      });
    }
  },
  fixes(finding, { model, settings }) {
    const item = finding.item;
    if (item?.kind !== 'parent-call' || !fixableText(item.file)) return [];
    const file = item.file;
    const fixes = [
      quickFix(file, `Document the call to ${item.call.callee}() (${item.parent})`, [statementCommentEdit(model, item, settings)], true),
    ];
    const fn = item.fn;
    if (fn && commentsAbove(file, fn.startLine).length === 0) {
      const { edit, count } = functionDocEdit(model, file, fn, settings);
      fixes.push(quickFix(file, `Document all ${count} parent call(s) in ${fn.name}() with kernel-doc`, [edit]));
    }
    fixes.push(suppressionFix(file, this.meta.id, commentLineFor(item), 'this statement'));
    return fixes;
  },
  explain(finding) {
    return finding.item?.kind === 'parent-call' ? describeParentCall(finding.item) : '';
  },
};

/** How messages name the interaction: `callee()`, or the `->physfn` field read. */
function shown(item: ParentCallItem): string {
  return item.call.callee === 'physfn' && item.evidence.kind === 'pf-lookup' ? '->physfn' : `${item.call.callee}()`;
}
