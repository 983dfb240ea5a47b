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
 *
 * The checker is built in stages, each a class over the one before: warnings.ts (the
 * warnings and their emission), declarations.ts (the declaration checked against the
 * comment), sections.ts (the comment's body and sections) and here the line loop, the
 * comment's first lines and the prototype after it.
 */
import { DOC_BLOCK, DOC_COM, DOC_DECL, DOC_INLINE_ONELINE, DOC_INLINE_START, DOC_START, SECTION_DEFAULT, SECTION_INTRO } from './patterns';
import { re, sub, subst } from './perlRe';
import { cleanFunctionPrototype, syscallPrototype, tracepointPrototype } from './prototypes';
import { I, S, SectionReader } from './sections';
import type { KernelDocOptions, KernelDocWarning } from './warnings';

const CONTINUED = re('\\\\\\s*$');

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

/**
 * One run of the script: feed files in order with `check()`. State left open at the
 * end of one file carries into the next, as in the script.
 */
export class KernelDocChecker extends SectionReader {
  private filesRead = 0;

  constructor(options: KernelDocOptions = { wreturn: true, wshortDesc: true }) {
    super(options);
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

  private processProtoFunction(x: string): void {
    x = x.replace(/\/\/[\s\S]*$/, '');
    if (x.startsWith('#') && !re('^#\\s*define').test(x)) {
      // preprocessor lines are skipped
    } else {
      this.prototype += /^[^{]*/.exec(x)![0];
    }
    if (x.includes('{') || re('\\#\\s*define').test(x) || x.includes(';')) {
      const p = cleanFunctionPrototype(this.prototype);
      this.prototype = p;
      if (/SYSCALL_DEFINE/.test(p)) this.prototype = syscallPrototype(this.prototype);
      if (/TRACE_EVENT|DEFINE_EVENT|DEFINE_SINGLE_EVENT/.test(p)) this.tracepointMunge();
      this.dumpFunction(this.prototype);
      this.resetState();
    }
  }

  private tracepointMunge(): void {
    const proto = tracepointPrototype(this.prototype);
    if (proto === undefined) {
      this.warn('tracepoint-unrecognized', `Unrecognized tracepoint format: \n${this.prototype}\n`);
    } else {
      this.prototype = proto;
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
}

/** One file on its own (fresh state), from editor text. */
export function checkKernelDoc(file: string, text: string): KernelDocWarning[] {
  return new KernelDocChecker().check(file, toByteString(text));
}
