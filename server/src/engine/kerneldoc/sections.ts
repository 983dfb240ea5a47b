/**
 * Reading a kernel-doc comment's body: its sections (`@param:`, `Return:`,
 * `Context:`, free text), `DOC:` blocks and inline member comments inside a struct
 * (the script's process_body, process_docblock, process_inline and dump_section).
 */
import {
  DOC_CONTENT,
  DOC_END,
  DOC_INLINE_END,
  DOC_INLINE_SECT,
  DOC_SECT,
  SECTION_CONTEXT,
  SECTION_DEFAULT,
  SECTION_RETURN,
  TYPE_PARAM,
} from './patterns';
import { re, sub } from './perlRe';
import { DeclarationChecker } from './declarations';

/** The script's states. */
export const enum S {
  NORMAL,
  NAME,
  BODY_MAYBE,
  BODY,
  BODY_WITH_BLANK_LINE,
  PROTO,
  DOCBLOCK,
  INLINE,
}
/** Where an inline member comment (`@member:` inside a struct) is. */
export const enum I {
  NA,
  NAME,
  TEXT,
  END,
  ERROR,
}

export abstract class SectionReader extends DeclarationChecker {
  protected state = S.NORMAL;
  protected inlineDocState = I.NA;
  protected inDocSect = false;
  private leadingSpace: string | undefined;
  protected declarationPurpose = '';
  /** The prototype after the comment, as read so far. */
  protected prototype = '';
  protected brcount = 0;
  protected contents = '';
  protected section = SECTION_DEFAULT;

  protected dumpSection(name: string, contents: string): void {
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

  protected processBody(): void {
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

  protected processDocblock(): void {
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

  protected processInline(): void {
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
}
