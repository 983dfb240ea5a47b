/**
 * Fixes for kernel-doc warnings (rule `kernel-doc-invalid`, and fix-all): the missing
 * `@param:` line, the excess one removed, the name line renamed, a `Return:` section,
 * a short description. Edits stay inside the comment; prompts start with `TODO:`.
 */
import { checkKernelDoc } from '../kerneldoc/check';
import type { KernelDocWarning } from '../kerneldoc/warnings';
import type { SourceFile } from '../model/sourceFile';
import { replaceRange, type TextEdit } from './edits';

/** Warnings per file version: the check is a line scan, but a driver's files are re-run on every edit. */
const cache = new WeakMap<SourceFile, KernelDocWarning[]>();

export function kernelDocWarnings(file: SourceFile): KernelDocWarning[] {
  let w = cache.get(file);
  if (!w) cache.set(file, (w = checkKernelDoc(file.path, file.text)));
  return w;
}

/**
 * The fixes of every fixable warning of a file, for fix-all: inserts at one place are
 * merged in the order of the warnings (the prototype's order for parameters).
 */
export function kernelDocFixAll(file: SourceFile, skip: (w: KernelDocWarning) => boolean): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const w of kernelDocWarnings(file)) {
    if (skip(w)) continue;
    for (const e of kernelDocFix(file, w)?.edits ?? []) {
      const same = edits.find((x) => x.offset === e.offset && x.length === 0 && e.length === 0);
      if (same) same.newText += e.newText;
      else if (!edits.some((x) => x.offset < e.offset + e.length && e.offset < x.offset + x.length)) edits.push(e);
    }
  }
  return edits;
}

/** `" * "` as the comment writes it (from its name line). */
function prefixOf(file: SourceFile, line0: number): string {
  return /^[ \t]*\*[ \t]?/.exec(file.lines.lineText(line0))?.[0] ?? ' * ';
}

function lineEdit(file: SourceFile, line0: number, lines: string[]): TextEdit {
  const eol = file.lines.eol;
  return { path: file.path, offset: file.lines.lineStart(line0), length: 0, newText: lines.map((l) => l + eol).join('') };
}

/** 0-based: the first line after the name line (and its continued purpose) where sections may go. */
function afterPurpose(file: SourceFile, nameLine0: number, end0: number): number {
  let l = nameLine0 + 1;
  for (; l < end0; l++) {
    const t = file.lines.lineText(l);
    if (/^[ \t]*\*[ \t]*$/.test(t) || /^[ \t]*\*[ \t]*@/.test(t) || t.includes('*/')) break;
  }
  return l;
}

/** 0-based line after a section's last line (its continuation lines included). */
function sectionEnd(file: SourceFile, start0: number, end0: number): number {
  let l = start0 + 1;
  for (; l < end0; l++) {
    const t = file.lines.lineText(l);
    if (/^[ \t]*\*[ \t]*$/.test(t) || /^[ \t]*\*[ \t]*(@[\w.]+|return|returns|context|description|note|example)[ \t]*:/i.test(t)) break;
    if (t.includes('*/')) break;
  }
  return l;
}

export function kernelDocFix(file: SourceFile, w: KernelDocWarning): { title: string; edits: TextEdit[] } | undefined {
  const c = w.comment;
  if (!c || !c.end) return undefined;
  const nameLine0 = c.nameLine - 1;
  const end0 = c.end - 1;
  const prefix = prefixOf(file, nameLine0);
  const blank = prefix.replace(/[ \t]+$/, '');
  switch (w.kind) {
    case 'param-undescribed': {
      if (!w.name) return undefined;
      const at = afterPurpose(file, nameLine0, end0);
      // After the parameters already described, else right after the name line.
      const described = Object.values(c.params).filter((l) => l - 1 >= at && l - 1 < end0);
      const line0 = described.length ? sectionEnd(file, Math.max(...described) - 1, end0) : at;
      return {
        title: `Describe '${w.name}' in the kernel-doc of ${w.decl}`,
        edits: [lineEdit(file, line0, [`${prefix}@${w.name}: TODO: describe ${w.name}.`])],
      };
    }
    case 'param-excess':
    case 'member-excess': {
      const l = w.name !== undefined ? c.params[w.name] : undefined;
      if (!l) return undefined;
      const from = l - 1;
      const to = sectionEnd(file, from, end0);
      return {
        title: `Remove the description of '${w.name}' (not in ${w.decl})`,
        edits: [replaceRange(file, file.lines.lineStart(from), file.lines.lineStart(to), '')],
      };
    }
    case 'prototype-mismatch': {
      if (!w.name || !w.decl) return undefined;
      const text = file.lines.lineText(nameLine0);
      const m = new RegExp(`\\b${w.name.replace(/[^\w]/g, '\\$&')}\\b`).exec(text);
      if (!m) return undefined;
      const start = file.lines.lineStart(nameLine0) + m.index;
      return {
        title: `Rename to ${w.decl} in the kernel-doc name line`,
        edits: [replaceRange(file, start, start + w.name.length, w.decl)],
      };
    }
    case 'return-missing': {
      const prev = file.lines.lineText(end0 - 1);
      const lines = [`${prefix}Return: TODO: what ${w.decl}() returns, and when`];
      if (end0 - 1 > nameLine0 && !/^[ \t]*\*[ \t]*$/.test(prev)) lines.unshift(blank);
      return { title: `Add a Return: section to the kernel-doc of ${w.decl}()`, edits: [lineEdit(file, end0, lines)] };
    }
    case 'short-description-missing': {
      const text = file.lines.lineText(nameLine0);
      const start = file.lines.lineStart(nameLine0) + text.replace(/[ \t]+$/, '').length;
      return {
        title: 'Add the short description to the kernel-doc name line',
        edits: [replaceRange(file, start, start, ' - TODO: short description')],
      };
    }
    default:
      return undefined;
  }
}
