/**
 * Quick fixes as plain text edits (offsets into one file's text). Front ends turn
 * them into LSP WorkspaceEdits or write them to disk. Every fix inserts text that
 * makes its finding go away, so applying a fix twice is impossible by construction:
 * the second time there is no finding to fix.
 */
import type { DriverModel, HandlerItem, ParentCallItem } from '../model/driver';
import type { FunctionFact } from '../model/facts';
import type { Finding } from '../rules/findings';
import type { Settings } from '../settings';
import { driverFixes, overviewEdit } from './driverFixes';
import { commentsAbove, insertionPoint, type SourceFile } from '../model/sourceFile';
import { commentBody, handlerDoc, parentFunctionDoc, parentStatementComment, suppressionComment, type ParentCallGroup } from './templates';

export interface TextEdit {
  path: string;
  offset: number;
  length: number;
  newText: string;
  /** For an edit to a file other than the finding's (e.g. MAINTAINERS): where `offset` is, as a position. */
  at?: { line: number; character: number };
}

export interface CodeFix {
  title: string;
  kind: 'quickfix' | 'source.fixAll';
  preferred: boolean;
  edits: TextEdit[];
  /** Version of the file the offsets refer to. */
  version: number | string;
  /** A file to show once the edits are applied (the MAINTAINERS entry a fix adds). */
  show?: { path: string; line: number };
}

const PARENT_RULE = 'parent-call-undocumented';
const HANDLER_RULE = 'migration-handler-undocumented';
const KERNEL_DOC_RULE = 'migration-handler-not-kernel-doc';
const OVERVIEW_RULE = 'migration-overview-missing';

function insertLines(file: SourceFile, line: number, lines: string[]): TextEdit {
  const eol = file.lines.eol;
  return { path: file.path, offset: insertionPoint(file, line), length: 0, newText: lines.join(eol) + eol };
}

/** The line above which a comment on this call goes: its statement, skipping `} else if` heads. */
export function commentLineFor(item: ParentCallItem): number {
  for (const line of item.context.anchorLines) {
    const text = item.file.lines.lineText(line).trim();
    if (!text.startsWith('}')) return line;
  }
  return item.call.line;
}

function groupsOf(calls: ParentCallItem[]): ParentCallGroup[] {
  const byParent = new Map<string, string[]>();
  for (const c of calls) (byParent.get(c.parent) ?? byParent.set(c.parent, []).get(c.parent)!).push(c.call.callee);
  return [...byParent.entries()].map(([parent, callees]) => ({ parent, callees }));
}

function open(item: { suppressed: string[] | undefined }, rule: string, settings: Settings): boolean {
  if (settings.severity[rule] === 'off') return false;
  return !item.suppressed || (item.suppressed.length > 0 && !item.suppressed.includes(rule));
}

function pendingCallsIn(model: DriverModel, file: SourceFile, fn: FunctionFact, settings: Settings): ParentCallItem[] {
  return model.parentCalls.filter(
    (c) => c.file === file && c.call.fn === fn.name && c.fn === fn && !c.documented && open(c, PARENT_RULE, settings),
  );
}

function handlerOf(model: DriverModel, file: SourceFile, fn: FunctionFact): HandlerItem | undefined {
  return model.handlers.find((h) => h.file === file && h.fn === fn);
}

function handlerDocFor(h: HandlerItem, calls: ParentCallItem[], description?: string[]): string[] {
  const indent = h.file.lines.indentOf(h.fn.startLine);
  return handlerDoc(h.fn, h.wiring, groupsOf(calls), indent, description);
}

function convertPlainComment(h: HandlerItem, calls: ParentCallItem[]): TextEdit {
  const c = h.docComment!;
  const file = h.file;
  const start = file.lines.lineStart(c.startLine);
  const lines = handlerDocFor(h, calls, commentBody(c.text));
  return { path: file.path, offset: start, length: c.end - start, newText: lines.join(file.lines.eol) };
}

/**
 * Bare CR line ends: editors count them as line breaks, the parser does not, so
 * a "line start" may lie inside a comment. Such files get findings but no fixes.
 */
const BARE_CR = /\r(?!\n)/;

