/**
 * The text transformations the script applies to a prototype before matching it:
 * comments and line breaks, `SYSCALL_DEFINEn`, tracepoints, storage classes and
 * attributes of functions.
 */
import { re, sub, subst } from './perlRe';

/** Comments, line breaks and leading blanks out; `int (*name)(...)` becomes `int name(...)`. */
export function cleanFunctionPrototype(prototype: string): string {
  let p = prototype;
  p = p.replace(/\/\*[\s\S]*?\*\//g, '');
  p = p.replace(/[\r\n]+/g, ' ');
  p = sub(p, '^\\s+', '', 'g');
  p = sub(p, '^(\\S+\\s+)\\(\\s*\\*(\\S+)\\)', '$1$2', 'gs');
  return p;
}

/** `SYSCALL_DEFINEn(name, type, arg, ...)` as `long sys_name(type arg, ...)` (the script's syscall_munge). */
export function syscallPrototype(prototype: string): string {
  let p = prototype.replace(/[\r\n]+/g, ' ');
  const isVoid = /SYSCALL_DEFINE0/.test(p);
  p = p.replace(/SYSCALL_DEFINE[^\n]*\(/, 'long sys_');
  if (/long (sys_[^\n]*?),/.test(p)) p = p.replace(',', '(');
  else if (isVoid) p = p.replace(')', '(void)');
  if (!isVoid) {
    let count = 0;
    let out = '';
    for (const c of p) {
      if (c === ',' && ++count % 2 === 1) out += ' ';
      else out += c;
    }
    p = out;
  }
  return p;
}

/**
 * `TRACE_EVENT(name, TP_PROTO(args), ...)` (or `DEFINE_EVENT`, `DEFINE_SINGLE_EVENT`) as
 * `static inline void trace_name(args)`; undefined for a format the script does not recognize.
 */
export function tracepointPrototype(p: string): string | undefined {
  let name: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = /TRACE_EVENT\(([^\n]*?),/.exec(p))) name = m[1];
  if ((m = /DEFINE_SINGLE_EVENT\(([^\n]*?),/.exec(p))) name = m[1];
  if ((m = /DEFINE_EVENT\(([^\n]*?),([^\n]*?),/.exec(p))) name = m[2];
  if (name !== undefined) name = sub(name, '^\\s+', '');
  const args = /TP_PROTO\(([^\n]*?)\)/.exec(p)?.[1];
  if (name === undefined || name === '0' || args === undefined || args === '0') return undefined;
  return `static inline void trace_${name}(${args})`;
}

/**
 * The prototype without storage classes, inline markers and attributes, and without
 * a leading `#define` (the second value says whether there was one).
 */
export function stripFunctionModifiers(prototype: string): [string, boolean] {
  let p = prototype;
  for (const s of [
    '^static +',
    '^extern +',
    '^asmlinkage +',
    '^inline +',
    '^__inline__ +',
    '^__inline +',
    '^__always_inline +',
    '^noinline +',
    '^__FORTIFY_INLINE +',
    '__init +',
    '__init_or_module +',
    '__deprecated +',
    '__flatten +',
    '__meminit +',
    '__must_check +',
    '__weak +',
    '__sched +',
    '_noprof',
    '__printf\\s*\\(\\s*\\d*\\s*,\\s*\\d*\\s*\\) +',
    '__(?:re)?alloc_size\\s*\\(\\s*\\d+\\s*(?:,\\s*\\d+\\s*)?\\) +',
    '__diagnose_as\\s*\\(\\s*\\S+\\s*(?:,\\s*\\d+\\s*)*\\) +',
  ])
    p = sub(p, s, '');
  p = sub(p, 'DECL_BUCKET_PARAMS\\s*\\(\\s*(\\S+)\\s*,\\s*(\\S+)\\s*\\)', '$1, $2');
  const [stripped, define] = subst(p, re('^#\\s*define\\s+'), '');
  p = stripped;
  p = sub(p, '__attribute_const__ +', '');
  // __attribute__((...)) with possessive quantifiers, emulated by lookahead + backreference.
  p = sub(p, '__attribute__\\s*\\(\\((?:(?=([\\w\\s]+))\\1(?:\\((?=([^)]*))\\2\\))?(?=(\\s*))\\3,?)+\\)\\)\\s+', '');
  return [p, define];
}
