/**
 * `vfio-variant cc [options] [DRIVER_DIR|FILE|PATCH...]` and `cc --patch FILE|-`:
 * who must get the mail, in scripts/get_maintainer.pl's format, so it drops into
 * `git send-email --to-cmd/--cc-cmd` (which call it with a patch file) and
 * `b4 prep --auto-to-cc`. Everything `get_maintainer.pl --nogit --nogit-fallback`
 * prints for the driver's files (or the patch), then the owners of each parent
 * API the driver (or the patch's added lines) calls, marked `parent owner:`.
 * The engine computes it (maintainers/getMaintainer.ts, with report.ts's parents).
 * Exit status: 0 list written, 2 usage or I/O error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import {
  buildReport,
  driverDirFiles,
  getMaintainerLines,
  parentOwnerLines,
  parentOwnersOf,
  patchFileNames,
  renderCc,
  Workspace,
  type CcLine,
  type Settings,
} from '../engine';
import { nodeFileSystem } from '../node/fsHost';
import { imagesOfPatch, readPatch } from './changes';
import type { CliIO } from './main';

export const CC_USAGE = `usage: vfio-variant cc [options] [DRIVER_DIR|FILE|PATCH...]
       vfio-variant cc [options] --patch FILE|-

Prints the To/Cc list of a driver or a patch in scripts/get_maintainer.pl's
format: every line get_maintainer.pl --nogit --nogit-fallback prints for the
files, then the MAINTAINERS entries owning each parent (PF) API the driver (or
the patch) calls, marked "parent owner:" (their Acked-by is what the acceptance
document asks for). A PATH that is neither a directory nor a .c/.h file is read
as a patch, as get_maintainer.pl and git send-email --cc-cmd do.

options:
  --patch FILE|-        the patch to address (- is standard input)
  --no-rolestats        addresses only (also --norolestats); for git send-email
  --separator SEP       one line, recipients joined by SEP
  --no-m, --no-r, --no-l  leave out maintainers, reviewers, mailing lists
  --no-parents          only what get_maintainer.pl prints
  --nogit, --nogit-fallback, --nogit-chief-penguins  accepted and ignored (git is never asked)
  --kernel-tree DIR     kernel tree (MAINTAINERS) when the driver is not inside one
  --config FILE         settings file (default: nearest .vfio-variant.json)
  -h, --help            show this help
`;

const BOOLEAN_FLAGS: Record<string, [string, boolean]> = {
  '--no-rolestats': ['rolestats', false],
  '--norolestats': ['rolestats', false],
  '--rolestats': ['rolestats', true],
  '--no-m': ['m', false],
  '--nom': ['m', false],
  '--m': ['m', true],
  '--no-r': ['r', false],
  '--nor': ['r', false],
  '--r': ['r', true],
  '--no-l': ['l', false],
  '--nol': ['l', false],
  '--l': ['l', true],
  '--no-parents': ['parents', false],
  '--parents': ['parents', true],
};
/** get_maintainer.pl flags b4 and users pass that change nothing here: git is never asked. */
const NO_OPS = new Set([
  '--nogit',
  '--no-git',
  '--nogit-fallback',
  '--no-git-fallback',
  '--nogit-chief-penguins',
  '--no-git-chief-penguins',
]);

