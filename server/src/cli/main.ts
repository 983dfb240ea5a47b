/**
 * `vfio-variant`: the command-line front end. Parses arguments, finds driver
 * directories, runs the engine and prints findings; `--fix` writes templates.
 * Exit status: 0 nothing to report, 1 findings, 2 usage or I/O error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { applyEdits, decodeSource, normalizeSettings, RULES, Workspace, type Finding, type Notice, type Settings } from '../engine';
import { toolVersion } from '../node/docs';
import { nodeFileSystem } from '../node/fsHost';
import { writeAllSync } from '../node/syncOutput';
import type * as AtomicWrite from '../node/atomicWrite';
import type { AtomicWriteOptions } from '../node/atomicWrite';
import { findConfig, loadConfig } from './config';
import { runKernelDoc } from './kernelDoc';
import { runReport } from './report';
import { CHANGE_USAGE, isChangeCheck, runChangeCheck } from './changes';
import { runCc } from './cc';
import { mergeTargets, walkPaths, type Target } from './discover';
import { isCheckWorker, parallelCandidates, parallelCheck, WorkerPool } from './parallel';
import { formatFixed, formatJson, formatSarif, formatText, type FixedFile, type Format, type RunOutcome } from './formats';
import { argumentError, HELP_HINT, kernelTreeProblem, requestedFormat, UsageError } from './args';
import { uncoveredPaths, type Analysed } from './coverage';
import type * as Diff from './diff';

const VERSION = toolVersion();

const USAGE = `usage: vfio-variant check [options] PATH...
${CHANGE_USAGE.replace(/\n\n[^]*$/, '')}
       vfio-variant report [--format markdown|json|html|text] [--kernel-tree DIR] DRIVER_DIR
       vfio-variant cc [--no-rolestats] [--separator SEP] [DRIVER_DIR|PATCH...|--patch FILE|-]
       vfio-variant kernel-doc [-Wall] FILE...   (scripts/kernel-doc -none -Wall, ported)

Finds calls into parent (PF) drivers and migration state handlers in vfio-pci
variant drivers that lack the documentation reviewers ask for.

options:
  --format text|json|sarif  output format (default: text)
  --all                     list every parent call and handler, documented or not
  --per-call                report each undocumented parent call, not once per function
  --fix                     insert kernel-doc / comment templates into the files
  --fix-dry-run             print the --fix changes as a unified diff, write nothing
  --config FILE             settings file (default: nearest .vfio-variant.json)
  --kernel-tree DIR         kernel tree whose headers to read
  --parent NAME=PATTERN     treat callees matching PATTERN (glob or /regex/) as parent NAME
  --ignore PATTERN          never treat matching callees as parent calls
  -j, --jobs N              threads to use (default: one per core)
  --diff REV                only what \`git diff REV\` adds or changes (PATHs optional)
  --patch FILE|-            the files after the patch, only its lines; --format checkpatch for b4
  -h, --help                show this help
  --version                 print the version

rules:
${RULES.map((r) => `  ${r.meta.id.padEnd(34)}${r.meta.defaultSeverity}`).join('\n')}
`;

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** `writeHooks`: a test seam for --fix (see AtomicWriteOptions). */
export async function main(
  argv: string[],
  io: CliIO = { out: (s) => writeAllSync(1, s), err: (s) => writeAllSync(2, s) },
  writeHooks: AtomicWriteOptions = {},
): Promise<number> {
  try {
    if (argv[0] === 'kernel-doc') return runKernelDoc(argv.slice(1), io);
    return argv[0] === 'report' ? runReport(argv.slice(1), io) : (changeCommand(argv, io) ?? (await run(argv, io, writeHooks)));
  } catch (e) {
    const message = e instanceof UsageError ? e.message : `internal error: ${(e as Error).message}`;
    io.err(`vfio-variant: ${message}\n${e instanceof UsageError ? `${HELP_HINT}\n` : ''}`);
    failureDocument(requestedFormat(argv), [message], io);
    return 2;
  }
}

/** With --format json or sarif, a run that fails still prints a valid document, its errors inside. */
function failureDocument(format: string | undefined, errors: string[], io: CliIO, findings: Finding[] = [], notices: Notice[] = []): void {
  if (format === 'json') io.out(formatJson(findings, notices, [], { errors }));
  else if (format === 'sarif') io.out(formatSarif(findings, notices, VERSION, { errors }));
}

const CHECK_OPTIONS = ['format', 'all', 'fix', 'fix-dry-run', 'config', 'kernel-tree', 'parent', 'ignore', 'jobs', 'help', 'version'];

