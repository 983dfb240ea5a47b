/**
 * Review items and their documentation state: a parent-call item built from its call
 * and verdict, the comment that documents a call (above its statement, or above its
 * function naming it), and the suppression comment above an item.
 */
import { callContext, type CallContext, type CallFact, type CommentFact, type FunctionFact } from './facts';
import type { LocalNames, ParentCallItem } from './driver';
import type { Classified } from './parentCalls';
import { commentsAbove, isSuppression, suppressionRules, type SourceFile } from './sourceFile';
import { isIdentPart } from '../syntax/lexer';

/** `found`: an interaction not written as a call (a table entry, a call through a table, `pdev->physfn`), with its context. */
export function makeItem(
  file: SourceFile,
  call: CallFact,
  v: Classified,
  local: LocalNames,
  found?: { context: CallContext; via?: string; pointer?: ParentCallItem['pointer']; entry?: ParentCallItem['entry']; span: number },
): ParentCallItem {
  const fnEntry = call.fn ? local.functions.get(call.fn) : undefined;
  const fn = fnEntry?.file === file ? fnEntry.fn : file.facts.functions.find((f) => f.name === call.fn);
  const context = found?.context ?? callContext(file.parsed.tree, call);
  const member = found?.via?.slice(found.via.lastIndexOf('.') + 1);
  const { documented, docComment, suppressed } = callDocumentation(file, call, context, fn, member);
  const item: ParentCallItem = {
    kind: 'parent-call',
    file,
    call,
    context,
    parent: v.parent,
    evidence: v.evidence,
    fn,
    documented,
    docComment,
    suppressed,
  };
  if (found?.via) item.via = found.via;
  if (found?.pointer) item.pointer = found.pointer;
  if (found?.entry) item.entry = found.entry;
  if (found && found.span !== call.callee.length) item.span = found.span;
  return item;
}

/** `member`: a call through a table is also named by its member, written as one (`->pause`, `.pause`, `pause()`). */
function callDocumentation(file: SourceFile, call: CallFact, context: CallContext, fn: FunctionFact | undefined, member?: string) {
  let suppressed: string[] | undefined;
  for (const line of context.anchorLines) {
    const above = commentsAbove(file, line);
    suppressed ??= suppressedBy(above);
    const doc = above.find((c) => !isSuppression(c));
    if (doc) return { documented: true, docComment: doc, suppressed };
  }
  if (fn) {
    const above = commentsAbove(file, fn.startLine);
    suppressed ??= suppressedBy(above);
    const doc = above.find((c) => !isSuppression(c) && (mentionsWord(c.text, call.callee) || (!!member && mentionsMember(c.text, member))));
    if (doc) return { documented: true, docComment: doc, suppressed };
  }
  return { documented: false, docComment: undefined, suppressed };
}

/** `text` has `word` as a whole word (what /\bword\b/ says), without compiling a regex per call on every edit. */
function mentionsWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (!isIdentPart(text.charCodeAt(i - 1)) && !isIdentPart(text.charCodeAt(i + word.length))) return true;
  }
  return false;
}

function mentionsMember(text: string, member: string): boolean {
  return new RegExp(`(?:->|\\.)\\s*${member}\\b|\\b${member}\\(\\)`).test(text);
}

export function suppressedBy(comments: CommentFact[]): string[] | undefined {
  for (const c of comments) {
    const rules = suppressionRules(c);
    if (rules) return rules;
  }
  return undefined;
}
