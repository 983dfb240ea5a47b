/**
 * What the CLI says when its arguments are wrong, in its own words (not
 * `util.parseArgs`'s), and the checks on arguments that name things on disk.
 */
import * as fs from 'fs';
import * as path from 'path';

export class UsageError extends Error {}

export const HELP_HINT = "run 'vfio-variant --help' for the options";

/** parseArgs' errors rephrased; `known` lists the command's long options (for "did you mean"). */
export function argumentError(e: unknown, known: string[]): UsageError {
  const err = e as { code?: string; message?: string };
  const msg = err.message ?? String(e);
  const name = /'(-{1,2}[^' <]+)/.exec(msg)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const bare = name.replace(/^-+/, '').split('=')[0];
      const near = known.find((k) => distance(k, bare) <= 2);
      return new UsageError(`unknown option '${name}'${near && bare ? ` (did you mean --${near}?)` : ''}`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(/argument missing/.test(msg) ? `option '${name}' needs a value` : `option '${name}' takes no value`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument ${/'([^']*)'/.exec(msg)?.[1] ?? ''}`.trim());
    default:
      return new UsageError(msg);
  }
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** The output format asked for, read before parsing so that even an argument error can answer in it. */
export function requestedFormat(argv: string[]): string | undefined {
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a === '--format' && i + 1 < argv.length) format = argv[++i];
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
  }
  return format;
}

/**
 * Why `dir` cannot be used as a kernel tree, or undefined. A tree needs
 * `include/linux` (parent headers); MAINTAINERS is optional (the report says when it is missing).
 */
export function kernelTreeProblem(dir: string, origin = '--kernel-tree'): string | undefined {
  const st = fs.statSync(dir, { throwIfNoEntry: false });
  if (!st) return `${origin} ${dir}: no such directory`;
  if (!st.isDirectory()) return `${origin} ${dir}: not a directory`;
  if (!fs.statSync(path.join(dir, 'include', 'linux'), { throwIfNoEntry: false })?.isDirectory())
    return `${origin} ${dir}: not a kernel tree (no include/linux in it)`;
  return undefined;
}