async function run(argv: string[], io: CliIO, writeHooks: AtomicWriteOptions): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        all: { type: 'boolean', default: false },
        fix: { type: 'boolean', default: false },
        'fix-dry-run': { type: 'boolean', default: false },
        config: { type: 'string' },
        'kernel-tree': { type: 'string' },
        'per-call': { type: 'boolean' },
        parent: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
        jobs: { type: 'string', short: 'j' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw argumentError(e, CHECK_OPTIONS);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.version) {
    io.out(`${VERSION}\n`);
    return 0;
  }
  const [command, ...paths] = positionals;
  if (command !== 'check') throw new UsageError(command ? `unknown command '${command}'` : 'missing command');
  if (!paths.length) throw new UsageError('no PATH given');
  const format = values.format as Format;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format '${format}'`);
  if (values.fix && values['fix-dry-run']) throw new UsageError('--fix and --fix-dry-run exclude each other');

  const problems: string[] = [];
  const settings = resolveSettings(values, paths[0], problems);
  if (settings.kernelTree) {
    const bad = kernelTreeProblem(settings.kernelTree, values['kernel-tree'] ? '--kernel-tree' : 'kernelTree');
    if (bad) problems.push(bad);
  }
  if (problems.length) {
    io.err(problems.map((p) => `vfio-variant: ${p}\n`).join(''));
    failureDocument(format, problems, io);
    return 2;
  }
  const jobs = values.jobs === undefined ? os.availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs wants a positive number, got '${values.jobs}'`);
  const fixing = values.fix || values['fix-dry-run'];
  // Workers start only when a job is big enough to repay their start-up (parallel.ts).
  let pool: WorkerPool | undefined;
  const poolFor = jobs > 1 && !fixing ? () => (pool ??= new WorkerPool(jobs - 1, settings)) : undefined;
  try {
    // Errors do not stop the run: the paths that work are still checked, and the output says what failed.
    const errors: string[] = [];
    const walked = walkPaths(paths, errors);
    const targets = mergeTargets(await parallelCandidates(poolFor, walked.dirs), walked.named);
    const workspace = new Workspace(nodeFileSystem, settings);
    const first = await checkAll(poolFor, workspace, targets, values.all!, pool !== undefined);
    let { findings, notices, drivers } = first;
    errors.push(...uncoveredPaths(paths, walked.dirs, targets, first.analysed));
    const outcome: RunOutcome = { errors };
    if (fixing) {
      const result = fixFiles(workspace, paths, findings, !!values['fix-dry-run'], io, writeHooks);
      errors.push(...result.errors);
      if (values.fix) {
        outcome.fixed = result.fixed;
        // On stderr, so that stdout stays gcc-style text or a SARIF document (JSON has it inside).
        if (format !== 'json') io.err(formatFixed(result.fixed));
        if (result.fixed.length)
          ({ findings, notices, drivers } = await checkAll(undefined, new Workspace(nodeFileSystem, settings), targets, values.all!));
      }
    }
    if (errors.length) io.err(errors.map((e) => `vfio-variant: ${e}\n`).join(''));
    // The dry run's output is the diff; its exit status is check's.
    if (!values['fix-dry-run']) {
      const body =
        format === 'json'
          ? formatJson(findings, notices, drivers, outcome)
          : format === 'sarif'
            ? formatSarif(findings, notices, VERSION, outcome)
            : formatText(findings, notices);
      io.out(body);
    }
    if (errors.length) return 2;
    return findings.some((f) => f.severity !== 'none') ? 1 : 0;
  } finally {
    pool?.close();
  }
}

/** `cc`, and `check --diff` / `check --patch` (cc.ts, changes.ts); undefined for the others. */
function changeCommand(argv: string[], io: CliIO): number | undefined {
  if (argv[0] === 'cc') return runCc(argv.slice(1), io, resolveSettings);
  if (isChangeCheck(argv)) return runChangeCheck(argv.slice(1), io, resolveSettings);
  return undefined;
}