/** Quick fixes for one finding. */
export function fixesFor(model: DriverModel, finding: Finding, settings: Settings): CodeFix[] {
  const item = finding.item;
  const file = item.file;
  const fix = (title: string, edits: TextEdit[], preferred = false): CodeFix => ({
    title,
    kind: 'quickfix',
    preferred,
    edits,
    version: file.version,
  });
  if (item.kind === 'driver') return driverFixes(model, item, finding.rule);
  if (BARE_CR.test(file.text)) return [];
  const fixes: CodeFix[] = [];
  if (item.kind === 'migration-handler') {
    const calls = pendingCallsIn(model, file, item.fn, settings);
    if (finding.rule === HANDLER_RULE) {
      fixes.push(
        fix(
          `Insert kernel-doc for ${item.fn.name}() (migration handler)`,
          [insertLines(file, item.fn.startLine, handlerDocFor(item, calls))],
          true,
        ),
      );
    } else if (finding.rule === KERNEL_DOC_RULE && item.docComment) {
      fixes.push(fix(`Turn the comment on ${item.fn.name}() into kernel-doc`, [convertPlainComment(item, calls)], true));
    }
    const indent = file.lines.indentOf(item.fn.startLine);
    fixes.push(
      fix(`Suppress ${finding.rule} for ${item.fn.name}() with a reason`, [
        insertLines(file, item.fn.startLine, suppressionComment(finding.rule, indent)),
      ]),
    );
    return fixes;
  }

  const line = commentLineFor(item);
  const sameStatement = model.parentCalls.filter(
    (c) => c.file === file && !c.documented && open(c, PARENT_RULE, settings) && commentLineFor(c) === line,
  );
  const indent = file.lines.indentOf(line);
  fixes.push(
    fix(
      `Document the call to ${item.call.callee}() (${item.parent})`,
      [insertLines(file, line, parentStatementComment(groupsOf(sameStatement.length ? sameStatement : [item]), indent))],
      true,
    ),
  );
  const fn = item.fn;
  if (fn && commentsAbove(file, fn.startLine).length === 0) {
    const calls = pendingCallsIn(model, file, fn, settings);
    const handler = handlerOf(model, file, fn);
    const fnIndent = file.lines.indentOf(fn.startLine);
    const lines = handler ? handlerDocFor(handler, calls) : parentFunctionDoc(fn, groupsOf(calls), fnIndent);
    fixes.push(
      fix(`Document all ${calls.length} parent call(s) in ${fn.name}() with kernel-doc`, [insertLines(file, fn.startLine, lines)]),
    );
  }
  fixes.push(
    fix(`Suppress ${PARENT_RULE} for this statement with a reason`, [insertLines(file, line, suppressionComment(PARENT_RULE, indent))]),
  );
  return fixes;
}

/**
 * Every fix for one file at once: kernel-doc on each undocumented handler and on
 * each function that calls the parent (listing its calls), or a comment on each
 * statement where the function already has a comment of its own.
 */
export function fixAllInFile(model: DriverModel, file: SourceFile, settings: Settings): CodeFix | undefined {
  if (BARE_CR.test(file.text)) return undefined;
  const edits: TextEdit[] = [];
  const done = new Set<FunctionFact>();
  for (const h of model.handlers) {
    if (h.file !== file) continue;
    const calls = pendingCallsIn(model, file, h.fn, settings);
    if (!h.documented && open(h, HANDLER_RULE, settings)) {
      edits.push(insertLines(file, h.fn.startLine, handlerDocFor(h, calls)));
      done.add(h.fn);
    } else if (h.documented && !h.kernelDoc && h.docComment && open(h, KERNEL_DOC_RULE, settings)) {
      edits.push(convertPlainComment(h, calls));
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
      edits.push(insertLines(file, c.fn.startLine, parentFunctionDoc(c.fn, groupsOf(calls), fnIndent)));
      done.add(c.fn);
      continue;
    }
    const line = commentLineFor(c);
    (byLine.get(line) ?? byLine.set(line, []).get(line)!).push(c);
  }
  for (const [line, calls] of byLine) {
    edits.push(insertLines(file, line, parentStatementComment(groupsOf(calls), file.lines.indentOf(line))));
  }
  if (!edits.length) return undefined;
  edits.sort((a, b) => a.offset - b.offset);
  return { title: 'Document every vfio review item in this file', kind: 'source.fixAll', preferred: false, edits, version: file.version };
}

/** Applies non-overlapping edits of one file to its text. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.offset - a.offset || b.length - a.length);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.offset + e.length > limit) throw new Error('overlapping edits');
    out = out.slice(0, e.offset) + e.newText + out.slice(e.offset + e.length);
    limit = e.offset;
  }
  return out;
}
