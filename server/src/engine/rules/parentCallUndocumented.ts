import type { ParentCallItem } from '../model/driver';
import type { FunctionFact } from '../model/facts';
import { commentsAbove, isSuppression, type SourceFile } from '../model/sourceFile';
import { commentLineFor, functionDocEdit, open, pendingCallsIn, statementCommentEdit } from '../fixes/documentation';
import { fixableText, quickFix, suppressionFix, type TextEdit } from '../fixes/edits';
import { describeParentCall } from './describe';
import type { Finding } from './finding';
import type { Rule } from './rule';

const ID = 'parent-call-undocumented';

/** What a function's own doc comment says: nothing, or text that names the parent but not these callees. */
function functionDocOf(file: SourceFile, fn: FunctionFact): { kernelDoc: boolean } | undefined {
  return commentsAbove(file, fn.startLine).find((c) => !isSuppression(c));
}

function what(item: ParentCallItem): string {
  return item.evidence.kind === 'pf-lookup' ? `SR-IOV PF lookup (${item.parent})` : `call into parent driver ${item.parent}`;
}

/** How a call that is not a plain call reaches the parent: through a table's pointer, or as a table entry. */
function through(item: ParentCallItem): string {
  if (item.pointer) return ` through ${item.pointer.expression}()`;
  if (item.entry) return ` in .${item.entry.member} of table ${item.entry.table}`;
  return '';
}

function callees(items: ParentCallItem[]): string {
  const names = [...new Set(items.map((c) => shown(c)))];
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
}

/** A call into the parent (PF) driver with no comment a reviewer can check. */
export const parentCallUndocumented: Rule = {
  meta: {
    id: ID,
    type: 'documentation',
    defaultSeverity: 'warning',
    description:
      'Calls into a parent (PF) driver need a comment: what is requested, which userspace inputs reach it, why the effect stays within the assigned device.',
    docs: 'docs/rules/parent-call-undocumented.md',
    fixable: true,
  },
  create(context) {
    const perFunction = context.settings.parentCallFindings === 'function';
    const pending = new Map<FunctionFact, ParentCallItem[]>();
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
      } else if (perFunction && item.fn && open(item, ID, context.settings)) {
        // Listed with --all as its own item; reported once for its function below.
        context.pass({ ...at, message: `${shown(item)} calls into ${item.parent}; not documented.` });
        (pending.get(item.fn) ?? pending.set(item.fn, []).get(item.fn)!).push(item);
      } else {
        context.report({ ...at, message: `undocumented ${what(item)}: ${shown(item)}${through(item)}` });
      }
    }
    for (const [fn, items] of pending) {
      const file = items[0].file;
      // An undocumented handler's finding covers its calls: the handler's kernel-doc template lists them.
      const handler = context.model.handlers.find((h) => h.fn === fn && h.file === file);
      if (handler && !handler.documented && open(handler, 'migration-handler-undocumented', context.settings)) continue;
      const parents = [...new Set(items.map((c) => c.parent))].join(', ');
      const doc = functionDocOf(file, fn);
      const message = doc
        ? `the ${doc.kernelDoc ? 'kernel-doc' : 'comment'} of ${fn.name}() does not mention ${callees(items)} (${parents})`
        : `undocumented calls into parent driver ${parents} in ${fn.name}(): ${callees(items)}`;
      context.report({
        file,
        line: fn.nameLine,
        column: fn.nameColumn,
        name: fn.name,
        kind: 'parent-calls',
        message,
        anchorLine: fn.startLine,
        related: items.map((c) => ({
          path: c.file.path,
          line: c.call.line,
          column: c.call.column,
          message: `${what(c)}: ${shown(c)}${through(c)}`,
        })),
        data: { calls: items },
      });
    }
  },
  fixes(finding, { model, settings }) {
    const grouped = (finding.data as { calls?: ParentCallItem[] } | undefined)?.calls;
    if (grouped) return groupFixes(finding, grouped, model, settings);
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
    fixes.push(suppressionFix(file, ID, commentLineFor(item), 'this statement'));
    return fixes;
  },
  explain(finding) {
    const grouped = (finding.data as { calls?: ParentCallItem[] } | undefined)?.calls;
    if (grouped) {
      const sites = grouped.map((c) => `- \`${c.call.callee}()\` at line ${c.call.line + 1}`).join('\n');
      return `${describeParentCall(grouped[0])}\n\nUndocumented parent calls in \`${finding.name}()\`:\n${sites}`;
    }
    return finding.item?.kind === 'parent-call' ? describeParentCall(finding.item) : '';
  },
};

/** One function's undocumented calls: kernel-doc on the function, or comments on each statement when it has a comment already. */
function groupFixes(
  finding: Finding,
  calls: ParentCallItem[],
  model: Parameters<NonNullable<Rule['fixes']>>[1]['model'],
  settings: Parameters<NonNullable<Rule['fixes']>>[1]['settings'],
) {
  const file = calls[0].file;
  if (!fixableText(file)) return [];
  const fn = calls[0].fn!;
  const fixes = [];
  if (commentsAbove(file, fn.startLine).length === 0) {
    const { edit, count } = functionDocEdit(model, file, fn, settings);
    fixes.push(quickFix(file, `Document the ${count} parent call(s) of ${fn.name}() with kernel-doc`, [edit], true));
  } else {
    // One comment per statement; statements with several calls get one comment naming them all.
    const edits = new Map<number, TextEdit>();
    for (const c of pendingCallsIn(model, file, fn, settings)) {
      const e = statementCommentEdit(model, c, settings);
      if (!edits.has(e.offset)) edits.set(e.offset, e);
    }
    fixes.push(
      quickFix(
        file,
        `Comment each parent call in ${fn.name}()`,
        [...edits.values()].sort((a, b) => a.offset - b.offset),
        true,
      ),
    );
  }
  fixes.push(suppressionFix(file, ID, finding.anchorLine, `${fn.name}()`));
  return fixes;
}

/** How messages name the interaction: `callee()`, or the `->physfn` field read. */
function shown(item: ParentCallItem): string {
  return item.call.callee === 'physfn' && item.evidence.kind === 'pf-lookup' ? '->physfn' : `${item.call.callee}()`;
}