function resolveSettings(values: Record<string, unknown>, firstPath: string, problems: string[]): Settings {
  const configFile = (values.config as string | undefined) ?? findConfig(firstPath);
  const settings = configFile ? loadConfig(configFile, problems) : normalizeSettings(undefined);
  if (values['per-call']) settings.parentCallFindings = 'call';
  if (values['kernel-tree']) settings.kernelTree = path.resolve(values['kernel-tree'] as string);
  for (const spec of (values.parent as string[] | undefined) ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(spec);
    if (!m) {
      problems.push(`--parent wants NAME=PATTERN, got '${spec}'`);
      continue;
    }
    const extra = normalizeSettings({ extraParents: { [m[1]]: [m[2]] } }, problems).extraParents;
    for (const [k, v] of Object.entries(extra)) settings.extraParents[k] = [...(settings.extraParents[k] ?? []), ...v];
  }
  for (const pat of (values.ignore as string[] | undefined) ?? [])
    settings.ignore.push(...normalizeSettings({ ignore: [pat] }, problems).ignore);
  return settings;
}

async function checkAll(
  poolFor: (() => WorkerPool) | undefined,
  workspace: Workspace,
  targets: Target[],
  all: boolean,
  poolRunning = false,
): Promise<{ findings: Finding[]; notices: Notice[]; drivers: string[]; analysed: Analysed[] }> {
  const findings: Finding[] = [];
  const notices: Notice[] = [];
  const drivers: string[] = [];
  const analysed: Analysed[] = [];
  const results = await parallelCheck(poolFor, workspace, targets, all, poolRunning);
  targets.forEach((t, i) => {
    const r = results[i];
    findings.push(...r.findings);
    notices.push(...r.notices);
    const skipped = r.notices.filter((n) => n.message.startsWith('not analysed')).length;
    analysed.push({ dir: t.dir, isVariantDriver: r.isVariantDriver, reason: r.reason, skipped });
    if (r.isVariantDriver) drivers.push(t.dir);
    // A file named explicitly deserves to know why it got no findings.
    if (t.only && !r.isVariantDriver) for (const p of t.only) notices.push({ path: p, message: `not checked: ${r.reason}` });
  });
  return { findings, notices, drivers, analysed };
}

/**
 * Applies fix-all to each file with findings (and only those), atomically. Only
 * regular files under a PATH argument (or a file named as one) are written:
 * never a symbolic link, which could lead outside the tree.
 */
function fixFiles(
  workspace: Workspace,
  paths: string[],
  findings: Finding[],
  dryRun: boolean,
  io: CliIO,
  writeHooks: AtomicWriteOptions,
): { errors: string[]; fixed: FixedFile[] } {
  const files = [...new Set(findings.filter((f) => f.severity !== 'none').map((f) => f.path))].sort();
  const allowed = paths.map((p) => realOrResolved(p));
  const errors: string[] = [];
  const fixed: FixedFile[] = [];
  for (const file of files) {
    const refusal = fixRefusal(file, allowed);
    if (refusal) {
      errors.push(`${file}: not fixed: ${refusal}`);
      continue;
    }
    const fix = workspace.fixAll(file);
    if (!fix) continue;
    const bytes = fs.readFileSync(file);
    const decoded = decodeSource(bytes);
    if (!decoded.ok || decoded.lossy) {
      errors.push(`${file}: not fixed: the file is not valid UTF-8 text`);
      continue;
    }
    const next = applyEdits(decoded.text, fix.edits);
    if (dryRun) {
      // jsdiff and the atomic writer are required here, where they are used, so that a plain check does not load them.
      const { unifiedDiff } = require('./diff') as typeof Diff;
      io.out(unifiedDiff(path.relative(process.cwd(), file), decoded.text, next));
      continue;
    }
    try {
      const model = workspace.driverFor(file).model;
      const analysed = model.files.find((f) => f.path === file);
      if (analysed?.text !== decoded.text) throw new Error(`${file} changed on disk while it was being fixed; not written`);
      const { writeFileAtomic } = require('../node/atomicWrite') as typeof AtomicWrite;
      writeFileAtomic(file, next, bytes, decoded.bom, writeHooks);
      const lines = fix.edits.reduce((n, e) => n + (e.newText.match(/\n/g)?.length ?? 0), 0);
      fixed.push({ path: file, edits: fix.edits.length, lines });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { errors, fixed };
}

function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Why `file` must not be written, or undefined. `allowed`: the PATH arguments, symlinks resolved. */
function fixRefusal(file: string, allowed: string[]): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return 'the file cannot be read';
  }
  if (st.isSymbolicLink()) return 'symbolic link';
  if (!st.isFile()) return 'not a regular file';
  const real = realOrResolved(file);
  const inside = allowed.some((a) => real === a || real.startsWith(a.endsWith(path.sep) ? a : a + path.sep));
  return inside ? undefined : 'outside the paths given on the command line';
}

if (require.main === module && !isCheckWorker())
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
