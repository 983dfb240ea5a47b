/**
 * What the kernel-doc checker (check.ts) reports: the warning kinds, where the comment
 * a warning is about lies, the script's output format, and the emitter every stage of
 * the checker reports through.
 */

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

/** The script's -W switches the checker honours (both on: -Wall). */
export interface KernelDocOptions {
  wreturn: boolean;
  wshortDesc: boolean;
}

/** The base of the checker's stages: the file and line being read, and the warnings so far. */
export abstract class WarningEmitter {
  protected file = '';
  protected lineNo = 0;
  /** The current line (tabs expanded). */
  protected line = '';
  protected warnings: KernelDocWarning[] = [];
  /** The comment being read or whose prototype is being read. */
  protected comment: KernelDocComment | undefined;

  protected warn(kind: KernelDocKind, message: string, extra: Partial<KernelDocWarning> = {}): void {
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

  protected error(message: string): void {
    this.warnings.push({
      file: this.file,
      line: this.lineNo,
      severity: 'error',
      message,
      kind: 'parse-error',
      ...(this.comment ? { comment: this.comment } : {}),
    });
  }
}

/** The script's output for one warning: `FILE:LINE: warning: MESSAGE`. */
export function formatKernelDocWarning(w: KernelDocWarning): string {
  return `${w.file}:${w.line}: ${w.severity}: ${w.message}`;
}
