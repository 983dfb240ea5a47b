import { fixableText, quickFix, replaceRange, suppressionFix } from '../fixes/edits';
import { freesParam } from '../flow/driverPointers';
import { argsOf, calleeOf, nodeDigest, nodeTokens, placeOf, prepareCfg, stripValue } from '../flow/pointerSyntax';
import { solveForward } from '../flow/dataflow';
import type { FlowNode } from '../flow/cfg';
import { FILE_OPS, type DriverModel } from '../model/driver';
import type { SourceFile } from '../model/sourceFile';
import type { SyntaxNode } from '../syntax/cParser';
import { freedArgIndex, isFree } from '../tables/memory';
import type { Rule } from './rule';

interface FileField {
  /** The release handler that frees the file's private data, and the free it uses. */
  release: string;
  frees: string;
}

interface Data {
  object: string;
  release: string;
  frees: string;
  fputLine: number;
  /** The free statement, when it is alone on its lines: the fix deletes them. */
  remove?: { start: number; end: number };
}

const ANON_GETFILE = /^anon_inode_(?:getfile|getfile_fmode|create_getfile)$/;

/**
 * Fields that hold a file made by anon_inode_getfile() with the object itself as
 * private data (`migf->filp = anon_inode_getfile(name, &fops, migf, flags)`), whose
 * release handler frees that private data.
 */
function releasingFields(model: DriverModel): Map<string, FileField> {
  const releases = new Map<string, string>(); // fops variable -> release handler
  for (const h of model.handlers)
    for (const w of h.wiring) if (w.ops === FILE_OPS && w.member === 'release') releases.set(w.variable, h.fn.name);
  const out = new Map<string, FileField>();
  if (!releases.size) return out;
  const freeingRelease = (fn: string) => freesParam(model, fn, 1, 'private_data');
  for (const file of model.files) {
    if (!file.facts.calls.some((c) => ANON_GETFILE.test(c.callee))) continue;
    for (const fact of file.facts.calls) {
      if (!ANON_GETFILE.test(fact.callee)) continue;
      let call: SyntaxNode | null = file.parsed.tree.rootNode.descendantForIndex(fact.start, fact.start + fact.callee.length);
      while (call && call.type !== 'call_expression') call = call.parent;
      if (!call) continue;
      const args = argsOf(call);
      const priv = placeOf(args[2]);
      const assign = call.parent?.type === 'assignment_expression' ? call.parent : undefined;
      const target = assign ? placeOf(assign.childForFieldName('left')) : undefined;
      if (!priv || !target || !target.startsWith(`${priv}->`)) continue;
      const field = target.slice(priv.length + 2);
      if (field.includes('->') || field.includes('.')) continue;
      // `&save_fops`: that variable's release; a parameter: every migration file's release must free.
      const fopsArg = stripValue(args[1]);
      const fopsName = fopsArg?.type === 'pointer_expression' ? placeOf(fopsArg.childForFieldName('argument')) : undefined;
      const candidates = fopsName && releases.has(fopsName) ? [releases.get(fopsName)!] : [...new Set(releases.values())];
      const frees = candidates.map((r) => ({ r, f: freeingRelease(r) }));
      if (!frees.length || frees.some((x) => !x.f)) continue;
      out.set(field, { release: frees[0].r, frees: frees[0].f! });
    }
  }
  return out;
}

/**
 * Path facts: `put:<object>:<line>` (the file of `object` was put with no extra
 * reference left: its release ran or will run), `ref:<object>` (get_file() took an
 * extra reference), `alias:<local>=<object>` (a local holds `object->field`).
 */
type State = ReadonlySet<string>;

function fileOwner(n: SyntaxNode | undefined | null, fields: Map<string, FileField>, s: State): { obj: string; field: string } | undefined {
  const p = placeOf(n);
  if (!p) return undefined;
  const m = /^(.*)->([A-Za-z_]\w*)$/.exec(p);
  if (m && fields.has(m[2])) return { obj: m[1], field: m[2] };
  for (const f of s) {
    if (!f.startsWith(`alias:${p}=`)) continue;
    const [obj, field] = f.slice(`alias:${p}=`.length).split('#');
    return { obj, field };
  }
  return undefined;
}

function withoutObject(s: Set<string>, obj: string): void {
  for (const f of [...s]) {
    if (f === `ref:${obj}` || f.startsWith(`put:${obj}:`) || f.includes(`=${obj}#`)) s.delete(f);
  }
}

