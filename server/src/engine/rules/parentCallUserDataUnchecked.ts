import { fixableText, suppressionFix } from '../fixes/edits';
import type { ParentCallItem } from '../model/driver';
import { checkedBefore, isMigrationDataHandler, positionPointers, taintedNames, userFilledLocals, userLengthParam } from '../flow/taint';
import type { SyntaxNode } from '../syntax/cParser';
import type { Rule } from './rule';

interface ParentTaintData {
  source: string;
  sourceKind: string;
  api: string;
  parent: string;
}

/** Userspace-controlled data reaching a parent-driver call with no bound check on the way. */
export const parentCallUserDataUnchecked: Rule = {
  meta: {
    id: 'parent-call-user-data-unchecked',
    type: 'problem',
    defaultSeverity: 'warning',
    description:
      'A value from userspace (read/write length or position, data copied in with copy_from_user) reaches an argument of a parent (PF) driver call with no dominating bound check.',
    docs: 'docs/rules/parent-call-user-data-unchecked.md',
    fixable: false,
    flow: true,
  },
  create(context) {
    const byFn = new Map<ParentCallItem['fn'], ParentCallItem[]>();
    for (const item of context.model.parentCalls) {
      if (!item.fn) continue;
      const list = byFn.get(item.fn) ?? [];
      list.push(item);
      byFn.set(item.fn, list);
    }
    for (const [fn, items] of byFn) {
      if (!fn) continue;
      const file = items[0].file;
      const text = file.text.slice(fn.start, fn.end);
      const handler = context.model.handlers.find((h) => h.fn === fn);
      const member = handler && isMigrationDataHandler(handler);
      if (!member && !/_user\s*\(/.test(text)) continue;
      const cfg = context.flow.cfg(file, fn);
      if (!cfg) continue;
      const kinds = new Map<string, string>();
      if (member) {
        const len = userLengthParam(file, fn);
        if (len) kinds.set(len, `the ${member}() length`);
        for (const p of positionPointers(file, fn, cfg.body)) kinds.set(p, 'the file position');
      }
      for (const v of userFilledLocals(cfg.body, fn)) kinds.set(v, 'data copied from userspace');
      if (kinds.size === 0) continue;
      const tainted = taintedNames(cfg.body, new Set(kinds.keys()));
      const checked = checkedBefore(cfg, tainted);
      const nodeOf = new Map<number, number>();
      cfg.nodes.forEach((n) => {
        if (n.syntax && (n.kind === 'stmt' || n.kind === 'return' || (n.kind === 'cond' && n.syntax !== n.owner)))
          nodeOf.set(n.syntax.startIndex, n.id);
      });
      for (const item of items) {
        let call: SyntaxNode | null = file.parsed.tree.rootNode.descendantForIndex(item.call.start);
        while (call && call.type !== 'call_expression') call = call.parent;
        if (!call) continue;
        // The flow node whose statement holds the call: the innermost enclosing statement with a node.
        let stmt: SyntaxNode | null = call;
        let nodeId: number | undefined;
        while (stmt && (nodeId = nodeOf.get(stmt.startIndex)) === undefined) stmt = stmt.parent;
        const before = nodeId !== undefined ? checked[nodeId] : undefined;
        if (!before) continue;
        const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
        for (const arg of args) {
          const ids = arg.type === 'identifier' ? [arg] : arg.descendantsOfType('identifier');
          const bad = ids.find((i) => {
            const srcs = tainted.get(i.text);
            return !!srcs && !before.has(i.text) && ![...srcs].some((s) => before.has(s));
          });
          if (!bad) continue;
          const source = [...(tainted.get(bad.text) ?? [])][0];
          const sourceKind = kinds.get(source) ?? 'userspace';
          const data: ParentTaintData = { source, sourceKind, api: item.call.callee, parent: item.parent };
          const via = bad.text === source ? '' : ` through '${bad.text}'`;
          context.report({
            file,
            line: arg.startPosition.row,
            column: arg.startPosition.column,
            endLine: arg.endPosition.row,
            endColumn: arg.endPosition.column,
            name: bad.text,
            message: `'${source}' (${sourceKind}) reaches ${item.call.callee}() of ${item.parent}${via} with no bound check on this path: the parent driver acts on a value the VM chose (validate userspace data before it reaches the parent).`,
            data,
          });
          break;
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    if (!file || !fixableText(file)) return [];
    return [suppressionFix(file, this.meta.id, finding.anchorLine, 'this argument')];
  },
  explain(finding) {
    const data = finding.data as ParentTaintData | undefined;
    if (!data) return '';
    return [
      `**${finding.name}** carries \`${data.source}\` (${data.sourceKind}) into **${data.api}()**, an interface of ${data.parent}, and no comparison against a bound dominates the call.`,
      '',
      'The parent (PF) driver serves every VF and the host; the acceptance criteria for variant drivers require that unchecked userspace data not have an effect beyond the assigned device. A length, offset or command field the VM chose must be validated by the variant driver before the PF acts on it.',
      '',
      'Compare the value with the limit the parent interface expects (buffer size, number of queues, state length) before the call, and say so in the call comment.',
    ].join('\n');
  },
};
