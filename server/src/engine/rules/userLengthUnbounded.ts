import { fixableText, suppressionFix } from '../fixes/edits';
import { nodeCallsOf } from '../flow/lockQueries';
import { checkedBefore, isMigrationDataHandler, taintedNames, userLengthParam } from '../flow/taint';
import { USER_COPY_APIS } from '../tables/userspace';
import type { Rule } from './rule';
import { wiringRelated } from './wiring';

interface UnboundedData {
  source: string;
  sink: string;
  buffer: string;
}

/** memcpy-like sinks: index of the destination and of the length. */
const MEM_SINKS: ReadonlyMap<string, { dest: number; length: number }> = new Map([
  ['memcpy', { dest: 0, length: 2 }],
  ['memmove', { dest: 0, length: 2 }],
  ['memset', { dest: 0, length: 2 }],
]);

const BOUNDING_CALL = /^(?:min|min_t|min3|clamp|clamp_t|clamp_val|umin)\s*\(/;

/** A userspace length reaching a copy's length with no bound check on the way. */
export const userLengthUnbounded: Rule = {
  meta: {
    id: 'user-length-unbounded',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      "The length userspace passes to a migration file's read/write reaches a copy or memcpy as its size with no dominating bound check against the destination.",
    docs: 'docs/rules/user-length-unbounded.md',
    fixable: false,
    flow: true,
  },
  create(context) {
    for (const h of context.model.handlers) {
      const member = isMigrationDataHandler(h);
      if (!member) continue;
      const len = userLengthParam(h.file, h.fn);
      if (!len) continue;
      const cfg = context.flow.cfg(h.file, h.fn);
      if (!cfg) continue;
      const tainted = taintedNames(cfg.body, new Set([len]));
      const checked = checkedBefore(cfg, tainted);
      for (const node of cfg.nodes) {
        const before = checked[node.id];
        if (!before) continue;
        for (const call of nodeCallsOf(node, h.file)) {
          const copy = USER_COPY_APIS.get(call.callee);
          const mem = MEM_SINKS.get(call.callee);
          const lengthIdx = copy ? copy.length : mem?.length;
          const destIdx = copy ? copy.kernel : mem?.dest;
          if (lengthIdx === undefined || destIdx === undefined) continue;
          const lengthArg = call.argNodes[lengthIdx];
          if (!lengthArg || BOUNDING_CALL.test(lengthArg.text.trim())) continue;
          const ids = lengthArg.type === 'identifier' ? [lengthArg] : lengthArg.descendantsOfType('identifier');
          const bad = ids.find((i) => {
            const srcs = tainted.get(i.text);
            return !!srcs && !before.has(i.text) && ![...srcs].some((s) => before.has(s));
          });
          if (!bad) continue;
          const dest = call.argNodes[destIdx];
          const buffer = dest ? h.file.text.slice(dest.startIndex, dest.endIndex) : '';
          const data: UnboundedData = { source: len, sink: call.callee, buffer };
          context.report({
            file: h.file,
            line: lengthArg.startPosition.row,
            column: lengthArg.startPosition.column,
            endLine: lengthArg.endPosition.row,
            endColumn: lengthArg.endPosition.column,
            name: bad.text,
            message: `'${bad.text}' (from the ${member}() length '${len}') sizes ${call.callee}() into '${buffer}' with no bound check on this path: a long ${member}() ${copy?.direction === 'to' ? 'reads past' : 'overflows'} the buffer (check a user length against the destination before copying).`,
            related: wiringRelated(h),
            data,
          });
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    if (!file || !fixableText(file)) return [];
    return [suppressionFix(file, this.meta.id, finding.anchorLine, `this ${(finding.data as UnboundedData | undefined)?.sink ?? 'copy'}`)];
  },
  explain(finding) {
    const data = finding.data as UnboundedData | undefined;
    if (!data) return '';
    return [
      `**${finding.name}** comes from the length userspace passed (\`${data.source}\`) and sizes **${data.sink}()** into \`${data.buffer}\`, and no comparison against a bound dominates this call.`,
      '',
      'Userspace chooses the length of every read() and write() on the migration file. Unchecked, a long write() copies past the end of the device state buffer (a heap overflow in the kernel), and a long read() discloses kernel memory beyond it. The acceptance document asks that unchecked userspace data have no effect beyond the assigned device.',
      '',
      'Check `len` (or `*pos + len`, with check_add_overflow()) against the buffer size first, or clamp it with `min_t()`.',
    ].join('\n');
  },
};