interface FreeEvent {
  node: SyntaxNode;
  object: string;
  free: string;
  putLine: number;
  field: string;
}

function transfer(node: FlowNode, before: State, fields: Map<string, FileField>, model: DriverModel, events?: FreeEvent[]): State {
  const syn = node.syntax;
  if (!syn || node.kind === 'label' || (node.kind === 'cond' && syn === node.owner)) return before;
  const toks = nodeTokens(node);
  if (
    !toks.has('fput') &&
    !toks.has('get_file') &&
    ![...fields.keys()].some((f) => toks.has(f)) &&
    !(before.size && [...toks].some((t) => before.has(`ref:${t}`) || [...before].some((f) => f.includes(t))))
  )
    return before;
  let s: Set<string> | undefined;
  const w = () => (s ??= new Set(before));
  for (const n of nodeDigest(node).events) {
    const cur: State = s ?? before;
    if (n.type === 'call_expression') {
      const callee = calleeOf(n);
      if (!callee) continue;
      const args = argsOf(n);
      if (callee === 'get_file') {
        const owner = fileOwner(args[0], fields, cur);
        if (owner) w().add(`ref:${owner.obj}`);
      } else if (callee === 'fput') {
        const owner = fileOwner(args[0], fields, cur);
        if (!owner) continue;
        if (cur.has(`ref:${owner.obj}`)) w().delete(`ref:${owner.obj}`);
        else w().add(`put:${owner.obj}:${n.startPosition.row}:${owner.field}`);
      } else {
        const idx = isFree(callee) ? freedArgIndex(callee) : -1;
        const freed = idx >= 0 ? placeOf(args[idx]) : undefined;
        const helperFrees = (i: number) => idx < 0 && !!freesParam(model, callee, i);
        for (let i = 0; i < args.length; i++) {
          const obj = i === idx ? freed : placeOf(args[i]);
          if (!obj) continue;
          const put = [...cur].find((f) => f.startsWith(`put:${obj}:`));
          if (!put || !(i === idx || helperFrees(i))) continue;
          const [line, field] = put.slice(`put:${obj}:`.length).split(':');
          events?.push({ node: n, object: obj, free: callee, putLine: Number(line), field });
          withoutObject(w(), obj);
        }
      }
      continue;
    }
    const lhs = n.type === 'init_declarator' ? declName(n) : placeOf(n.childForFieldName('left'));
    const rhs = n.type === 'init_declarator' ? n.childForFieldName('value') : n.childForFieldName('right');
    if (!lhs) continue;
    if ([...cur].some((f) => f.startsWith(`alias:${lhs}=`) || f === `ref:${lhs}` || f.startsWith(`put:${lhs}:`))) {
      withoutObject(w(), lhs);
      for (const f of [...w()]) if (f.startsWith(`alias:${lhs}=`)) w().delete(f);
    }
    const owner = fileOwner(rhs, fields, cur);
    if (owner && !lhs.includes('->')) w().add(`alias:${lhs}=${owner.obj}#${owner.field}`);
  }
  return s ?? before;
}

function declName(n: SyntaxNode): string | undefined {
  let d: SyntaxNode | null = n.childForFieldName('declarator');
  while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
  return d?.text;
}

/** The statement around `call` when it stands alone on its lines: those lines. */
function removableStatement(file: SourceFile, call: SyntaxNode): { start: number; end: number } | undefined {
  const stmt = call.parent;
  if (stmt?.type !== 'expression_statement') return undefined;
  const startLine = stmt.startPosition.row;
  const endLine = stmt.endPosition.row;
  const start = file.lines.lineStart(startLine);
  const end = endLine + 1 < file.lines.lineCount ? file.lines.lineStart(endLine + 1) : file.text.length;
  if (file.text.slice(start, end).trim() !== file.text.slice(stmt.startIndex, stmt.endIndex).trim()) return undefined;
  if (stmt.parent?.type !== 'compound_statement' && stmt.parent?.type !== 'labeled_statement') return undefined;
  if (stmt.parent.type === 'labeled_statement') return undefined;
  return { start, end };
}

const escapeRe = (t: string) => t.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/**
 * Text prefilter: after `fput(obj->field)` (or of a local copied from it), does the
 * text free `obj`, or pass it first to one of the driver's functions that frees it?
 */
