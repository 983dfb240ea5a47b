/**
 * The little of git that `check --diff`, `check --patch` and `cc --patch` need,
 * through its command line: the top of the work tree, a diff against a
 * revision, and blobs by id or `REV:path`. No shell; arguments are passed as they are.
 */
import type * as ChildProcess from 'child_process';

export interface GitResult {
  ok: boolean;
  stdout: Buffer;
  stderr: string;
}

/** child_process, loaded on the first git command: most runs (a plain check) run none, and loading it is a noticeable part of start-up. */
function childProcess(): typeof ChildProcess {
  return require('child_process') as typeof ChildProcess;
}

export function git(args: string[], cwd: string): GitResult {
  // A repository's own configuration must not make git run a program (core.fsmonitor).
  const r = childProcess().spawnSync('git', ['-c', 'core.fsmonitor=false', ...args], {
    cwd,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) return { ok: false, stdout: Buffer.alloc(0), stderr: r.error.message };
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() };
}

/** The top directory of the work tree holding `cwd`, or undefined outside a git repository. */
export function gitTopLevel(cwd: string): string | undefined {
  const r = git(['rev-parse', '--show-toplevel'], cwd);
  return r.ok ? r.stdout.toString('utf8').trim() || undefined : undefined;
}

/** `git diff REV -- PATHS` with zero context, stable prefixes and no external helpers. */
export function gitDiff(rev: string, paths: string[], cwd: string): GitResult {
  return git(
    [
      '-c',
      'core.quotePath=false',
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--unified=0',
      '-M',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      rev,
      '--',
      ...paths,
    ],
    cwd,
  );
}

/** A blob's bytes by object name (`abc123`, `HEAD~1:drivers/x.c`), or undefined when git does not have it. */
export function gitBlob(object: string, cwd: string): Buffer | undefined {
  const r = git(['cat-file', 'blob', object], cwd);
  return r.ok ? r.stdout : undefined;
}
