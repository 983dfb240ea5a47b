/**
 * The edits of the documentation rules: kernel-doc on handlers and on functions
 * that call the parent, comments on parent-call statements, and fix-all for a
 * file. Every edit inserts text that makes its finding go away, so applying a
 * fix twice is impossible by construction: the second time there is no finding.
 */
import type { DriverModel, HandlerItem, ParentCallItem } from '../model/driver';
import type { FunctionFact } from '../model/facts';
import type { Settings } from '../settings';
import { commentsAbove, suppressionRules, type SourceFile } from '../model/sourceFile';
import { kernelDocFixAll } from './kernelDoc';
import { overviewEdit } from './driverFixes';
import { fixableText, insertLines, type CodeFix, type TextEdit } from './edits';
import { handlerFacts, apiSummaries } from './derivedText';
import { commentBody, handlerDoc, parentFunctionDoc, parentStatementComment, type ParentCallGroup } from './templates';

// The documentation rules whose fixes fix-all combines (their ids, not their modules: no cycle).
const PARENT_RULE = 'parent-call-undocumented';
const HANDLER_RULE = 'migration-handler-undocumented';
const KERNEL_DOC_RULE = 'migration-handler-not-kernel-doc';
const OVERVIEW_RULE = 'migration-overview-missing';
const KERNEL_DOC_INVALID_RULE = 'kernel-doc-invalid';

/** The line above which a comment on this call goes: its statement, skipping `} else if` heads. */
export function commentLineFor(item: ParentCallItem): number {
  for (const line of item.context.anchorLines) {
    const text = item.file.lines.lineText(line).trim();
    if (!text.startsWith('}')) return line;
  }
  return item.call.line;
}

export function groupsOf(calls: ParentCallItem[]): ParentCallGroup[] {
  const byParent = new Map<string, string[]>();
  for (const c of calls) (byParent.get(c.parent) ?? byParent.set(c.parent, []).get(c.parent)!).push(c.call.callee);
  return [...byParent.entries()].map(([parent, callees]) => ({ parent, callees }));
}

/** The item still wants documentation under `rule` (not off, not suppressed). */
export function open(item: { suppressed: string[] | undefined }, rule: string, settings: Settings): boolean {
  if (settings.severity[rule] === 'off') return false;
  return !item.suppressed || (item.suppressed.length > 0 && !item.suppressed.includes(rule));
}

export function pendingCallsIn(model: DriverModel, file: SourceFile, fn: FunctionFact, settings: Settings): ParentCallItem[] {
  return model.parentCalls.filter(
    (c) => c.file === file && c.call.fn === fn.name && c.fn === fn && !c.documented && open(c, PARENT_RULE, settings),
  );
}

export function handlerOf(model: DriverModel, file: SourceFile, fn: FunctionFact): HandlerItem | undefined {
  return model.handlers.find((h) => h.file === file && h.fn === fn);
}

export function handlerDocFor(model: DriverModel, h: HandlerItem, calls: ParentCallItem[], description?: string[]): string[] {
  const indent = h.file.lines.indentOf(h.fn.startLine);
  return handlerDoc(h.fn, h.wiring, groupsOf(calls), indent, description, handlerFacts(model, h), apiSummaries(model, calls));
}

/** Kernel-doc inserted above an undocumented handler, listing its pending parent calls. */
export function handlerDocEdit(model: DriverModel, h: HandlerItem, settings: Settings): TextEdit {
  return insertLines(h.file, h.fn.startLine, handlerDocFor(model, h, pendingCallsIn(model, h.file, h.fn, settings)));
}

/** A handler's plain comment rewritten as kernel-doc, keeping its text as the description. */
export function convertPlainComment(model: DriverModel, h: HandlerItem, settings: Settings): TextEdit {
  const c = h.docComment!;
  const file = h.file;
  const start = file.lines.lineStart(c.startLine);
  const lines = handlerDocFor(model, h, pendingCallsIn(model, file, h.fn, settings), commentBody(c.text));
  return { path: file.path, offset: start, length: c.end - start, newText: lines.join(file.lines.eol) };
}