function mayFreeAfterPut(model: DriverModel, text: string, fields: Map<string, FileField>): boolean {
  for (const m of text.matchAll(/\bfput\s*\(\s*([A-Za-z_][\w>.-]*?)\s*\)/g)) {
    let obj: string | undefined;
    const fm = /^(.*)->([A-Za-z_]\w*)$/.exec(m[1]);
    if (fm && fields.has(fm[2])) obj = fm[1];
    else if (!fm) {
      const alias = new RegExp(`\\b${escapeRe(m[1])}\\s*=\\s*([A-Za-z_][\\w>.-]*?)->([A-Za-z_]\\w*)\\s*;`).exec(text);
      if (alias && fields.has(alias[2])) obj = alias[1];
    }
    if (!obj) continue;
    const call = new RegExp(`\\b([A-Za-z_]\\w*)\\s*\\(\\s*${escapeRe(obj)}\\s*[,)]`, 'g');
    for (const c of text.slice(m.index + m[0].length).matchAll(call)) {
      if (isFree(c[1]) || freesParam(model, c[1], 0)) return true;
    }
  }
  return false;
}

/** fput() of a migration file whose release frees the object, then a free of that object. */
export const doubleFreeViaRelease: Rule = {
  meta: {
    id: 'double-free-via-release',
    type: 'problem',
    defaultSeverity: 'error',
    description:
      "After fput() of a file whose .release frees its private data, the object must not be freed again: the file's release already freed it.",
    docs: 'docs/rules/double-free-via-release.md',
    fixable: true,
    flow: true,
  },
  create(context) {
    const model = context.model;
    const fields = releasingFields(model);
    if (!fields.size) return;
    for (const file of model.files) {
      const candidates = new Set<string>();
      for (const c of file.facts.calls) if (c.fn && c.callee === 'fput') candidates.add(c.fn);
      for (const fn of file.facts.functions) {
        if (!candidates.has(fn.name) || !mayFreeAfterPut(model, file.parsed.masked.slice(fn.start, fn.end), fields)) continue;
        const cfg = context.flow.cfg(file, fn);
        if (!cfg) continue;
        prepareCfg(cfg);
        const flow = solveForward<State>(cfg, {
          initial: new Set(),
          transfer: (n, b) => transfer(n, b, fields, model),
          join: (a, b) => (a === b ? a : new Set([...a, ...b])),
          equals: (a, b) => a.size === b.size && [...a].every((x) => b.has(x)),
        });
        const reported = new Set<string>();
        for (const node of cfg.nodes) {
          const before = flow.before[node.id];
          if (!before || ![...before].some((f) => f.startsWith('put:'))) continue;
          const events: FreeEvent[] = [];
          transfer(node, before, fields, model, events);
          for (const e of events) {
            const key = `${e.node.startIndex}`;
            if (reported.has(key)) continue;
            reported.add(key);
            const info = fields.get(e.field)!;
            const start = file.lines.positionAt(e.node.startIndex);
            const end = file.lines.positionAt(e.node.endIndex);
            const fputLine = e.putLine;
            const remove = isFree(e.free) ? removableStatement(file, e.node) : undefined;
            context.report({
              file,
              line: start.line,
              column: start.character,
              endLine: end.line,
              endColumn: end.character,
              name: e.object,
              anchorLine: e.node.startPosition.row,
              related: [
                { path: file.path, line: fputLine, column: 0, message: `fput() here runs ${info.release}(), which frees '${e.object}'` },
              ],
              message:
                `fput() on line ${fputLine + 1} drops the last reference to the file whose ${info.release}() frees '${e.object}', ` +
                `so ${e.free}() here frees it a second time (double free: the file's .release owns its private data).`,
              data: { object: e.object, release: info.release, frees: info.frees, fputLine, ...(remove ? { remove } : {}) } satisfies Data,
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
    const fixes = [];
    if (data.remove) {
      fixes.push(
        quickFix(
          file,
          `Remove the second free of ${data.object} (${data.release}() frees it)`,
          [replaceRange(file, data.remove.start, data.remove.end, '')],
          true,
        ),
      );
    }
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, 'this free'));
    return fixes;
  },
  explain(finding) {
    const data = finding.data as Data | undefined;
    return (
      '**Double free through the file’s release**\n\nA migration file made by `anon_inode_getfile(name, &fops, migf, flags)` ' +
      `owns \`${data?.object ?? 'migf'}\`: when its last reference is dropped, \`${data?.release ?? '.release'}()\` runs and frees it. ` +
      'After `fput()` of that file on an error path the object is gone (or will be, once the deferred release runs), so freeing ' +
      'it again corrupts the allocator. After `fput()`, only return; if the function took an extra `get_file()` reference first, ' +
      'the release has not run and the object is still the caller’s.'
    );
  },
};
