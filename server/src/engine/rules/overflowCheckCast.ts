import { fixableText, quickFix, replaceRange, suppressionFix } from '../fixes/edits';
import { functionNode } from '../flow/cfg';
import { declaredType } from '../flow/taint';
import type { SyntaxNode } from '../syntax/cParser';
import { OVERFLOW_CHECKS, integerType, type IntegerType } from '../tables/integers';
import type { Rule } from './rule';

interface CastData {
  start: number;
  end: number;
  operand: string;
  from: string;
  to: string;
  check: string;
  loss: string;
}

const describe = (t: IntegerType) => `${t.signed ? 'signed' : 'unsigned'} ${t.bits}-bit`;

/** How a cast from `from` to `to` loses values, if it does. */
export function castLoss(from: IntegerType, to: IntegerType): string | undefined {
  if (to.bits < from.bits) return `truncates ${describe(from)} to ${to.bits} bits`;
  if (to.bits === from.bits && from.signed !== to.signed)
    return from.signed ? 'turns negative values into huge unsigned ones' : `turns values above the ${to.bits}-bit signed maximum negative`;
  if (to.bits > from.bits && from.signed && !to.signed) return 'turns negative values into huge unsigned ones';
  return undefined;
}

const RELATIONAL = new Set(['<', '<=', '>', '>=']);

/** An `if` before `offset` compares `name` with a bound (`if (len > INT_MAX) return -E2BIG;`): the cast is then guarded. */
function boundedBefore(body: SyntaxNode, name: string, offset: number): boolean {
  for (const stmt of body.descendantsOfType('if_statement')) {
    const cond = stmt.childForFieldName('condition');
    if (!cond || cond.endIndex > offset) continue;
    const bins = cond.descendantsOfType('binary_expression');
    for (const b of bins) {
      if (!RELATIONAL.has(b.childForFieldName('operator')?.text ?? '')) continue;
      const sides = [b.childForFieldName('left'), b.childForFieldName('right')];
      const i = sides.findIndex((n) => n?.type === 'identifier' && n.text === name);
      if (i >= 0 && sides[1 - i] && sides[1 - i]!.text.trim() !== '0') return true;
    }
  }
  return false;
}

/** An operand of check_add_overflow() and friends cast so that the check no longer sees its real value. */
export const overflowCheckCast: Rule = {
  meta: {
    id: 'overflow-check-cast',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      'An operand of check_add_overflow()/check_sub_overflow()/check_mul_overflow() is cast to a type that truncates it or changes its sign, so the check cannot see the overflow.',
    docs: 'docs/rules/overflow-check-cast.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    for (const file of context.model.files) {
      for (const call of file.facts.calls) {
        const spec = OVERFLOW_CHECKS.get(call.callee);
        if (!spec || !call.fn) continue;
        const fn = file.facts.functions.find((f) => call.start >= f.start && call.start < f.end);
        const body = fn && functionNode(file.parsed.tree, fn)?.childForFieldName('body');
        if (!fn || !body) continue;
        let node: SyntaxNode | null = file.parsed.tree.rootNode.descendantForIndex(call.start);
        while (node && node.type !== 'call_expression') node = node.parent;
        const args = node?.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
        for (const arg of args.slice(0, spec.operands)) {
          let cast: SyntaxNode = arg;
          while (cast.type === 'parenthesized_expression' && cast.namedChildren.length === 1) cast = cast.namedChildren[0];
          if (cast.type !== 'cast_expression') continue;
          const to = integerType(cast.childForFieldName('type')?.text ?? '');
          let value = cast.childForFieldName('value');
          while (value?.type === 'parenthesized_expression' && value.namedChildren.length === 1) value = value.namedChildren[0];
          if (!to || !value) continue;
          let derefs = 0;
          let id: SyntaxNode | null = value;
          while (id?.type === 'pointer_expression' && id.childForFieldName('operator')?.text === '*') {
            derefs++;
            id = id.childForFieldName('argument');
          }
          if (id?.type !== 'identifier') continue;
          const decl = declaredType(file, fn, body, id.text);
          if (!decl || decl.pointers !== derefs) continue;
          const from = integerType(decl.type);
          if (!from) continue;
          const loss = castLoss(from, to);
          if (!loss || boundedBefore(body, id.text, call.start)) continue;
          const toText = cast.childForFieldName('type')!.text.trim();
          const data: CastData = {
            start: arg.startIndex,
            end: arg.endIndex,
            operand: file.text.slice(value.startIndex, value.endIndex),
            from: decl.type,
            to: toText,
            check: call.callee,
            loss,
          };
          const name = file.text.slice(arg.startIndex, arg.endIndex).replace(/\s+/g, ' ');
          context.report({
            file,
            line: arg.startPosition.row,
            column: arg.startPosition.column,
            endLine: arg.endPosition.row,
            endColumn: arg.endPosition.column,
            name,
            message: `casting ${decl.type} '${data.operand}' to ${toText} ${loss} before ${call.callee}() sees it, so the check misses the overflow it is there to catch (an overflow check must see its operands' real values).`,
            data,
          });
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    const data = finding.data as CastData | undefined;
    if (!file || !data || !fixableText(file)) return [];
    return [
      quickFix(file, `Pass '${data.operand}' to ${data.check}() uncast`, [replaceRange(file, data.start, data.end, data.operand)], true),
      suppressionFix(file, this.meta.id, finding.anchorLine, 'this cast'),
    ];
  },
  explain(finding) {
    const data = finding.data as CastData | undefined;
    if (!data) return '';
    return [
      `**${data.check}()** computes the result in infinite precision from the operand values it is given and reports whether it fits the result's type. The cast \`(${data.to})\` ${data.loss} of \`${data.from} ${data.operand}\` first, so the check sees a different value than the one used afterwards.`,
      '',
      `For example \`check_add_overflow((loff_t)len, *pos, &end)\` with a \`size_t len\` above LLONG_MAX: \`(loff_t)len\` is negative, \`end\` comes out smaller than \`*pos\`, no overflow is reported and the later bound check on \`end\` passes for a huge length.`,
      '',
      `Pass \`${data.operand}\` uncast: the helpers accept mixed types.`,
    ].join('\n');
  },
};