/** A comment above the call's statement, naming every pending parent call of that statement. */
export function statementCommentEdit(model: DriverModel, item: ParentCallItem, settings: Settings): TextEdit {
  const file = item.file;
  const line = commentLineFor(item);
  const sameStatement = model.parentCalls.filter(
    (c) => c.file === file && !c.documented && open(c, PARENT_RULE, settings) && commentLineFor(c) === line,
  );
  return insertLines(
    file,
    line,
    parentStatementComment(
      groupsOf(sameStatement.length ? sameStatement : [item]),
      file.lines.indentOf(line),
      apiSummaries(model, sameStatement.length ? sameStatement : [item]),
    ),
  );
}

/** Kernel-doc on the function around `fn`'s pending parent calls (a handler's template when it is one). */
export function functionDocEdit(
  model: DriverModel,
  file: SourceFile,
  fn: FunctionFact,
  settings: Settings,
): { edit: TextEdit; count: number } {
  const calls = pendingCallsIn(model, file, fn, settings);
  const handler = handlerOf(model, file, fn);
  const lines = handler
    ? handlerDocFor(model, handler, calls)
    : parentFunctionDoc(fn, groupsOf(calls), file.lines.indentOf(fn.startLine), apiSummaries(model, calls));
  return { edit: insertLines(file, fn.startLine, lines), count: calls.length };
}

/**
 * Every documentation fix for one file at once: kernel-doc on each undocumented
 * handler and on each function that calls the parent (listing its calls), or a
 * comment on each statement where the function already has a comment of its own.
 */
export function fixAllInFile(model: DriverModel, file: SourceFile, settings: Settings): CodeFix | undefined {
  if (!fixableText(file)) return undefined;
  const edits: TextEdit[] = [];
  const done = new Set<FunctionFact>();
  for (const h of model.handlers) {
    if (h.file !== file) continue;
    if (!h.documented && open(h, HANDLER_RULE, settings)) {
      edits.push(handlerDocEdit(model, h, settings));
      done.add(h.fn);
    } else if (h.documented && !h.kernelDoc && h.docComment && open(h, KERNEL_DOC_RULE, settings)) {
      edits.push(convertPlainComment(model, h, settings));
      done.add(h.fn);
    }
  }
  for (const d of model.driverItems ?? []) {
    if (d.file === file && d.topic === 'overview' && !d.documented && open(d, OVERVIEW_RULE, settings)) edits.push(overviewEdit(model, d));
  }
  const byLine = new Map<number, ParentCallItem[]>();
  for (const c of model.parentCalls) {
    if (c.file !== file || c.documented || !open(c, PARENT_RULE, settings) || (c.fn && done.has(c.fn))) continue;
    if (c.fn && commentsAbove(file, c.fn.startLine).length === 0) {
      const calls = pendingCallsIn(model, file, c.fn, settings);
      const fnIndent = file.lines.indentOf(c.fn.startLine);
      edits.push(insertLines(file, c.fn.startLine, parentFunctionDoc(c.fn, groupsOf(calls), fnIndent, apiSummaries(model, calls))));
      done.add(c.fn);
      continue;
    }
    // A table of parent functions: one comment on the table names all its entries.
    const line = c.entry ? c.context.anchorLines[c.context.anchorLines.length - 1] : commentLineFor(c);
    (byLine.get(line) ?? byLine.set(line, []).get(line)!).push(c);
  }
  for (const [line, calls] of byLine) {
    edits.push(insertLines(file, line, parentStatementComment(groupsOf(calls), file.lines.indentOf(line), apiSummaries(model, calls))));
  }
  if (settings.severity[KERNEL_DOC_INVALID_RULE] !== 'off') {
    // Warnings on existing kernel-doc comments; a suppression above the comment keeps it as it is.
    const suppressed = (line0: number) =>
      commentsAbove(file, line0).some((c) => {
        const rules = suppressionRules(c);
        return !!rules && (rules.length === 0 || rules.includes(KERNEL_DOC_INVALID_RULE));
      });
    edits.push(...kernelDocFixAll(file, (w) => !w.comment || suppressed(w.comment.start - 1)));
  }
  if (!edits.length) return undefined;
  edits.sort((a, b) => a.offset - b.offset);
  return { title: 'Document every vfio review item in this file', kind: 'source.fixAll', preferred: false, edits, version: file.version };
}
