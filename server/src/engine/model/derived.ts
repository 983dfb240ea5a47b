/**
 * Facts about a driver's handlers read from its code, written into templates and
 * reports as text so the author does not retype them: the migration state arcs a
 * set_state handler and its helpers implement (and the parent calls on each arc),
 * how read/write handlers bound `*pos` and `len`, the locks a handler takes, what
 * release frees and whether it takes the lock reset takes.
 *
 * Text-level, like the rest of the fact layer: comments are blanked (same length),
 * `if (...)` conditions and bodies are found by bracket matching.
 */
import type { FunctionFact } from './facts';
import type { DriverModel, HandlerItem, ParentCallItem } from './driver';
import type { SourceFile } from './sourceFile';

export interface LocalFunction {
  file: SourceFile;
  fn: FunctionFact;
}

export interface StateArc {
  from: string;
  to: string;
  /** The function whose condition names the arc. */
  where: string;
  /** 0-based line of the condition. */
  line: number;
  /** Parent calls made on the arc (its branch and the driver's functions called there), `callee() (parent)`. */
  parentCalls: { callee: string; parent: string }[];
}

const blanked = new WeakMap<SourceFile, string>();

/** The file's text with comments and string literals blanked (same offsets, line breaks kept). */
export function codeText(file: SourceFile): string {
  let t = blanked.get(file);
  if (t === undefined) {
    t = file.text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, (m) => m.replace(/[^\n]/g, ' '));
    blanked.set(file, t);
  }
  return t;
}

/** Offset of the bracket closing the one at `open`, or -1. */
function matching(text: string, open: number, end: number): number {
  const o = text[open];
  const c = o === '(' ? ')' : o === '{' ? '}' : ']';
  let depth = 0;
  for (let i = open; i < end; i++) {
    if (text[i] === o) depth++;
    else if (text[i] === c && --depth === 0) return i;
  }
  return -1;
}

/** The driver's own functions by name. */
export function localFunctions(model: DriverModel): Map<string, LocalFunction> {
  const out = new Map<string, LocalFunction>();
  for (const file of model.files) for (const fn of file.facts.functions) if (!out.has(fn.name)) out.set(fn.name, { file, fn });
  return out;
}

/** Names of the driver's functions called between two offsets of a function. */
function localCallsIn(model: DriverModel, lf: LocalFunction, from: number, to: number, locals: Map<string, LocalFunction>): string[] {
  const out: string[] = [];
  for (const c of lf.file.facts.calls)
    if (c.fn === lf.fn.name && c.start >= from && c.start < to && locals.has(c.callee)) out.push(c.callee);
  return out;
}

/** Parent calls between two offsets of a function, and in the driver functions called there (transitively, bounded). */
function parentCallsIn(
  model: DriverModel,
  lf: LocalFunction,
  from: number,
  to: number,
  locals: Map<string, LocalFunction>,
  seen = new Set<string>(),
): ParentCallItem[] {
  const out = model.parentCalls.filter((p) => p.file === lf.file && p.fn === lf.fn && p.call.start >= from && p.call.start < to);
  if (seen.size > 40) return out;
  for (const name of localCallsIn(model, lf, from, to, locals)) {
    if (seen.has(name)) continue;
    seen.add(name);
    const callee = locals.get(name)!;
    out.push(...parentCallsIn(model, callee, callee.fn.start, callee.fn.end, locals, seen));
  }
  return out;
}

/** The functions reachable from `root` through the driver's own calls (root first), bounded. */
export function reachable(model: DriverModel, root: LocalFunction, locals: Map<string, LocalFunction>, limit = 24): LocalFunction[] {
  const out = [root];
  const seen = new Set([root.fn.name]);
  for (let i = 0; i < out.length && out.length < limit; i++) {
    for (const name of localCallsIn(model, out[i], out[i].fn.start, out[i].fn.end, locals)) {
      if (seen.has(name)) continue;
      seen.add(name);
      out.push(locals.get(name)!);
    }
  }
  return out;
}

interface Branch {
  condStart: number;
  cond: string;
  bodyStart: number;
  bodyEnd: number;
}

