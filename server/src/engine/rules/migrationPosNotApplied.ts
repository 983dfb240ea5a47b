import { fixableText, quickFix, replaceRange, suppressionFix } from '../fixes/edits';
import { callsIn } from '../flow/calls';
import { functionNode } from '../flow/cfg';
import { isMigrationDataHandler, mentionsAny, positionPointers, positionUses } from '../flow/taint';
import type { SyntaxNode } from '../syntax/cParser';
import { USER_COPY_APIS } from '../tables/userspace';
import type { Rule } from './rule';
import { wiringRelated } from './wiring';

interface NotAppliedData {
  start: number;
  end: number;
  replacement?: string;
  buffer: string;
  position: string;
  advanceLine: number;
}

/** Unwraps parentheses and casts: `(void *)(migf->data)` -> `migf->data`. */
function strip(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (;;) {
    if (cur.type === 'parenthesized_expression' && cur.namedChildren.length === 1) cur = cur.namedChildren[0];
    else if (cur.type === 'cast_expression' && cur.childForFieldName('value')) cur = cur.childForFieldName('value')!;
    else return cur;
  }
}

/** A buffer expression with no offset at all: a name, a member, or the address of one. */
function isBufferStart(n: SyntaxNode): boolean {
  const s = strip(n);
  if (s.type === 'identifier' || s.type === 'field_expression') return true;
  if (s.type === 'pointer_expression' && s.childForFieldName('operator')?.text === '&') {
    const a = s.childForFieldName('argument');
    return !!a && (a.type === 'identifier' || a.type === 'field_expression');
  }
  return false;
}

/** A migration read/write handler that advances the file position but copies at the start of its buffer every time. */
export const migrationPosNotApplied: Rule = {
  meta: {
    id: 'migration-pos-not-applied',
    type: 'problem',
    defaultSeverity: 'error',
    description: "A migration file's read/write handler advances *pos but copies to or from a buffer that is not offset by the position.",
    docs: 'docs/rules/migration-pos-not-applied.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    for (const h of context.model.handlers) {
      const member = isMigrationDataHandler(h);
      if (!member) continue;
      const text = h.file.text.slice(h.fn.start, h.fn.end);
      if (!/_user\s*\(/.test(text) || !/f_pos|loff_t/.test(text)) continue;
      const body = functionNode(h.file.parsed.tree, h.fn)?.childForFieldName('body');
      if (!body) continue;
      const pointers = positionPointers(h.file, h.fn, body);
      // Where the handler advances the position: `*pos += n`, `filp->f_pos = *pos + n`.
      let advance: SyntaxNode | undefined;
      for (const a of body.descendantsOfType('assignment_expression')) {
        const left = a.childForFieldName('left');
        const op = a.childForFieldName('operator')?.text ?? a.child(1)?.text;
        if (!left || positionUses(left, pointers).length === 0 || positionUses(left, pointers)[0].id !== left.id) continue;
        if (op === '+=' || (op === '=' && /\+/.test(a.childForFieldName('right')?.text ?? ''))) {
          advance = a;
          break;
        }
      }
      if (!advance) continue;
      const position = advance.childForFieldName('left')!.text.replace(/\s+/g, '');
      // Values computed from the position (`off = *pos`, `page = get_page(f, *pos)`, `p = data + off`).
      const derived = new Set<string>();
      const assigns = body.descendantsOfType(['assignment_expression', 'init_declarator']);
      for (let changed = true; changed;) {
        changed = false;
        for (const a of assigns) {
          const left = a.type === 'assignment_expression' ? a.childForFieldName('left') : a.childForFieldName('declarator');
          let id = left;
          while (id && id.type === 'pointer_declarator') id = id.childForFieldName('declarator');
          const right = a.type === 'assignment_expression' ? a.childForFieldName('right') : a.childForFieldName('value');
          if (id?.type !== 'identifier' || !right || derived.has(id.text)) continue;
          if (positionUses(right, pointers).length || mentionsAny(right, derived)) {
            derived.add(id.text);
            changed = true;
          }
        }
      }
      for (const call of callsIn(body, h.file.parsed.masked)) {
        const api = USER_COPY_APIS.get(call.callee);
        if (!api || api.kernel === undefined || api.length === undefined) continue;
        const arg = call.argNodes[api.kernel];
        if (!arg || !isBufferStart(arg)) continue;
        const s = strip(arg);
        if (s.type === 'identifier' && derived.has(s.text)) continue;
        const buffer = h.file.text.slice(arg.startIndex, arg.endIndex);
        const data: NotAppliedData = {
          start: arg.startIndex,
          end: arg.endIndex,
          buffer,
          position,
          advanceLine: advance.startPosition.row,
          ...(arg.type === 'identifier' || arg.type === 'field_expression' ? { replacement: `${buffer} + ${position}` } : {}),
        };
        context.report({
          file: h.file,
          line: arg.startPosition.row,
          column: arg.startPosition.column,
          endLine: arg.endPosition.row,
          endColumn: arg.endPosition.column,
          name: buffer.replace(/\s+/g, ' '),
          message: `${call.callee}() ${api.direction === 'to' ? 'reads from' : 'writes to'} the start of '${buffer}' on every call while ${h.fn.name}() advances '${position}' (line ${advance.startPosition.row + 1}): a second ${member}() ${member === 'read' ? 'returns the same bytes again' : 'overwrites the first chunk'} (apply the file position to the buffer).`,
          related: [
            {
              path: h.file.path,
              line: advance.startPosition.row,
              column: advance.startPosition.column,
              message: `'${position}' advanced here`,
            },
            ...wiringRelated(h),
          ],
          data,
        });
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    const data = finding.data as NotAppliedData | undefined;
    if (!file || !data || !fixableText(file)) return [];
    const fixes = [];
    if (data.replacement)
      fixes.push(quickFix(file, `Copy at '${data.replacement}'`, [replaceRange(file, data.start, data.end, data.replacement)], true));
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, 'this copy'));
    return fixes;
  },
  explain(finding) {
    const data = finding.data as NotAppliedData | undefined;
    if (!data) return '';
    return [
      `The handler advances **${data.position}** (line ${data.advanceLine + 1}) after each call, but copies at **${data.buffer}**, the start of the buffer, every time.`,
      '',
      'Userspace reads and writes the migration stream in chunks of its own size: a VMM that reads the state in two calls gets the first chunk twice and never the rest; one that writes it in two calls overwrites the first chunk with the second. The device then resumes from a corrupt state, or the length checks (made against the position) no longer match what was copied.',
      '',
      `Copy at \`${data.buffer} + ${data.position}\` (or the page and offset the position selects).`,
    ].join('\n');
  },
};
