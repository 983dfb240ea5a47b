/**
 * `vfio-variant check --diff REV [PATH...]` and `check --patch FILE|-`: the
 * findings a change makes, not every old finding of the files it touches
 * (the engine's changes/scope.ts decides which). Both sides of the change are
 * analysed as whole drivers: the post-image and the pre-image are the working
 * tree with the changed files shown at the other version (changes/overlayHost.ts).
 *
 *  - `--diff REV`: `git diff REV` (the working tree against REV); the
 *    pre-image blobs are `REV:path`. Outside a git repository: exit 2.
 *  - `--patch FILE|-`: a patch as `git format-patch` / b4 write it, run from
 *    the top of the tree. The post-image is the blob the patch's `index` line
 *    names when git has it, else the patch applied to the pre-image (the blob,
 *    else the working tree file) in memory; nothing is written.
 *
 * `--format checkpatch` prints `FILE:LINE: LEVEL:TYPE: message` lines, as
 * `checkpatch.pl --terse --showfile --show-types` does, for b4's
 * `prep-perpatch-check-cmd` / `am-perpatch-check-cmd`. Exit status as `check`:
 * 0 nothing to report, 1 findings, 2 usage error or a patch that does not apply.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import {
  applyChange,
  decodeSource,
  findingsInChange,
  overlayHost,
  parseChanges,
  resolveChanges,
  Workspace,
  type FileChange,
  type Finding,
  type Notice,
  type ResolvedChange,
  type Settings,
} from '../engine';
import { toolVersion } from '../node/docs';
import { nodeFileSystem } from '../node/fsHost';
import { gitBlob, gitDiff, gitTopLevel } from '../node/git';
import { formatJson, formatSarif, formatText } from './formats';
import type { CliIO } from './main';

const SOURCE = /\.[ch]$/;

/** Both versions of the drivers a change touches. */
export interface ChangeImages {
  /** The directory the change's paths are relative to (the top of the work tree). */
  root: string;
  changes: FileChange[];
  resolved: ResolvedChange[];
  pre: Workspace;
  post: Workspace;
  /** Absolute directories holding changed .c/.h files, before or after the change. */
  dirs: string[];
}

type Images = { ok: true; images: ChangeImages } | { ok: false; error: string };

function workspaces(
  root: string,
  changes: FileChange[],
  preBytes: Map<string, Uint8Array | null>,
  postBytes: Map<string, Uint8Array | null>,
  settings: Settings,
): ChangeImages {
  const resolved = resolveChanges(changes, (rel) => path.join(root, rel));
  const dirs = new Set<string>();
  for (const c of resolved) for (const p of [c.oldPath, c.newPath]) if (p && SOURCE.test(p)) dirs.add(path.dirname(p));
  return {
    root,
    changes,
    resolved,
    pre: new Workspace(overlayHost(nodeFileSystem, preBytes), settings),
    post: new Workspace(overlayHost(nodeFileSystem, postBytes), settings),
    dirs: [...dirs].sort(),
  };
}

const readWorkTree = (p: string): Buffer | undefined => {
  try {
    return fs.readFileSync(p);
  } catch {
    return undefined;
  }
};

/** `git diff REV -- PATHS` from `cwd`: the working tree is the post-image, `REV:path` the pre-image. */
export function imagesOfDiff(rev: string, paths: string[], cwd: string, settings: Settings): Images {
  const root = gitTopLevel(cwd);
  if (!root) return { ok: false, error: `${cwd}: not a git repository; --diff compares with a git revision` };
  const diff = gitDiff(rev, paths, cwd);
  if (!diff.ok) return { ok: false, error: `git diff ${rev}: ${diff.stderr || 'failed'}` };
  const changes = parseChanges(diff.stdout.toString('utf8'));
  const pre = new Map<string, Uint8Array | null>();
  const post = new Map<string, Uint8Array | null>();
  for (const c of changes) {
    if (!isSource(c)) continue;
    if (c.oldPath) {
      const blob = gitBlob(`${rev}:${c.oldPath}`, root);
      if (!blob) return { ok: false, error: `git has no ${rev}:${c.oldPath}` };
      pre.set(path.join(root, c.oldPath), blob);
      if (c.oldPath !== c.newPath) post.set(path.join(root, c.oldPath), null);
    }
    if (c.newPath && c.newPath !== c.oldPath) pre.set(path.join(root, c.newPath), null);
  }
  return { ok: true, images: workspaces(root, changes, pre, post, settings) };
}

