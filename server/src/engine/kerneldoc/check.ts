/**
 * scripts/kernel-doc -none -Wall, ported: which comments are kernel-doc, how the
 * prototype after one is read, and every warning the script prints with -Wall
 * (-Wreturn, -Wshort-desc, -Wcontents-before-sections), with the script's wording and
 * line numbers. Linux 6.12's scripts/kernel-doc is the spec: the state machine, its
 * regular expressions and its quirks (state carried from one file to the next in one
 * run, `$1` kept from earlier matches, prototypes cut at `{`, `;` or `#define`) are
 * mirrored on purpose. The text is handled as bytes (Latin-1), as Perl reads it.
 *
 * Used by the `kernel-doc-invalid` rule (one file, fresh state) and by
 * `vfio-variant kernel-doc FILE...` (one checker for all files, like one script run).
 */
import { re, split, splitWords, truthy } from './perlRe';

export type KernelDocKind =
  | 'param-undescribed'
  | 'param-excess'
  | 'member-excess'
  | 'return-missing'
  | 'prototype-mismatch'
  | 'prototype-unparsed'
  | 'not-kernel-doc'
  | 'short-description-missing'
  | 'identifier-wrong'
  | 'doc-line-unexpected'
  | 'duplicate-section'
  | 'suspicious-ending'
  | 'bad-line'
  | 'inline-misuse'
  | 'enum-undescribed'
  | 'enum-excess'
  | 'contents-before-sections'
  | 'tracepoint-unrecognized'
  | 'parse-error';

/** Where the comment a warning is about lies (1-based lines), for fixes. */
export interface KernelDocComment {
  /** The `/**` line. */
  start: number;
  /** The line holding the closing `* /` (0 while unknown). */
  end: number;
  /** `@name:` section lines (name as the script keys it). */
  params: Record<string, number>;
  /** The `name - purpose` line. */
  nameLine: number;
  /** Line of a `Return:` section, if any. */
  returnLine?: number;
}

export interface KernelDocWarning {
  file: string;
  /** 1-based, the script's `$.` when it warned. */
  line: number;
  severity: 'warning' | 'error';
  /** The text after `warning: ` (may span lines, as the script prints it), without the final newline. */
  message: string;
  kind: KernelDocKind;
  /** Parameter, member, section or identifier the warning names. */
  name?: string;
  /** The declaration's name (as parsed from the prototype). */
  decl?: string;
  /** The kernel-doc comment (absent for warnings on the comment's first lines that end it). */
  comment?: KernelDocComment;
}

const enum S {
  NORMAL,
  NAME,
  BODY_MAYBE,
  BODY,
  BODY_WITH_BLANK_LINE,
  PROTO,
  DOCBLOCK,
  INLINE,
}
const enum I {
  NA,
  NAME,
  TEXT,
  END,
  ERROR,
}

const SECTION_DEFAULT = 'Description';
const SECTION_INTRO = 'Introduction';
const SECTION_CONTEXT = 'Context';
const SECTION_RETURN = 'Return';
const UNDESCRIBED = '-- undescribed --';

const DOC_START = '^/\\*\\*\\s*$';
const DOC_END = '\\*/';
const DOC_COM = '\\s*\\*\\s*';
const DOC_COM_BODY = '\\s*\\* ?';
const DOC_DECL = DOC_COM + '(\\w+)';
const DOC_SECT = DOC_COM + '\\s*(\\@[.\\w]+|\\@\\.\\.\\.|description|context|returns?|notes?|examples?)\\s*:([^:].*)?$';
const DOC_CONTENT = DOC_COM_BODY + '(.*)';
const DOC_BLOCK = DOC_COM + 'DOC:\\s*(.*)?';
const DOC_INLINE_START = '^\\s*/\\*\\*\\s*$';
const DOC_INLINE_SECT = '\\s*\\*\\s*(@\\s*[\\w][\\w\\.]*\\s*):(.*)';
const DOC_INLINE_END = '^\\s*\\*/\\s*$';
const DOC_INLINE_ONELINE = '^\\s*/\\*\\*\\s*(@[\\w\\s]+):\\s*(.*)\\s*\\*/\\s*$';
const ATTRIBUTE = '__attribute__\\s*\\(\\([a-z0-9,_\\*\\s\\(\\)]*\\)\\)';
const TYPE_PARAM = '\\@(\\w*((\\.\\w+)|(->\\w+))*(\\.\\.\\.)?)';

const CONTINUED = re('\\\\\\s*$');

/** Perl's `s/re/rep/`: replaces and says whether it did. */
function subst(s: string, r: RegExp, rep: string | ((...m: string[]) => string)): [string, boolean] {
  r.lastIndex = 0;
  const hit = r.test(s);
  r.lastIndex = 0;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return hit ? [s.replace(r, rep as any), true] : [s, false];
}

function sub(s: string, src: string, rep: string | ((...m: string[]) => string), flags = ''): string {
  return subst(s, re(src, flags), rep)[0];
}

