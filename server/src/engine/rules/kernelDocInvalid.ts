import type { SourceFile } from '../model/sourceFile';
import type { KernelDocWarning } from '../kerneldoc/warnings';
import { fixableText, quickFix, suppressionFix } from '../fixes/edits';
import { kernelDocFix, kernelDocWarnings } from '../fixes/kernelDoc';
import type { Rule } from './rule';

/** The message as one line: the script's text, the quoted source line trimmed onto it. */
function oneLine(w: KernelDocWarning): string {
  const [first, ...rest] = w.message.split('\n');
  const quoted = rest.map((l) => l.trim()).filter(Boolean);
  return quoted.length ? `${first} ${quoted.join(' ')}` : first;
}

/**
 * Every `/** *\/` comment of a variant driver's files, checked as `scripts/kernel-doc -none -Wall`
 * checks it (the engine's port, kerneldoc/check.ts): one finding per warning the script would print.
 */
export const kernelDocInvalid: Rule = {
  meta: {
    id: 'kernel-doc-invalid',
    type: 'documentation',
    defaultSeverity: 'warning',
    description:
      'kernel-doc comments must pass scripts/kernel-doc -Wall: every parameter or member described, no excess ones, a Return: section, the name matching the prototype.',
    docs: 'docs/rules/kernel-doc-invalid.md',
    fixable: true,
  },
  create(context) {
    for (const file of context.model.files) {
      for (const w of kernelDocWarnings(file)) {
        const line = Math.min(w.line - 1, file.lines.lineCount - 1);
        const text = file.lines.lineText(line);
        // The finding sits on its name when the line shows it (a parameter, the prototype's
        // name), else on the line's first word: what the squiggle underlines is what it names.
        const wanted = w.name ?? w.decl;
        const at = wanted ? nameNear(file, line, w.comment ? w.comment.start - 1 : 0, wanted) : undefined;
        const reportLine = at?.line ?? line;
        const column = at?.column ?? file.lines.indentOf(line).length;
        const name = at ? wanted! : (/^\S{1,60}/.exec(text.slice(column))?.[0] ?? '');
        const anchor = w.comment ? w.comment.start - 1 : line;
        context.report({
          file,
          line: reportLine,
          column,
          endColumn: column + name.length,
          name,
          message: `kernel-doc: ${oneLine(w)}`,
          anchorLine: anchor,
          ...(w.comment && w.comment.start - 1 !== line
            ? { related: [{ path: file.path, line: w.comment.start - 1, column: 0, message: 'the kernel-doc comment' }] }
            : {}),
          data: w,
        });
      }
    }
  },
  fixes(finding, { model }) {
    const w = finding.data as KernelDocWarning | undefined;
    const file = model.files.find((f) => f.path === finding.path);
    if (!w || !file || !fixableText(file)) return [];
    const fixes = [];
    const edit = kernelDocFix(file, w);
    if (edit) fixes.push(quickFix(file, edit.title, edit.edits, true));
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, 'this kernel-doc comment'));
    return fixes;
  },
  explain(finding) {
    const w = finding.data as KernelDocWarning | undefined;
    return (
      `**kernel-doc**: \`${w ? oneLine(w) : finding.message}\`\n\n` +
      '`scripts/kernel-doc -none -Wall` prints this warning for the comment; patches that add kernel-doc ' +
      'warnings are bounced. `vfio-variant kernel-doc FILE...` runs the same check from a shell or a ' +
      'pre-commit hook.'
    );
  },
};

/**
 * Where `word` stands as a whole word nearest to the script's line: on it, else on the
 * lines above it back to the comment's start (the prototype, the `@name:` line), else
 * just below. The finding goes there, so it underlines what it names.
 */
function nameNear(file: SourceFile, line: number, from: number, word: string): { line: number; column: number } | undefined {
  const re = new RegExp(`(?<![\\w])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w])`);
  const last = file.lines.lineCount - 1;
  const order = [line];
  for (let l = line - 1; l >= Math.max(from, line - 40); l--) order.push(l);
  for (let l = line + 1; l <= Math.min(last, line + 3); l++) order.push(l);
  for (const l of order) {
    const m = re.exec(file.lines.lineText(l));
    if (m) return { line: l, column: m.index };
  }
  return undefined;
}