/** A patch's path stays below the top of the tree (a mail may say `../../x.c`). */
function isInside(root: string, rel: string): boolean {
  const r = path.relative(root, path.resolve(root, rel));
  return r !== '' && !r.startsWith('..') && !path.isAbsolute(r);
}

const isSource = (c: FileChange) => [c.oldPath, c.newPath].some((p) => p && SOURCE.test(p));

/**
 * A patch from `cwd` (the top of the tree, where b4 and git send-email run
 * their commands): blobs from git when it has them, else the working tree,
 * the post-image applied in memory.
 */
export function imagesOfPatch(text: string, cwd: string, settings: Settings): Images {
  const top = gitTopLevel(cwd);
  const root = top ?? cwd;
  const inGit = top !== undefined;
  let changes: FileChange[];
  try {
    changes = parseChanges(text);
  } catch (e) {
    return { ok: false, error: `the patch cannot be read: ${(e as Error).message}` };
  }
  if (!changes.length && !/^(?:diff |--- |\+\+\+ )/m.test(text))
    return { ok: false, error: 'the input does not look like a patch (no diff in it)' };
  const pre = new Map<string, Uint8Array | null>();
  const post = new Map<string, Uint8Array | null>();
  for (const c of changes) {
    if (!isSource(c) || c.binary) continue;
    const outside = [c.oldPath, c.newPath].find((p) => p !== undefined && !isInside(root, p));
    if (outside !== undefined) return { ok: false, error: `${outside}: the patch names a file outside the tree` };
    const blob = (id: string | undefined) => (id && inGit ? gitBlob(id, root) : undefined);
    const oldAbs = c.oldPath ? path.join(root, c.oldPath) : undefined;
    const newAbs = c.newPath ? path.join(root, c.newPath) : undefined;
    const before = oldAbs ? (blob(c.oldBlob) ?? readWorkTree(oldAbs)) : undefined;
    if (oldAbs && !before)
      return { ok: false, error: `${c.oldPath}: the patch changes a file that is neither in git nor in the working tree` };
    if (oldAbs) pre.set(oldAbs, before!);
    if (newAbs && newAbs !== oldAbs) pre.set(newAbs, null);
    if (oldAbs && oldAbs !== newAbs) post.set(oldAbs, null);
    if (!newAbs) continue;
    let after: Uint8Array | undefined = blob(c.newBlob);
    if (!after) {
      const decoded = before ? decodeSource(before) : ({ ok: true, text: '' } as const);
      const applied = decoded.ok ? applyChange(decoded.text, c) : undefined;
      if (applied === undefined)
        return { ok: false, error: `${c.newPath}: the patch does not apply to ${before ? 'the file as it is' : 'an empty file'}` };
      after = Buffer.from(applied, 'utf8');
    }
    post.set(newAbs, after);
  }
  return { ok: true, images: workspaces(root, changes, pre, post, settings) };
}

/** The findings the change makes, and the notices about the changed files. */
export function changeFindings(images: ChangeImages, all: boolean): { findings: Finding[]; notices: Notice[]; drivers: string[] } {
  const after: Finding[] = [];
  const before: Finding[] = [];
  const notices: Notice[] = [];
  const drivers: string[] = [];
  const changed = new Set(images.resolved.flatMap((c) => [c.oldPath, c.newPath]).filter((p): p is string => !!p));
  for (const dir of images.dirs) {
    const post = images.post.driverFindings(dir, { all });
    after.push(...post.findings);
    notices.push(...post.notices.filter((n) => changed.has(n.path)));
    if (post.model.isVariantDriver) drivers.push(dir);
    before.push(...images.pre.driverFindings(dir, { all }).findings);
  }
  return { findings: findingsInChange(after, before, images.resolved), notices, drivers };
}

// ------------------------------------------------------------------ output

const CHECKPATCH_LEVEL: Record<string, string> = { error: 'ERROR', warning: 'WARNING', information: 'CHECK', hint: 'CHECK' };

/** `checkpatch.pl --terse --showfile --show-types` lines, paths relative to the top of the tree. */
export function formatCheckpatch(findings: Finding[], root: string): string {
  return findings
    .filter((f) => f.severity !== 'none')
    .map(
      (f) =>
        `${path.relative(root, f.path).split(path.sep).join('/')}:${f.line + 1}: ${CHECKPATCH_LEVEL[f.severity]}:` +
        `${f.rule.toUpperCase().replace(/-/g, '_')}: ${f.message}\n`,
    )
    .join('');
}

