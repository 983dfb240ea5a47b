/**
 * `vfio-variant kernel-doc [-Wall|-Wreturn|-Wshort-desc|-Werror|-none] FILE...`: the
 * engine's port of `scripts/kernel-doc -none -Wall` on any C files, printing what the
 * script prints (`FILE:LINE: warning: ...` on stderr, file names as given), so it can
 * stand in for the script in a pre-commit hook. The files are checked in one run, as
 * the script does: state left open at the end of a file carries into the next.
 * Exit status: 0 clean, 1 warnings, 2 usage or I/O error.
 */
import * as fs from 'fs';
import { formatKernelDocWarning, KernelDocChecker, type KernelDocOptions } from '../engine';
import type { CliIO } from './main';

export const KERNEL_DOC_USAGE = `usage: vfio-variant kernel-doc [options] FILE...

Checks the kernel-doc comments of C files as scripts/kernel-doc -none -Wall does
and prints its warnings in its format (FILE:LINE: warning: ...) on stderr.

options (the script's, for a drop-in replacement):
  -Wall              -Wreturn, -Wshort-desc and -Wcontents-before-sections (default)
  -Wreturn           warn about a missing Return: section
  -Wshort-desc       warn about a missing short description
  -Wcontents-before-sections
  -none, -Werror     accepted (output is always warnings only; warnings exit 1)
  -h, --help         show this help
`;

export function runKernelDoc(argv: string[], io: CliIO): number {
  const files: string[] = [];
  let explicit: KernelDocOptions | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    const opt = /^--?(.*)$/.exec(a)?.[1];
    if (opt === undefined) {
      files.push(a);
      continue;
    }
    if (opt === 'h' || opt === 'help') {
      io.out(KERNEL_DOC_USAGE);
      return 0;
    }
    explicit ??= { wreturn: false, wshortDesc: false };
    if (opt === 'Wall') explicit = { wreturn: true, wshortDesc: true };
    else if (opt === 'Wreturn') explicit.wreturn = true;
    else if (opt === 'Wshort-desc' || opt === 'Wshort-description') explicit.wshortDesc = true;
    else if (!['none', 'Werror', 'Wcontents-before-sections', 'v'].includes(opt)) {
      io.err(`vfio-variant: kernel-doc: unknown option '${a}'\n${KERNEL_DOC_USAGE}`);
      return 2;
    }
  }
  if (!files.length) {
    io.err(`vfio-variant: kernel-doc: no FILE given\n${KERNEL_DOC_USAGE}`);
    return 2;
  }
  const checker = new KernelDocChecker(explicit);
  let warnings = 0;
  let failed = false;
  const out: string[] = [];
  for (const file of files) {
    let bytes: string;
    try {
      // Latin-1: one character per byte, as Perl reads the file.
      bytes = fs.readFileSync(file, 'latin1');
    } catch (e) {
      out.push(`Error: Cannot open file ${file}: ${(e as Error).message}\n`);
      failed = true;
      continue;
    }
    for (const w of checker.check(file, bytes)) {
      out.push(`${formatKernelDocWarning(w)}\n`);
      warnings++;
    }
  }
  // Back to bytes: the lines quoted from the file are written as the script writes them.
  if (out.length) io.err(Buffer.from(out.join(''), 'latin1').toString('utf8'));
  return failed ? 2 : warnings ? 1 : 0;
}