/** UTF-16 text -> the byte string Perl would read (UTF-8 bytes as Latin-1 characters). */
export function toByteString(text: string): string {
  // Pure ASCII needs no conversion (the common case).
  if (!/[^\x00-\x7f]/.test(text)) return text;
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** Expands a run of tabs the way the script does (`' ' x (length($&) * 8 - length($`) % 8)`). */
function expandTabs(s: string): string {
  let i = s.indexOf('\t');
  while (i >= 0) {
    let j = i;
    while (s[j] === '\t') j++;
    s = s.slice(0, i) + ' '.repeat((j - i) * 8 - (i % 8)) + s.slice(j);
    i = s.indexOf('\t', i);
  }
  return s;
}

/** The script's -W switches the checker honours (both on: -Wall). */
export interface KernelDocOptions {
  wreturn: boolean;
  wshortDesc: boolean;
}

/**
 * One run of the script: feed files in order with `check()`. State left open at the
 * end of one file carries into the next, as in the script.
 */
export class KernelDocChecker {
  private file = '';
  private filesRead = 0;
  private lineNo = 0;
  private line = '';
  private warnings: KernelDocWarning[] = [];

  private state = S.NORMAL;
  private inlineDocState = I.NA;
  private inDocSect = false;
  private leadingSpace: string | undefined;
  private declType = '';
  private identifier = '';
  private declarationPurpose = '';
  private declarationName = '';
  /** Kept like the script's global (read by fixes through warnings). */
  returnType = '';
  private prototype = '';
  private brcount = 0;
  private parameterdescs = new Map<string, string>();
  private parameterlist: string[] = [];
  private sections = new Map<string, string>();
  private sectionlist: string[] = [];
  private sectcheck = '';
  private structActual = '';
  private contents = '';
  private section = SECTION_DEFAULT;
  private anonStructUnion = false;
  /** The comment being read or whose prototype is being read. */
  private comment: KernelDocComment | undefined;
  private readonly options: KernelDocOptions;

  constructor(options: KernelDocOptions = { wreturn: true, wshortDesc: true }) {
    this.options = options;
  }

  /** Checks one file's text (a byte string from `toByteString`, or ASCII). */
  check(file: string, bytes: string): KernelDocWarning[] {
    this.file = file;
    this.warnings = [];
    // The script sets `$. = 1` before reading each file; from the second file of a run on,
    // that lands on the reused IN_FILE handle, so its line numbers there are one too high.
    let n = this.filesRead++ > 0 ? 1 : 0;
    const len = bytes.length;
    // Lines are sliced only when they can matter: outside comments, a `/**` line at column 0
    // or a line continued by a backslash (which swallows the next line).
    let nextBackslash = bytes.indexOf('\\');
    let from = 0;
    const nextLine = (): string => {
      const nl = bytes.indexOf('\n', from);
      const end = nl < 0 ? len : nl + 1;
      const line = bytes.slice(from, end);
      from = end;
      n++;
      return line;
    };
    while (from < len) {
      if (this.state === S.NORMAL) {
        if (nextBackslash >= 0 && nextBackslash < from) nextBackslash = bytes.indexOf('\\', from);
        const nl = bytes.indexOf('\n', from);
        const end = nl < 0 ? len : nl + 1;
        if (!bytes.startsWith('/**', from) && (nextBackslash < 0 || nextBackslash >= end)) {
          from = end;
          n++;
          continue;
        }
      }
      let line = nextLine();
      // while (!/^ \*/ && s/\\\s*$//) { $_ .= <IN_FILE>; }
      while (line.includes('\\') && !line.startsWith(' *')) {
        const [joined, did] = subst(line, CONTINUED, '');
        if (!did) break;
        line = joined;
        if (from < len) line += nextLine();
      }
      // Outside comments only a `/**` line at column 0 matters (and tabs do not change that).
      if (this.state === S.NORMAL && !line.startsWith('/**')) continue;
      this.lineNo = n;
      this.line = expandTabs(line);
      this.step();
    }
    return this.warnings;
  }

  private warn(kind: KernelDocKind, message: string, extra: Partial<KernelDocWarning> = {}): void {
    this.warnings.push({
      file: this.file,
      line: this.lineNo,
      severity: 'warning',
      message: message.replace(/\n$/, ''),
      kind,
      ...(this.comment ? { comment: this.comment } : {}),
      ...extra,
    });
  }

  private error(message: string): void {
    this.warnings.push({
      file: this.file,
      line: this.lineNo,
      severity: 'error',
      message,
      kind: 'parse-error',
      ...(this.comment ? { comment: this.comment } : {}),
    });
  }

  private step(): void {
    switch (this.state) {
      case S.NORMAL:
        return this.processNormal();
      case S.NAME:
        return this.processName();
      case S.BODY:
      case S.BODY_MAYBE:
      case S.BODY_WITH_BLANK_LINE:
        return this.processBody();
      case S.INLINE:
        return this.processInline();
      case S.PROTO:
        return this.processProto();
      case S.DOCBLOCK:
        return this.processDocblock();
    }
  }

  private resetState(): void {
    this.parameterdescs = new Map();
    this.parameterlist = [];
    this.sections = new Map();
    this.sectionlist = [];
    this.sectcheck = '';
    this.structActual = '';
    this.prototype = '';
    this.state = S.NORMAL;
    this.inlineDocState = I.NA;
  }

  private processNormal(): void {
    if (re(DOC_START).test(this.line)) {
      this.state = S.NAME;
      this.inDocSect = false;
      this.comment = { start: this.lineNo, end: 0, params: {}, nameLine: this.lineNo + 1 };
    }
  }

  private processName(): void {
    const _ = this.line;
    let m: RegExpExecArray | null;
    if ((m = re(DOC_BLOCK).exec(_))) {
      this.state = S.DOCBLOCK;
      this.contents = '';
      this.section = !m[1] ? SECTION_INTRO : m[1];
    } else if ((m = re(DOC_DECL).exec(_))) {
      this.identifier = m[1];
      let isKernelComment = false;
      const declStart = DOC_COM;
      const fnType = '(?:\\w+\\s*\\*\\s*)';
      const parenthesis = '(?:\\(\\w*\\))';
      const declEnd = '(?:[-:].*)';
      if ((m = re(`^${declStart}([\\w\\s]+?)${parenthesis}?\\s*${declEnd}?$`).exec(_))) this.identifier = m[1];
      if ((m = /^(struct|union|enum|typedef)\b[\t\n\v\f\r ]*([^\t\n\v\f\r ]*)/.exec(this.identifier))) {
        this.declType = m[1];
        this.identifier = m[2];
        isKernelComment = true;
      } else if (
        (m = re(`^${declStart}${fnType}?(\\w+)\\s*${parenthesis}?\\s*${declEnd}?$`).exec(_)) ||
        (m = re(`^${declStart}${fnType}?(\\w+.*)${parenthesis}?\\s*${declEnd}$`).exec(_))
      ) {
        this.identifier = m[1];
        this.declType = 'function';
        this.identifier = sub(this.identifier, '^define\\s+', '');
        isKernelComment = true;
      }
      this.identifier = sub(this.identifier, '\\s+$', '');

      this.state = S.BODY;
      this.contents = '';
      this.section = SECTION_DEFAULT;
      if ((m = /[-:]([^\n]*)/.exec(_))) {
        let descr = m[1];
        descr = sub(descr, '^\\s*', '');
        descr = sub(descr, '\\s*$', '');
        descr = sub(descr, '\\s+', ' ', 'g');
        this.declarationPurpose = descr;
        this.state = S.BODY_MAYBE;
      } else {
        this.declarationPurpose = '';
      }
      if (!isKernelComment) {
        this.warn(
          'not-kernel-doc',
          `This comment starts with '/**', but isn't a kernel-doc comment. Refer Documentation/doc-guide/kernel-doc.rst\n${_}`,
        );
        this.state = S.NORMAL;
      }
      if (this.declarationPurpose === '' && this.options.wshortDesc) {
        this.warn('short-description-missing', `missing initial short description on line:\n${_}`, { name: this.identifier });
      }
      if (this.identifier === '' && this.declType !== 'enum') {
        this.warn('identifier-wrong', `wrong kernel-doc identifier on line:\n${_}`);
        this.state = S.NORMAL;
      }
    } else {
      this.warn('doc-line-unexpected', `Cannot understand ${_} on line ${this.lineNo} - I thought it was a doc line\n`);
      this.state = S.NORMAL;
    }
  }

  private dumpSection(name: string, contents: string): void {
    const m = re(TYPE_PARAM).exec(name);
    if (m || name === '@...') {
      const p = m ? m[1] : '...';
      this.parameterdescs.set(p, contents);
      this.sectcheck = this.sectcheck + p + ' ';
    } else {
      const prev = this.sections.get(name);
      if (prev !== undefined && prev !== '') {
        if (name !== SECTION_DEFAULT) this.warn('duplicate-section', `duplicate section name '${name}'\n`, { name });
        this.sections.set(name, prev + contents);
      } else {
        this.sections.set(name, contents);
        this.sectionlist.push(name);
      }
    }
  }

  private processBody(): void {
    const _ = this.line;
    let m: RegExpExecArray | null;
    if (this.state === S.BODY_WITH_BLANK_LINE && re('^\\s*\\*\\s?\\S').test(_)) {
      this.dumpSection(this.section, this.contents);
      this.section = SECTION_DEFAULT;
      this.contents = '';
    }
    if ((m = re(DOC_SECT, 'i').exec(_))) {
      this.inDocSect = true;
      let newsection = m[1];
      const newcontents = m[2] ?? '';
      if (/^description$/i.test(newsection)) newsection = SECTION_DEFAULT;
      else if (/^context$/i.test(newsection)) newsection = SECTION_CONTEXT;
      else if (/^returns?$/i.test(newsection)) newsection = SECTION_RETURN;
      else if (newsection === '@return') newsection = SECTION_RETURN;
      if (this.comment) {
        if (newsection === SECTION_RETURN) this.comment.returnLine ??= this.lineNo;
        const p = re(TYPE_PARAM).exec(newsection);
        if (p && newsection !== SECTION_RETURN) this.comment.params[p[1]] ??= this.lineNo;
      }
      if (this.contents !== '' && this.contents !== '\n') {
        if (!this.inDocSect) this.warn('contents-before-sections', 'contents before sections\n');
        this.dumpSection(this.section, this.contents);
        this.section = SECTION_DEFAULT;
      }
      this.inDocSect = true;
      this.state = S.BODY;
      this.contents = newcontents.replace(/^ +/, '');
      if (this.contents !== '') this.contents += '\n';
      this.section = newsection;
      this.leadingSpace = undefined;
    } else if (re(DOC_END).test(_)) {
      if (this.contents !== '' && this.contents !== '\n') {
        this.dumpSection(this.section, this.contents);
        this.section = SECTION_DEFAULT;
        this.contents = '';
      }
      if (this.comment) this.comment.end = this.lineNo;
      if (re('\\s*\\*\\s*[a-zA-Z_0-9:\\.]+\\*/').test(_)) this.warn('suspicious-ending', `suspicious ending line: ${_}`);
      this.prototype = '';
      this.state = S.PROTO;
      this.brcount = 0;
    } else if ((m = re(DOC_CONTENT).exec(_))) {
      if (m[1] === '') {
        if (this.section === SECTION_CONTEXT) {
          this.dumpSection(this.section, this.contents);
          this.section = SECTION_DEFAULT;
          this.contents = '';
          this.state = S.BODY;
        } else {
          this.state = this.section !== SECTION_DEFAULT ? S.BODY_WITH_BLANK_LINE : S.BODY;
          this.contents += '\n';
        }
      } else if (this.state === S.BODY_MAYBE) {
        this.declarationPurpose = sub(this.declarationPurpose.replace(/\n$/, '') + ' ' + m[1], '\\s+', ' ', 'g');
      } else {
        let cont = m[1];
        if (this.section.startsWith('@') || this.section === SECTION_CONTEXT) {
          if (this.leadingSpace === undefined) {
            const ls = re('^(\\s+)').exec(cont);
            this.leadingSpace = ls ? ls[1] : '';
          }
          // `s/^$leading_space//`: the captured spaces, as a pattern.
          if (cont.startsWith(this.leadingSpace)) cont = cont.slice(this.leadingSpace.length);
        }
        this.contents += cont + '\n';
      }
    } else {
      this.warn('bad-line', `bad line: ${_}`);
    }
  }

  private processProto(): void {
    const _ = this.line;
    let m: RegExpExecArray | null;
    if ((m = re(DOC_INLINE_ONELINE).exec(_))) {
      this.section = m[1];
      this.contents = m[2];
      if (this.contents !== '') {
        this.contents += '\n';
        this.dumpSection(this.section, this.contents);
        this.section = SECTION_DEFAULT;
        this.contents = '';
      }
    } else if (re(DOC_INLINE_START).test(_)) {
      this.state = S.INLINE;
      this.inlineDocState = I.NAME;
    } else if (this.declType === 'function') {
      this.processProtoFunction(_);
    } else {
      this.processProtoType(_);
    }
  }

  private processDocblock(): void {
    const _ = this.line;
    if (re(DOC_END).test(_)) {
      this.section = SECTION_DEFAULT;
      this.contents = '';
      this.parameterdescs = new Map();
      this.parameterlist = [];
      this.sections = new Map();
      this.sectionlist = [];
      this.prototype = '';
      this.state = S.NORMAL;
    } else {
      const m = re(DOC_CONTENT).exec(_);
      if (m) this.contents += m[1] === '' ? '\n' : m[1] + '\n';
    }
  }

  private processInline(): void {
    const _ = this.line;
    let m: RegExpExecArray | null;
    if (this.inlineDocState === I.NAME && (m = re(DOC_INLINE_SECT).exec(_))) {
      this.section = m[1];
      this.contents = m[2];
      if (this.contents !== '') {
        this.contents = this.contents.replace(/^ +/, '') + '\n';
      }
      this.inlineDocState = I.TEXT;
    } else if (re(DOC_INLINE_END).test(_)) {
      if (this.contents !== '' && this.contents !== '\n') {
        this.dumpSection(this.section, this.contents);
        this.section = SECTION_DEFAULT;
        this.contents = '';
      }
      this.state = S.PROTO;
      this.inlineDocState = I.NA;
    } else if ((m = re(DOC_CONTENT).exec(_))) {
      if (this.inlineDocState === I.TEXT) {
        this.contents += m[1] + '\n';
        if (re('^\\s*$').test(this.contents)) this.contents = '';
      } else if (this.inlineDocState === I.NAME) {
        this.inlineDocState = I.ERROR;
        this.warn('inline-misuse', `Incorrect use of kernel-doc format: ${_}`);
      }
    }
  }

  private processProtoFunction(x: string): void {
    x = x.replace(/\/\/[\s\S]*$/, '');
    if (x.startsWith('#') && !re('^#\\s*define').test(x)) {
      // preprocessor lines are skipped
    } else {
      this.prototype += /^[^{]*/.exec(x)![0];
    }
    if (x.includes('{') || re('\\#\\s*define').test(x) || x.includes(';')) {
      let p = this.prototype;
      p = p.replace(/\/\*[\s\S]*?\*\//g, '');
      p = p.replace(/[\r\n]+/g, ' ');
      p = sub(p, '^\\s+', '', 'g');
      p = sub(p, '^(\\S+\\s+)\\(\\s*\\*(\\S+)\\)', '$1$2', 'gs');
      this.prototype = p;
      if (/SYSCALL_DEFINE/.test(p)) this.syscallMunge();
      if (/TRACE_EVENT|DEFINE_EVENT|DEFINE_SINGLE_EVENT/.test(p)) this.tracepointMunge();
      this.dumpFunction(this.prototype);
      this.resetState();
    }
  }

  private syscallMunge(): void {
    let p = this.prototype.replace(/[\r\n]+/g, ' ');
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
    this.prototype = p;
  }

  private tracepointMunge(): void {
    const p = this.prototype;
    let name: string | undefined;
    let m: RegExpExecArray | null;
    if ((m = /TRACE_EVENT\(([^\n]*?),/.exec(p))) name = m[1];
    if ((m = /DEFINE_SINGLE_EVENT\(([^\n]*?),/.exec(p))) name = m[1];
    if ((m = /DEFINE_EVENT\(([^\n]*?),([^\n]*?),/.exec(p))) name = m[2];
    if (name !== undefined) name = sub(name, '^\\s+', '');
    const args = /TP_PROTO\(([^\n]*?)\)/.exec(p)?.[1];
    if (name === undefined || name === '0' || args === undefined || args === '0') {
      this.warn('tracepoint-unrecognized', `Unrecognized tracepoint format: \n${p}\n`);
    } else {
      this.prototype = `static inline void trace_${name}(${args})`;
      this.identifier = `trace_${this.identifier}`;
    }
  }

  private processProtoType(x: string): void {
    x = x.replace(/[\r\n]+/g, ' ');
    x = sub(x, '^\\s+', '', 'g');
    x = sub(x, '\\s+$', '', 'g');
    x = x.replace(/\/\/[\s\S]*$/, '');
    if (x.startsWith('#')) x += ';';
    for (;;) {
      const m = /([^{};]*)([{};])([\s\S]*)/.exec(x);
      if (m) {
        if (this.prototype.length) this.prototype += ' ';
        this.prototype += m[1] + m[2];
        if (m[2] === '{') this.brcount++;
        if (m[2] === '}') this.brcount--;
        if (m[2] === ';' && this.brcount === 0) {
          this.dumpDeclaration(this.prototype);
          this.resetState();
          break;
        }
        x = m[3];
      } else {
        this.prototype += x;
        break;
      }
    }
  }

  private dumpDeclaration(proto: string): void {
    if (this.declType === 'enum') this.dumpEnum(proto);
    else if (this.declType === 'typedef') this.dumpTypedef(proto);
    else if (this.declType === 'struct' || this.declType === 'union') this.dumpStruct(proto);
    // The script would call an undefined dump_<type> and die; nothing else reaches here.
  }

  private checkReturnSection(declarationName: string, returnType: string): void {
    if (returnType === '' || re('void\\s*\\w*\\s*$').test(returnType)) return;
    const ret = this.sections.get(SECTION_RETURN);
    if (ret === undefined || ret === '') {
      this.warn('return-missing', `No description found for return value of '${declarationName}'\n`, { decl: declarationName });
    }
  }

  private dumpFunction(prototype: string): void {
    let p = prototype;
    let funcMacro = false;
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

    const name = '([a-zA-Z0-9_~:]+)';
    const protoEnd = '\\(([^\\(]*|[^\\{]*)\\)';
    const type1 = '[\\w\\s]+';
    let m: RegExpExecArray | null;
    let declarationName: string;
    let returnType: string;
    if (define && (m = re(`^()${name}\\s+`).exec(p))) {
      returnType = m[1];
      declarationName = m[2];
      funcMacro = true;
    } else if (
      (m = re(`^()${name}\\s*${protoEnd}`).exec(p)) ||
      (m = re(`^(${type1})\\s+${name}\\s*${protoEnd}`).exec(p)) ||
      (m = re(`^((?:${type1}\\*+)+)\\s*${name}\\s*${protoEnd}`).exec(p))
    ) {
      returnType = m[1];
      declarationName = m[2];
      this.declarationName = declarationName;
      this.createParameterlist(m[3], ',', declarationName);
    } else {
      this.warn('prototype-unparsed', `cannot understand function prototype: '${p}'\n`);
      return;
    }
    this.declarationName = declarationName;
    this.returnType = returnType;
    if (this.identifier !== declarationName) {
      this.warn('prototype-mismatch', `expecting prototype for ${this.identifier}(). Prototype was for ${declarationName}() instead\n`, {
        name: this.identifier,
        decl: declarationName,
      });
      return;
    }
    this.checkSections(declarationName, 'function', this.sectcheck, this.parameterlist.join(' '));
    if (this.options.wreturn && !funcMacro) this.checkReturnSection(declarationName, returnType);
  }

  private checkSections(declName: string, declType: string, sectcheck: string, prmscheck: string): void {
    const sects = splitWords(sectcheck);
    const prms = splitWords(prmscheck);
    for (const sx of sects) {
      let err = true;
      for (const px of prms) {
        let clean = px.replace(/\[[^\n]*\]/, '');
        clean = sub(clean, ATTRIBUTE, '', 'i');
        clean = clean.replace(/\[[^\n]*/, '');
        if (clean === sx) {
          err = false;
          break;
        }
      }
      if (err) {
        if (declType === 'function') {
          this.warn('param-excess', `Excess function parameter '${sx}' description in '${declName}'\n`, { name: sx, decl: declName });
        } else if (declType === 'struct' || declType === 'union') {
          this.warn('member-excess', `Excess ${declType} member '${sx}' description in '${declName}'\n`, { name: sx, decl: declName });
        }
      }
    }
  }

  private saveStructActual(actual: string): void {
    this.structActual = this.structActual + actual.replace(/[\t\n\v\f\r ]*/g, '') + ' ';
  }

  private createParameterlist(args: string, splitter: string, declarationName: string): void {
    // Commas inside function pointer parameters become '#' for the split.
    while (/\([^),]+,/.test(args)) args = args.replace(/(\([^),]+),/g, '$1#');
    for (let arg of split(splitter, args)) {
      arg = arg.replace(/\/\*[^\n]*\*\//, '');
      arg = sub(arg, '\\sPOS0?\\s', ' ');
      arg = sub(arg, '^\\s*', '');
      arg = sub(arg, '\\s*$', '');
      arg = sub(arg, '\\s+', ' ');
      let m: RegExpExecArray | null;
      if (arg.startsWith('#')) {
        this.pushParameter(arg, '', declarationName);
      } else if (/\([^\n]+\)[\t\n\v\f\r ]*\(/.test(arg)) {
        arg = arg.replace(/#/g, ',');
        m = /[^(]+\(\*?[\t\n\v\f\r ]*([\w[\].]*)[\t\n\v\f\r ]*\)/.exec(arg);
        const param = m ? m[1] : '';
        this.saveStructActual(param);
        this.pushParameter(param, 'function pointer', declarationName);
      } else if (/\([^\n]+\)[\t\n\v\f\r ]*\[/.test(arg)) {
        arg = arg.replace(/#/g, ',');
        m = re('[^\\(]+\\(\\s*\\*\\s*([\\w\\[\\]\\.]*?)\\s*(\\s*\\[\\s*[\\w]+\\s*\\]\\s*)*\\)').exec(arg);
        const param = m ? m[1] : '';
        this.saveStructActual(param);
        this.pushParameter(param, 'array of pointers', declarationName);
      } else if (arg) {
        arg = sub(arg, '\\s*:\\s*', ':', 'g');
        arg = sub(arg, '\\s*\\[', '[', 'g');
        const list: (string | undefined)[] = split(re('\\s*,\\s*'), arg);
        if (list[0] !== undefined && list[0].includes('*')) list[0] = sub(list[0], '(\\*+)\\s*', ' $1');
        let firstArg: (string | undefined)[];
        const fm = list[0] !== undefined ? re('^(.*\\s+)(.*?\\[.*\\].*)$').exec(list[0]) : null;
        if (fm) {
          list.shift();
          firstArg = [...split(re('\\s+'), fm[1]), fm[2]];
        } else {
          const first = list.shift();
          firstArg = first === undefined ? [] : split(re('\\s+'), first);
        }
        list.unshift(firstArg.pop());
        const type = firstArg.join(' ');
        for (const raw of list) {
          const param = raw ?? '';
          let pm: RegExpExecArray | null;
          if ((pm = re('^(\\*+)\\s*(.*)').exec(param))) {
            this.saveStructActual(pm[2]);
            this.pushParameter(pm[2], `${type} ${pm[1]}`, declarationName);
          } else if ((pm = /([^\n]*?):(\w+)/.exec(param))) {
            if (type !== '') {
              this.saveStructActual(pm[1]);
              this.pushParameter(pm[1], `${type}:${pm[2]}`, declarationName);
            }
          } else {
            this.saveStructActual(param);
            this.pushParameter(param, type, declarationName);
          }
        }
      }
    }
  }

  private pushParameter(param: string, type: string, declarationName: string): void {
    if (this.anonStructUnion && type === '' && param === '}') return;
    this.anonStructUnion = false;
    param = param.replace(/[[)][^\n]*/, '');
    if (type === '' && /\.\.\.$/.test(param)) {
      if (/\w\.\.\.$/.test(param)) param = param.replace(/\.\.\.$/, '');
      const d = this.parameterdescs.get(param);
      if (d === undefined || d === '') this.parameterdescs.set(param, 'variable arguments');
    } else if (type === '' && (param === '' || param === 'void')) {
      param = 'void';
      this.parameterdescs.set('void', 'no arguments');
    } else if (type === '' && (param === 'struct' || param === 'union')) {
      param = `{unnamed_${param}}`;
      this.parameterdescs.set(param, 'anonymous\n');
      this.anonStructUnion = true;
    } else if (/__cacheline_group/.test(param)) {
      return;
    }
    if (!this.parameterdescs.has(param) && !param.startsWith('#')) {
      this.parameterdescs.set(param, UNDESCRIBED);
      if (!param.includes('.')) {
        this.warn('param-undescribed', `Function parameter or struct member '${param}' not described in '${declarationName}'\n`, {
          name: param,
          decl: declarationName,
        });
      }
    }
    this.parameterlist.push(param);
  }

  private dumpStruct(x: string): void {
    const type = '(?:struct|union)';
    const qualifiers = `(?:${ATTRIBUTE}|__packed|__aligned|____cacheline_aligned_in_smp|____cacheline_aligned)`;
    const definitionBody = `\\{(.*)\\}\\s*${qualifiers}*`;
    let declType = '';
    let members: string | undefined;
    let m: RegExpExecArray | null;
    // The attribute alternative is case-insensitive (qr{}i), the rest is not; the
    // names it could differ on do not occur in C, so one /i-free pattern is used.
    if ((m = re(`(${type})\\s+(\\w+)\\s*${definitionBody}`).exec(x))) {
      declType = m[1];
      this.declarationName = m[2];
      members = m[3];
    } else if ((m = re(`typedef\\s+(${type})\\s*${definitionBody}\\s*(\\w+)\\s*;`).exec(x))) {
      declType = m[1];
      this.declarationName = m[3];
      members = m[2];
    }
    if (!truthy(members)) {
      this.error('Cannot parse struct or union!');
      return;
    }
    const declarationName = this.declarationName;
    if (this.identifier !== declarationName) {
      this.warn(
        'prototype-mismatch',
        `expecting prototype for ${declType} ${this.identifier}. Prototype was for ${declType} ${declarationName} instead\n`,
        { name: this.identifier, decl: declarationName },
      );
      return;
    }
    let s = members!;
    s = sub(s, '\\/\\*\\s*private:.*?\\/\\*\\s*public:.*?\\*\\/', '', 'gis');
    s = sub(s, '\\/\\*\\s*private:.*', '', 'gis');
    s = s.replace(/\/\*[\s\S]*?\*\//g, '');
    s = sub(s, `\\s*${ATTRIBUTE}`, ' ', 'gi');
    s = sub(s, '\\s*__aligned\\s*\\([^;]*\\)', ' ', 'gs');
    s = sub(s, '\\s*__counted_by\\s*\\([^;]*\\)', ' ', 'gs');
    s = sub(s, '\\s*__counted_by_(le|be)\\s*\\([^;]*\\)', ' ', 'gs');
    s = sub(s, '\\s*__packed\\s*', ' ', 'gs');
    s = sub(s, '\\s*CRYPTO_MINALIGN_ATTR', ' ', 'gs');
    s = sub(s, '\\s*____cacheline_aligned_in_smp', ' ', 'gs');
    s = sub(s, '\\s*____cacheline_aligned', ' ', 'gs');
    s = sub(s, '\\bstruct_group\\s*\\(([^,]*,)', 'STRUCT_GROUP(', 'gs');
    s = sub(s, '\\bstruct_group_attr\\s*\\(([^,]*,){2}', 'STRUCT_GROUP(', 'gs');
    s = sub(s, '\\bstruct_group_tagged\\s*\\(([^,]*),([^,]*),', 'struct $1 $2; STRUCT_GROUP(', 'gs');
    s = sub(s, '\\b__struct_group\\s*\\(([^,]*,){3}', 'STRUCT_GROUP(', 'gs');
    s = unwrapStructGroup(s);
    const args = '([^,)]+)';
    s = sub(s, '__ETHTOOL_DECLARE_LINK_MODE_MASK\\s*\\(([^\\)]+)\\)', 'DECLARE_BITMAP($1, __ETHTOOL_LINK_MODE_MASK_NBITS)', 'gs');
    s = sub(s, 'DECLARE_PHY_INTERFACE_MASK\\s*\\(([^\\)]+)\\)', 'DECLARE_BITMAP($1, PHY_INTERFACE_MODE_MAX)', 'gs');
    s = sub(s, `DECLARE_BITMAP\\s*\\(${args},\\s*${args}\\)`, 'unsigned long $1[BITS_TO_LONGS($2)]', 'gs');
    s = sub(s, `DECLARE_HASHTABLE\\s*\\(${args},\\s*${args}\\)`, 'unsigned long $1[1 << (($2) - 1)]', 'gs');
    s = sub(s, `DECLARE_KFIFO\\s*\\(${args},\\s*${args},\\s*${args}\\)`, '$2 *$1', 'gs');
    s = sub(s, `DECLARE_KFIFO_PTR\\s*\\(${args},\\s*${args}\\)`, '$2 *$1', 'gs');
    s = sub(s, `(?:__)?DECLARE_FLEX_ARRAY\\s*\\(${args},\\s*${args}\\)`, '$1 $2[]', 'gs');
    s = sub(s, `DEFINE_DMA_UNMAP_ADDR\\s*\\(${args}\\)`, 'dma_addr_t $1', 'gs');
    s = sub(s, `DEFINE_DMA_UNMAP_LEN\\s*\\(${args}\\)`, '__u32 $1', 'gs');

    const structMembers = `(${type})([^\\{\\};]+)\\{([^\\{\\}]*)\\}([^\\{\\}\\;]*)\\;`;
    let sm: RegExpExecArray | null;
    while ((sm = re(structMembers).exec(s))) {
      let newmember = '';
      const maintype = sm[1];
      const ids = sm[4];
      const content = sm[3];
      for (let id of split(',', ids)) {
        newmember += `${maintype} ${id}; `;
        id = id.replace(/[:[][\s\S]*/, '');
        id = sub(id, '^\\s*\\**(\\S+)\\s*', '$1');
        for (let arg of split(';', content)) {
          if (re('^\\s*$').test(arg)) continue;
          let fm: RegExpExecArray | null;
          if ((fm = re('^([^\\(]+\\(\\*?\\s*)([\\w\\.]*)(\\s*\\).*)').exec(arg))) {
            const [, t, name, extra] = fm;
            if (!name) continue;
            newmember += re('^\\s*$').test(id) ? `${t}${name}${extra}; ` : `${t}${id}.${name}${extra}; `;
          } else {
            arg = sub(arg, '^\\s+', '');
            arg = sub(arg, '\\s+$', '');
            arg = sub(arg, ':\\s*\\d+\\s*', '', 'g');
            arg = arg.replace(/\[[^\n]*\]/g, '');
            arg = sub(arg, '\\s*,\\s*', ',', 'g');
            const tm = re('(.*)\\s+([\\S+,]+)').exec(arg);
            if (!tm) {
              newmember += `${arg}; `;
              continue;
            }
            const [, t, names] = tm;
            for (let n of split(',', names)) {
              n = sub(n, '^\\s*\\**(\\S+)\\s*', '$1');
              if (re('^\\s*$').test(n)) continue;
              newmember += re('^\\s*$').test(id) ? `${t} ${n}; ` : `${t} ${id}.${n}; `;
            }
          }
        }
      }
      s = s.replace(re(structMembers), () => newmember);
    }
    s = s.replace(/(\{[^{}]*\})/g, '');
    this.createParameterlist(s, ';', declarationName);
    this.checkSections(declarationName, declType, this.sectcheck, this.structActual);
  }

  private dumpEnum(x: string): void {
    x = sub(x, '\\/\\*\\s*private:.*?\\/\\*\\s*public:.*?\\*\\/', '', 'gis');
    x = sub(x, '\\/\\*\\s*private:.*}', '}', 'gis');
    x = x.replace(/\/\*[\s\S]*?\*\//g, '');
    x = sub(x, '#\\s*((define|ifdef|if)\\s+|endif)[^;]*;', '', 'gs');
    let members: string | undefined;
    let m: RegExpExecArray | null;
    if ((m = re('typedef\\s+enum\\s*\\{(.*)\\}\\s*(\\w*)\\s*;').exec(x))) {
      this.declarationName = m[2];
      members = m[1];
    } else if ((m = re('enum\\s+(\\w*)\\s*\\{(.*)\\}').exec(x))) {
      this.declarationName = m[1];
      members = m[2];
    }
    if (!truthy(members)) {
      this.error('Cannot parse enum!');
      return;
    }
    if (this.identifier !== this.declarationName) {
      if (this.identifier === '') this.warn('identifier-wrong', 'wrong kernel-doc identifier on line:\n');
      else
        this.warn(
          'prototype-mismatch',
          `expecting prototype for enum ${this.identifier}. Prototype was for enum ${this.declarationName} instead\n`,
          { name: this.identifier, decl: this.declarationName },
        );
      return;
    }
    if (this.declarationName === '') this.declarationName = '(anonymous)';
    const declarationName = this.declarationName;
    const seen = new Set<string>();
    let list = sub(members!, '\\s+$', '');
    list = list.replace(/\([^;]*?[)]/g, '');
    for (let arg of split(',', list)) {
      arg = sub(arg, '^\\s*(\\w+).*', '$1');
      this.parameterlist.push(arg);
      if (!truthy(this.parameterdescs.get(arg))) {
        this.parameterdescs.set(arg, UNDESCRIBED);
        this.warn('enum-undescribed', `Enum value '${arg}' not described in enum '${declarationName}'\n`, {
          name: arg,
          decl: declarationName,
        });
      }
      seen.add(arg);
    }
    for (const k of this.parameterdescs.keys()) {
      if (!seen.has(k))
        this.warn('enum-excess', `Excess enum value '${k}' description in '${declarationName}'\n`, { name: k, decl: declarationName });
    }
  }

  private dumpTypedef(x: string): void {
    x = x.replace(/\/\*[\s\S]*?\*\//g, '');
    const typedefType = '((?:\\s+[\\w\\*]+\\b){1,8})\\s*';
    const typedefIdent = '\\*?\\s*(\\w\\S+)\\s*';
    const typedefArgs = '\\s*\\((.*)\\);';
    let m: RegExpExecArray | null;
    if (
      (m = re(`typedef${typedefType}\\(${typedefIdent}\\)${typedefArgs}`).exec(x)) ||
      (m = re(`typedef${typedefType}${typedefIdent}${typedefArgs}`).exec(x))
    ) {
      this.returnType = sub(m[1], '^\\s+', '');
      this.declarationName = m[2];
      if (this.identifier !== this.declarationName) {
        this.warn(
          'prototype-mismatch',
          `expecting prototype for typedef ${this.identifier}. Prototype was for typedef ${this.declarationName} instead\n`,
          { name: this.identifier, decl: this.declarationName },
        );
        return;
      }
      this.createParameterlist(m[3], ',', this.declarationName);
      return;
    }
    while (re('\\(*.\\)\\s*;$').test(x) || re('\\[*.\\]\\s*;$').test(x)) {
      x = sub(x, '\\(*.\\)\\s*;$', ';');
      x = sub(x, '\\[*.\\]\\s*;$', ';');
    }
    if ((m = re('typedef.*\\s+(\\w+)\\s*;').exec(x))) {
      this.declarationName = m[1];
      if (this.identifier !== this.declarationName) {
        this.warn(
          'prototype-mismatch',
          `expecting prototype for typedef ${this.identifier}. Prototype was for typedef ${this.declarationName} instead\n`,
          { name: this.identifier, decl: this.declarationName },
        );
      }
    } else {
      this.error('Cannot parse typedef!');
    }
  }
}

/** `s/\bSTRUCT_GROUP(\(((?:(?>[^)(]+)|(?1))*)\))[^;]*;/$2/gos`: the recursive pattern by hand. */
function unwrapStructGroup(s: string): string {
  let out = '';
  let from = 0;
  const word = /\bSTRUCT_GROUP\(/g;
  let m: RegExpExecArray | null;
  while ((m = word.exec(s))) {
    const open = m.index + 'STRUCT_GROUP'.length;
    let depth = 0;
    let close = -1;
    for (let i = open; i < s.length; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')' && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) continue;
    const semi = s.indexOf(';', close);
    if (semi < 0) continue;
    out += s.slice(from, m.index) + s.slice(open + 1, close);
    from = semi + 1;
    word.lastIndex = from;
  }
  return out + s.slice(from);
}

/** The script's output for one warning: `FILE:LINE: warning: MESSAGE`. */
export function formatKernelDocWarning(w: KernelDocWarning): string {
  return `${w.file}:${w.line}: ${w.severity}: ${w.message}`;
}

/** One file on its own (fresh state), from editor text. */
export function checkKernelDoc(file: string, text: string): KernelDocWarning[] {
  return new KernelDocChecker().check(file, toByteString(text));
}
