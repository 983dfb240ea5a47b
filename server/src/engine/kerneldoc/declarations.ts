/**
 * The declaration a kernel-doc comment documents, checked against the comment: the
 * script's dump_function, dump_struct, dump_enum and dump_typedef with their parameter
 * and member lists (create_parameterlist, push_parameter) and check_sections /
 * check_return_section. The comment's sections come in through the fields below,
 * filled by the section reader (sections.ts).
 */
import { ATTRIBUTE, SECTION_RETURN, UNDESCRIBED } from './patterns';
import { re, split, splitWords, sub, truthy } from './perlRe';
import { stripFunctionModifiers } from './prototypes';
import { flattenStructMembers } from './structMembers';
import { WarningEmitter, type KernelDocOptions } from './warnings';

export abstract class DeclarationChecker extends WarningEmitter {
  protected declType = '';
  protected identifier = '';
  protected declarationName = '';
  /** Kept like the script's global (read by fixes through warnings). */
  returnType = '';
  protected parameterdescs = new Map<string, string>();
  protected parameterlist: string[] = [];
  protected sections = new Map<string, string>();
  protected sectionlist: string[] = [];
  protected sectcheck = '';
  protected structActual = '';
  private anonStructUnion = false;
  protected readonly options: KernelDocOptions;

  constructor(options: KernelDocOptions) {
    super();
    this.options = options;
  }

  protected dumpDeclaration(proto: string): void {
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

  protected dumpFunction(prototype: string): void {
    const [p, define] = stripFunctionModifiers(prototype);
    let funcMacro = false;

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
    const s = flattenStructMembers(members!);
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