export const CHANGE_FORMATS = ['text', 'json', 'sarif', 'checkpatch'] as const;

export function renderChangeFindings(
  format: string,
  result: { findings: Finding[]; notices: Notice[]; drivers: string[] },
  root: string,
): string {
  if (format === 'checkpatch') return formatCheckpatch(result.findings, root);
  if (format === 'json') return formatJson(result.findings, result.notices, result.drivers);
  if (format === 'sarif') return formatSarif(result.findings, result.notices, toolVersion());
  return formatText(result.findings, result.notices);
}

/** Keeps the findings under one of `paths` (files or directories, relative to `cwd`); all of them without paths. */
export function underPaths(findings: Finding[], paths: string[], cwd: string): Finding[] {
  if (!paths.length) return findings;
  const roots = paths.map((p) => path.resolve(cwd, p));
  return findings.filter((f) => roots.some((r) => f.path === r || f.path.startsWith(r.endsWith(path.sep) ? r : r + path.sep)));
}

/** Reads the patch named on the command line; `-` is standard input. */
export function readPatch(name: string): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: fs.readFileSync(name === '-' ? 0 : name, 'utf8') };
  } catch (e) {
    return { ok: false, error: `${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` };
  }
}

export const CHANGE_USAGE = `       vfio-variant check --diff REV [options] [PATH...]
       vfio-variant check --patch FILE|- [options] [PATH...]

  --diff REV      only what \`git diff REV\` adds or changes (and the driver-level findings it creates)
  --patch FILE|-  the files as they stand after the patch; only the patch's lines (run from the top of the tree)
  --format checkpatch   FILE:LINE: LEVEL:TYPE: message, for b4's *-perpatch-check-cmd
`;

/** `check` with --diff or --patch (main.ts hands these over). */
export function isChangeCheck(argv: string[]): boolean {
  return argv[0] === 'check' && argv.some((a) => /^--(?:diff|patch)(?:=|$)/.test(a));
}

/** `check --diff` / `check --patch`: called by main.ts with the arguments after `check`. */
export function runChangeCheck(
  argv: string[],
  io: CliIO,
  resolveSettings: (values: Record<string, unknown>, firstPath: string, problems: string[]) => Settings,
): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        diff: { type: 'string' },
        patch: { type: 'string' },
        format: { type: 'string', default: 'text' },
        all: { type: 'boolean', default: false },
        config: { type: 'string' },
        'kernel-tree': { type: 'string' },
        parent: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
        jobs: { type: 'string', short: 'j' },
      },
    });
  } catch (e) {
    io.err(`vfio-variant: ${(e as Error).message}\n${CHANGE_USAGE}`);
    return 2;
  }
  const { values, positionals: paths } = parsed;
  const usage = (m: string) => {
    io.err(`vfio-variant: ${m}\n${CHANGE_USAGE}`);
    return 2;
  };
  if (values.diff !== undefined && values.patch !== undefined) return usage('--diff and --patch exclude each other');
  if (!(CHANGE_FORMATS as readonly string[]).includes(values.format!)) return usage(`unknown format '${values.format}'`);
  const cwd = process.cwd();
  const problems: string[] = [];
  const settings = resolveSettings(values, paths[0] ?? cwd, problems);
  // A change is reviewed line by line: each new call is its own finding, not part of its function's.
  settings.parentCallFindings = 'call';
  if (problems.length) {
    io.err(problems.map((p) => `vfio-variant: ${p}\n`).join(''));
    return 2;
  }
  let images: Images;
  if (values.diff !== undefined) {
    if (!values.diff || values.diff.startsWith('-')) return usage(`--diff wants a revision, got '${values.diff}'`);
    images = imagesOfDiff(values.diff, paths, cwd, settings);
  } else {
    const patch = readPatch(values.patch!);
    if (!patch.ok) {
      io.err(`vfio-variant: ${patch.error}\n`);
      return 2;
    }
    images = imagesOfPatch(patch.text, cwd, settings);
  }
  if (!images.ok) {
    io.err(`vfio-variant: ${images.error}\n`);
    return 2;
  }
  const result = changeFindings(images.images, !!values.all);
  result.findings = underPaths(result.findings, values.patch !== undefined ? paths : [], cwd);
  io.out(renderChangeFindings(values.format!, result, images.images.root));
  return result.findings.some((f) => f.severity !== 'none') ? 1 : 0;
}