export function runCc(
  argv: string[],
  io: CliIO,
  resolveSettings: (values: Record<string, unknown>, firstPath: string, problems: string[]) => Settings,
): number {
  // get_maintainer.pl's negatable flags (--no-x and --nox), which util.parseArgs does not know.
  const flags: Record<string, boolean> = { rolestats: true, m: true, r: true, l: true, parents: true };
  const rest: string[] = [];
  for (const a of argv) {
    const f = BOOLEAN_FLAGS[a];
    if (f) flags[f[0]] = f[1];
    else if (!NO_OPS.has(a)) rest.push(a);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        patch: { type: 'string' },
        separator: { type: 'string' },
        'kernel-tree': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`vfio-variant: ${(e as Error).message}\n${CC_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(CC_USAGE);
    return 0;
  }
  const fail = (m: string) => {
    io.err(`vfio-variant: ${m}\n`);
    return 2;
  };
  const cwd = process.cwd();
  const problems: string[] = [];
  const settings = resolveSettings(values, positionals[0] ?? cwd, problems);
  if (problems.length) return fail(problems.join('\nvfio-variant: '));

  const dirs: string[] = [];
  const patches: string[] = [];
  if (values.patch !== undefined) patches.push(values.patch);
  for (const p of positionals) {
    if (p === '-') {
      patches.push(p);
      continue;
    }
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return fail(`${p}: no such file or directory`);
    if (st.isDirectory()) dirs.push(path.resolve(p));
    else if (/\.[ch]$/.test(p)) dirs.push(path.dirname(path.resolve(p)));
    else patches.push(p);
  }
  if (!dirs.length && !patches.length) {
    if (process.stdin.isTTY) {
      io.err(`vfio-variant: no DRIVER_DIR or patch given\n${CC_USAGE}`);
      return 2;
    }
    patches.push('-');
  }
  if (dirs.length && patches.length) return fail('give driver directories or patches, not both');

  const result = patches.length ? ccOfPatches(patches, cwd, settings) : ccOfDrivers([...new Set(dirs)], settings);
  if (!result.ok) return fail(result.error);
  const lines = renderCc(result.files, flags.parents ? result.parents : [], {
    rolestats: flags.rolestats,
    m: flags.m,
    r: flags.r,
    l: flags.l,
    ...(values.separator !== undefined ? { separator: values.separator } : {}),
  });
  io.out(lines.length ? `${lines.join('\n')}\n` : '');
  return 0;
}

type CcResult = { ok: true; files: CcLine[]; parents: CcLine[] } | { ok: false; error: string };

/** Driver directories: get_maintainer.pl on all their files at once, and each driver's parents' owners. */
function ccOfDrivers(dirs: string[], settings: Settings): CcResult {
  const ws = new Workspace(nodeFileSystem, settings);
  const byRoot = new Map<string, { files: string[]; outOfTree: CcLine[] }>();
  const parents: CcLine[] = [];
  for (const dir of dirs) {
    const where = ws.maintainers.locate(dir, settings.kernelTree);
    if (!where) return { ok: false, error: `${dir}: no MAINTAINERS found (not inside a kernel tree); pass --kernel-tree` };
    const group = byRoot.get(where.root) ?? byRoot.set(where.root, { files: [], outOfTree: [] }).get(where.root)!;
    const report = buildReport(ws, dir, { kernelTree: settings.kernelTree });
    if (where.inTree) group.files.push(...driverDirFiles(dir, where.root, nodeFileSystem));
    else group.outOfTree.push(...report.maintainers.ccLines.files);
    parents.push(...report.maintainers.ccLines.parents);
  }
  const files: CcLine[] = [];
  for (const [root, group] of byRoot) {
    const mf = ws.maintainers.load(root);
    if (!mf) return { ok: false, error: `${root}/MAINTAINERS cannot be read` };
    if (group.files.length) files.push(...getMaintainerLines(mf, group.files, nodeFileSystem));
    files.push(...group.outOfTree);
  }
  return { ok: true, files, parents };
}

/** Patches: get_maintainer.pl on the files they name (and K: on their text); the parents their added lines call. */
function ccOfPatches(names: string[], cwd: string, settings: Settings): CcResult {
  const files: string[] = [];
  const texts: string[] = [];
  const parents: CcLine[] = [];
  let root: string | undefined;
  let ws: Workspace | undefined;
  for (const name of names) {
    const patch = readPatch(name);
    if (!patch.ok) return patch;
    const images = imagesOfPatch(patch.text, cwd, settings);
    if (!images.ok) return images;
    const { post, resolved, dirs } = images.images;
    root = images.images.root;
    ws ??= post;
    texts.push(patch.text);
    files.push(...patchFileNames(patch.text));
    const where = post.maintainers.locate(root, settings.kernelTree);
    const mf = where && post.maintainers.load(where.root);
    if (!mf) return { ok: false, error: `${root}: no MAINTAINERS here; run from the top of a kernel tree or pass --kernel-tree` };
    const added = new Map(resolved.filter((c) => c.newPath).map((c) => [c.newPath!, c.added]));
    for (const dir of dirs) {
      if (!post.driverInDir(dir).model.isVariantDriver) continue;
      const report = buildReport(post, dir, { kernelTree: settings.kernelTree });
      const called = report.parents.filter((p) =>
        p.callees.some((c) => c.calls.some((call) => added.get(call.at.path)?.has(call.at.line - 1))),
      );
      parents.push(...parentOwnerLines(parentOwnersOf(mf, called)));
    }
  }
  const where = ws!.maintainers.locate(root!, settings.kernelTree);
  const mf = where && ws!.maintainers.load(where.root);
  if (!mf) return { ok: false, error: `${root}: no MAINTAINERS here; run from the top of a kernel tree or pass --kernel-tree` };
  const lines = getMaintainerLines(mf, [...new Set(files)].sort(), nodeFileSystem, { patchText: texts.join('\n') });
  return { ok: true, files: lines, parents };
}
