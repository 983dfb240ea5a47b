import { quickFix, replaceRange, suppressionFix, fixableText } from '../fixes/edits';
import type { FlowNode } from '../flow/cfg';
import { pointerEnv } from '../flow/driverPointers';
import { factsOf } from '../flow/pointerFacts';
import { argsOf, calleeOf, mentionsTracked, nodeEvents, nodeTokens, placeOf, stripValue } from '../flow/pointerSyntax';
import { pointerFlow } from '../flow/pointers';
import type { SyntaxNode } from '../syntax/cParser';
import type { Rule } from './rule';

interface Data {
  /** The NULL test and its replacement; the error value of the branch and its replacement. */
  edits: { start: number; end: number; text: string }[];
  api: string;
}

/** `!p`, `p == NULL`, `NULL == p` (true when NULL), `p != NULL`, `p` (true when non-NULL): the tests of `cond`. */
function nullTests(cond: SyntaxNode): { node: SyntaxNode; arg: SyntaxNode; whenNull: boolean }[] {
  const out: { node: SyntaxNode; arg: SyntaxNode; whenNull: boolean }[] = [];
  const visit = (n: SyntaxNode | undefined, top: boolean) => {
    n = stripValue(n);
    while (n?.type === 'call_expression' && /^(?:un)?likely$/.test(calleeOf(n) ?? '')) n = stripValue(argsOf(n)[0]);
    if (!n) return;
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
      const arg = n.childForFieldName('argument');
      if (placeOf(arg) && arg) out.push({ node: n, arg: stripValue(arg)!, whenNull: true });
      return;
    }
    if (n.type === 'binary_expression') {
      const op = n.childForFieldName('operator')?.text;
      const l = n.childForFieldName('left') ?? undefined;
      const r = n.childForFieldName('right') ?? undefined;
      if (op === '&&' || op === '||') {
        visit(l, true);
        visit(r, true);
        return;
      }
      if (op !== '==' && op !== '!=') return;
      const isNull = (x: SyntaxNode | undefined) => stripValue(x)?.type === 'null';
      const arg = isNull(r) ? l : isNull(l) ? r : undefined;
      if (arg && placeOf(arg)) out.push({ node: n, arg: stripValue(arg)!, whenNull: op === '==' });
      return;
    }
    if (top && placeOf(n)) out.push({ node: n, arg: n, whenNull: false });
  };
  visit(cond, true);
  return out;
}

/** Places tested with IS_ERR()/IS_ERR_OR_NULL()/PTR_ERR_OR_ZERO() in `cond`. */
function errChecked(node: FlowNode): Set<string> {
  const out = new Set<string>();
  for (const c of nodeEvents(node)) {
    if (c.type !== 'call_expression') continue;
    if (/^(?:IS_ERR|IS_ERR_OR_NULL|PTR_ERR_OR_ZERO|IS_ERR_VALUE)$/.test(calleeOf(c) ?? '')) {
      const p = placeOf(argsOf(c)[0]);
      if (p) out.add(p);
    }
  }
  return out;
}

