/**
 * A scratch git repository holding Linux 6.12's drivers/vfio/pci and MAINTAINERS
 * (include/ and scripts/ are symbolic links into the shared extract, untracked),
 * for tests of `check --diff`, `check --patch` and `cc PATCH`. Git runs without
 * the user's or the system's configuration.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchKernelCopy } from './kernel';

export const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'A U Thor',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'A U Thor',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

export interface ScratchRepo {
  root: string;
  git: (...args: string[]) => string;
  /** Replaces `from` by `to` in a tree-relative file; throws when `from` is not there. */
  edit: (file: string, from: string, to: string) => void;
  commit: (message: string) => string;
  cleanup: () => void;
}

export function scratchRepo(): ScratchRepo {
  const root = scratchKernelCopy(['drivers/vfio/pci']);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
      cwd: root,
      env: GIT_ENV,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  git('init', '-q');
  git('add', 'drivers', 'MAINTAINERS');
  git('commit', '-q', '-m', 'Linux 6.12 drivers/vfio/pci');
  return {
    root,
    git,
    edit(file, from, to) {
      const p = path.join(root, file);
      const text = fs.readFileSync(p, 'utf8');
      if (!text.includes(from)) throw new Error(`${file}: no ${JSON.stringify(from)}`);
      fs.writeFileSync(p, text.replace(from, to));
    },
    commit(message) {
      git('commit', '-q', '-a', '-m', message);
      return git('rev-parse', 'HEAD').trim();
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs a command line the way b4 does (split on blanks, no shell) with `input` on stdin, in `cwd`. */
export function runCheckCmd(cmdline: string, input: string, cwd: string, binDir: string) {
  const [cmd, ...args] = cmdline.trim().split(/\s+/);
  const r = spawnSync(cmd, args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...GIT_ENV, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