/** `if (cond) body` statements of a function. */
function branches(lf: LocalFunction): Branch[] {
  const text = codeText(lf.file);
  const out: Branch[] = [];
  const re = /\bif\s*\(/g;
  re.lastIndex = lf.fn.start;
  for (let m = re.exec(text); m && m.index < lf.fn.end; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matching(text, open, lf.fn.end);
    if (close < 0) continue;
    let b = close + 1;
    while (b < lf.fn.end && /\s/.test(text[b])) b++;
    let end: number;
    if (text[b] === '{') end = matching(text, b, lf.fn.end);
    else end = text.indexOf(';', b);
    if (end < 0) continue;
    out.push({ condStart: m.index, cond: text.slice(open + 1, close), bodyStart: b, bodyEnd: end + 1 });
  }
  return out;
}

const FROM_NAME = /cur|old|from|prev|orig/i;
const TO_NAME = /new|next|target|to$/i;
const STATE_PAIR = /([\w>.-]+)\s*==\s*VFIO_DEVICE_STATE_(\w+)\s*&&\s*([\w>.-]+)\s*==\s*VFIO_DEVICE_STATE_(\w+)/g;

/**
 * The arcs of the migration state machine a set_state handler implements: every
 * `cur == VFIO_DEVICE_STATE_X && new == VFIO_DEVICE_STATE_Y` condition in it and the
 * driver functions it reaches, with the parent calls made on each arc.
 */
export function stateArcs(model: DriverModel, h: HandlerItem): StateArc[] {
  const locals = localFunctions(model);
  const root = { file: h.file, fn: h.fn };
  const arcs: StateArc[] = [];
  const seen = new Set<string>();
  for (const lf of reachable(model, root, locals)) {
    for (const br of branches(lf)) {
      for (const m of br.cond.matchAll(STATE_PAIR)) {
        let [from, to] = [m[2], m[4]];
        if (TO_NAME.test(m[1]) || (FROM_NAME.test(m[3]) && !FROM_NAME.test(m[1]))) [from, to] = [to, from];
        const key = `${from}>${to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const calls = parentCallsIn(model, lf, br.bodyStart, br.bodyEnd, locals);
        const unique = new Map<string, { callee: string; parent: string }>();
        for (const c of calls) unique.set(c.call.callee, { callee: c.call.callee, parent: c.parent });
        arcs.push({ from, to, where: lf.fn.name, line: lf.file.lines.positionAt(br.condStart).line, parentCalls: [...unique.values()] });
      }
    }
    // `switch (new) { case VFIO_DEVICE_STATE_Y: ... }`: arcs into Y from any state (out of Y for `switch (cur)`).
    for (const sw of switchCases(lf)) {
      const isFrom = FROM_NAME.test(sw.subject) && !TO_NAME.test(sw.subject);
      if (!isFrom && !TO_NAME.test(sw.subject)) continue;
      const [from, to] = isFrom ? [sw.state, 'any'] : ['any', sw.state];
      const key = `${from}>${to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const unique = new Map<string, { callee: string; parent: string }>();
      for (const c of parentCallsIn(model, lf, sw.start, sw.end, locals))
        unique.set(c.call.callee, { callee: c.call.callee, parent: c.parent });
      arcs.push({ from, to, where: lf.fn.name, line: lf.file.lines.positionAt(sw.start).line, parentCalls: [...unique.values()] });
    }
  }
  return arcs;
}

/** `case VFIO_DEVICE_STATE_X:` labels of `switch (subject)` statements in a function, each with the code up to the next label. */
function switchCases(lf: LocalFunction): { subject: string; state: string; start: number; end: number }[] {
  const text = codeText(lf.file);
  const out: { subject: string; state: string; start: number; end: number }[] = [];
  const re = /\bswitch\s*\(/g;
  re.lastIndex = lf.fn.start;
  for (let m = re.exec(text); m && m.index < lf.fn.end; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const close = matching(text, open, lf.fn.end);
    if (close < 0) continue;
    const brace = text.indexOf('{', close);
    const end = brace < 0 ? -1 : matching(text, brace, lf.fn.end);
    if (end < 0) continue;
    const subject = text.slice(open + 1, close).trim();
    const body = text.slice(brace, end);
    const labels = [...body.matchAll(/\b(?:case\s+([\w\s|+]+?)|default)\s*:(?!:)/g)];
    labels.forEach((l, i) => {
      const states = [...(l[1] ?? '').matchAll(/VFIO_DEVICE_STATE_(\w+)/g)].map((x) => x[1]);
      const from = brace + l.index! + l[0].length;
      const to = i + 1 < labels.length ? brace + labels[i + 1].index! : end;
      for (const state of states) out.push({ subject, state, start: from, end: to });
    });
  }
  return out;
}

/** The text of `if` conditions and assignments in a function that bound a position or length. */
export function boundsChecks(h: HandlerItem): { pos?: string; len?: string; checks: string[] } {
  const params = h.fn.params.map((p) => p.name);
  // read/write: (struct file *, char __user *buf, size_t len, loff_t *pos)
  const len = params[2];
  const pos = params[3];
  const lf = { file: h.file, fn: h.fn };
  const text = codeText(h.file);
  const names = [len, pos].filter(Boolean).map((n) => n.replace(/\W/g, ''));
  if (!names.length) return { checks: [] };
  const mentions = new RegExp(`\\b(?:${names.join('|')})\\b`);
  const checks: string[] = [];
  for (const br of branches(lf)) if (mentions.test(br.cond)) checks.push(`if (${squeeze(br.cond)})`);
  const body = text.slice(h.fn.start, h.fn.end);
  const assign = new RegExp(`\\b(${names.join('|')})\\s*=\\s*(min|min_t|clamp|clamp_t)\\s*\\(`, 'g');
  for (const m of body.matchAll(assign)) {
    const open = h.fn.start + m.index! + m[0].length - 1;
    const close = matching(text, open, h.fn.end);
    if (close > 0) checks.push(`${m[1]} = ${squeeze(text.slice(h.fn.start + m.index! + m[0].indexOf(m[2]), close + 1))}`);
  }
  return { pos, len, checks: [...new Set(checks)] };
}

function squeeze(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 90 ? `${t.slice(0, 87)}...` : t;
}

const LOCK_CALL =
  /\b(mutex_lock(?:_interruptible|_killable|_nested)?|spin_lock(?:_irqsave|_irq|_bh)?|raw_spin_lock\w*|down_(?:read|write)(?:_killable|_interruptible)?|guard\s*\(\s*\w+\s*\))\s*\(\s*&?\s*([^,;()]+(?:\([^()]*\))?[^,;()]*)/g;

/** A driver function that takes a lock for its caller (`mlx5vf_state_mutex_lock`); not `_locked` ones, which expect it held. */
const LOCK_HELPER = /lock/i;
const NOT_LOCK_HELPER = /unlock|_locked$|^(?:mutex|spin|raw_spin|down|up|read|write|lockdep|guard)_|^lock/;

/** Locks a function takes directly (`mutex_lock(&x->lock)` -> `x->lock`), and the driver's lock helpers it calls. */
export function locksTaken(lf: LocalFunction): { locks: string[]; helpers: string[] } {
  const body = codeText(lf.file).slice(lf.fn.start, lf.fn.end);
  const locks = new Set<string>();
  for (const m of body.matchAll(LOCK_CALL)) locks.add(m[2].replace(/\s+/g, ''));
  const helpers = new Set<string>();
  for (const c of lf.file.facts.calls)
    if (c.fn === lf.fn.name && LOCK_HELPER.test(c.callee) && !NOT_LOCK_HELPER.test(c.callee)) helpers.add(c.callee);
  return { locks: [...locks], helpers: [...helpers] };
}

/** The last member name of a lock expression (`mvdev->state_mutex` -> `state_mutex`). */
export function lockName(expr: string): string {
  return /(\w+)\W*$/.exec(expr)?.[1] ?? expr;
}

/** Locks taken by a function and by the driver functions it calls (one level), as member names. */
function lockNamesDeep(model: DriverModel, lf: LocalFunction, locals: Map<string, LocalFunction>): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of reachable(model, lf, locals, 6)) for (const l of locksTaken(f).locks) if (!out.has(lockName(l))) out.set(lockName(l), l);
  return out;
}

const FREES =
  /(?:^|_)(?:free|kfree|kvfree|vfree|put|release|destroy|cleanup|disable|unmap|unpin|remove|fput|dealloc|uninit)(?:_|$)|^k(?:v)?free$|^fput$/;

export interface ReleaseFacts {
  frees: string[];
  /** Lock expressions taken by release and the driver functions it calls (compared with reset's by member name). */
  locks: string[];
  /** The reset path's functions and the locks they take. */
  reset?: { fns: string[]; locks: string[] };
  sharedWithReset: string[];
}

/** What a release handler frees (calls that free, put or disable, itself and one level down) and its locks vs reset's. */
export function releaseFacts(model: DriverModel, h: HandlerItem): ReleaseFacts {
  const locals = localFunctions(model);
  const root = { file: h.file, fn: h.fn };
  const frees = new Set<string>();
  for (const lf of reachable(model, root, locals, 6))
    for (const c of lf.file.facts.calls) if (c.fn === lf.fn.name && FREES.test(c.callee) && !locals.has(c.callee)) frees.add(c.callee);
  const own = lockNamesDeep(model, root, locals);
  const locks = [...own.values()];
  const resetFns: LocalFunction[] = [];
  for (const file of model.files) {
    for (const init of file.facts.opsInits)
      for (const m of init.members) if (/^reset_(?:done|prepare)$/.test(m.member) && locals.has(m.fn)) resetFns.push(locals.get(m.fn)!);
  }
  let reset: ReleaseFacts['reset'];
  const shared: string[] = [];
  if (resetFns.length) {
    const resetLocks = new Map<string, string>();
    for (const r of resetFns) for (const [n, e] of lockNamesDeep(model, r, locals)) if (!resetLocks.has(n)) resetLocks.set(n, e);
    reset = { fns: [...new Set(resetFns.map((r) => r.fn.name))], locks: [...resetLocks.values()] };
    for (const [n, e] of own) if (resetLocks.has(n)) shared.push(e);
  }
  return { frees: [...frees], locks, ...(reset ? { reset } : {}), sharedWithReset: shared };
}