/** The error value the branch taken on failure returns or stores: `return -ENOMEM;`, `ret = -ENOMEM;`, `return ERR_PTR(-ENOMEM);`. */
function branchError(branch: SyntaxNode | null, placeText: string): { start: number; end: number; text: string } | undefined {
  if (!branch) return undefined;
  const stmts = branch.type === 'compound_statement' ? branch.namedChildren.filter((c) => c.type !== 'comment') : [branch];
  const isErrno = (n: SyntaxNode | undefined) => {
    const v = stripValue(n);
    return (
      v?.type === 'unary_expression' &&
      v.childForFieldName('operator')?.text === '-' &&
      /^E[A-Z0-9]+$/.test(v.childForFieldName('argument')?.text ?? '')
    );
  };
  for (const s of stmts) {
    let value: SyntaxNode | undefined;
    if (s.type === 'return_statement') value = s.namedChildren.find((c) => c.type !== 'comment');
    else if (s.type === 'expression_statement') {
      const a = s.namedChildren[0];
      if (a?.type === 'assignment_expression' && a.childForFieldName('operator')?.text === '=')
        value = a.childForFieldName('right') ?? undefined;
    }
    if (!value) continue;
    if (isErrno(value)) return { start: value.startIndex, end: value.endIndex, text: `PTR_ERR(${placeText})` };
    const v = stripValue(value);
    if (v?.type === 'call_expression' && calleeOf(v) === 'ERR_PTR' && isErrno(argsOf(v)[0])) {
      return { start: v.startIndex, end: v.endIndex, text: `ERR_CAST(${placeText})` };
    }
    if (s.type === 'return_statement') return undefined;
  }
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

const ASSIGNED_BEFORE = /([A-Za-z_][\w>.-]*)\s*=\s*(?:\([^;=()]*\)\s*)?$/;

/**
 * Text prefilter: does the function store an ERR_PTR-returning call's result somewhere
 * (or copy it into a local) and test that place against NULL anywhere? Only then is
 * its flow worth building.
 */
function mayNullTest(text: string, calls: readonly number[]): boolean {
  const targets = new Set<string>();
  // What each ERR_PTR-returning call is assigned to, read just before the call.
  for (const at of calls) {
    const m = ASSIGNED_BEFORE.exec(text.slice(Math.max(0, at - 160), at));
    if (m) targets.add(m[1]);
  }
  for (const t of [...targets]) {
    for (const m of text.matchAll(new RegExp(`([A-Za-z_]\\w*)\\s*=\\s*${escapeRe(t)}\\s*;`, 'g'))) targets.add(m[1]);
  }
  for (const t of targets) {
    const l = escapeRe(t);
    const test = new RegExp(
      `!\\s*\\(?\\s*${l}(?![\\w>.\\[(-])|${l}\\s*[!=]=\\s*NULL|NULL\\s*[!=]=\\s*${l}(?![\\w>.-])|(?:if|while)\\s*\\(\\s*${l}\\s*\\)|(?:&&|\\|\\|)\\s*${l}\\s*(?:&&|\\|\\||\\))|\\(\\s*${l}\\s*(?:&&|\\|\\|)`,
    );
    if (test.test(text)) return true;
  }
  return false;
}

/** A result that is ERR_PTR() on failure (never NULL) is tested against NULL. */
export const errPtrCheckedAsNull: Rule = {
  meta: {
    id: 'err-ptr-checked-as-null',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      'The result of a function that returns ERR_PTR() on failure (anon_inode_getfile(), memdup_user(), the driver’s own ERR_PTR-returning helpers) must be tested with IS_ERR(), not against NULL.',
    docs: 'docs/rules/err-ptr-checked-as-null.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    const env = pointerEnv(context.model);
    for (const file of context.model.files) {
      // Prefilter: only functions that call an ERR_PTR-returning function.
      const callers = new Map<string, number[]>();
      for (const c of file.facts.calls)
        if (c.fn && env.errPtrFunctions.has(c.callee)) (callers.get(c.fn) ?? callers.set(c.fn, []).get(c.fn)!).push(c.start);
      if (!callers.size) continue;
      for (const fn of file.facts.functions) {
        const errCalls = callers.get(fn.name);
        if (
          !errCalls ||
          !mayNullTest(
            file.parsed.masked.slice(fn.start, fn.end),
            errCalls.map((c) => c - fn.start),
          )
        )
          continue;
        const cfg = context.flow.cfg(file, fn);
        if (!cfg) continue;
        const flow = pointerFlow(cfg, env);
        for (const node of cfg.nodes) {
          if (node.kind !== 'cond' || !node.syntax || node.syntax === node.owner || node.owner?.type === 'switch_statement') continue;
          const before = flow.before[node.id];
          if (!before || before.size === 0 || !mentionsTracked(nodeTokens(node), before)) continue;
          const checked = errChecked(node);
          for (const t of nullTests(node.syntax)) {
            const place = placeOf(t.arg)!;
            if (checked.has(place)) continue;
            const err = factsOf(before, place, 'maybe-err');
            if (!err.length) continue;
            const api = err[0].callee!;
            const placeText = file.text.slice(t.arg.startIndex, t.arg.endIndex);
            const edits = [
              { start: t.node.startIndex, end: t.node.endIndex, text: t.whenNull ? `IS_ERR(${placeText})` : `!IS_ERR(${placeText})` },
            ];
            if (t.whenNull && node.owner?.type === 'if_statement') {
              const e = branchError(node.owner.childForFieldName('consequence'), placeText);
              if (e) edits.push(e);
            }
            const start = file.lines.positionAt(t.node.startIndex);
            const end = file.lines.positionAt(t.node.endIndex);
            context.report({
              file,
              line: start.line,
              column: start.character,
              endLine: end.line,
              endColumn: end.character,
              name: placeText,
              anchorLine: (node.owner ?? node.syntax).startPosition.row,
              related: err.map((f) => ({
                path: file.path,
                line: f.line!,
                column: 0,
                message: `${f.callee}() returns ERR_PTR() on failure`,
              })),
              message:
                `${api}() returns an ERR_PTR on failure, never NULL, so this NULL test of '${placeText}' misses the error ` +
                'and the ERR_PTR is later used as a pointer (ERR_PTR convention, include/linux/err.h: test with IS_ERR()).',
              data: { edits, api } satisfies Data,
            });
          }
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file = model.files.find((f) => f.path === finding.path);
    const data = finding.data as Data | undefined;
    if (!file || !data || !fixableText(file)) return [];
    const edits = data.edits.map((e) => replaceRange(file, e.start, e.end, e.text));
    const title = edits.length > 1 ? `Test ${finding.name} with IS_ERR() and return PTR_ERR()` : `Test ${finding.name} with IS_ERR()`;
    return [quickFix(file, title, edits, true), suppressionFix(file, this.meta.id, finding.anchorLine, 'this test')];
  },
  explain(finding) {
    const data = finding.data as Data | undefined;
    return (
      `**ERR_PTR tested against NULL**\n\n\`${data?.api ?? 'This function'}()\` reports failure by returning an error code ` +
      'encoded as a pointer (`ERR_PTR(-ENOMEM)`), never `NULL`. A `NULL` test is always false for it, so the failure ' +
      'goes unnoticed and the encoded error is later dereferenced or stored as if it were an object (an oops on a ' +
      'near-NULL address, or a bogus file handed to userspace). Test the result with `IS_ERR()` and propagate ' +
      '`PTR_ERR()` (or `ERR_CAST()`).'
    );
  },
};
