/**
 * `vfio-variant`: the command-line front end. Parses arguments, finds driver
 * directories, runs the engine and prints findings; `--fix` writes templates.
 * Exit status: 0 nothing to report, 1 findings, 2 usage or I/O error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { applyEdits, decodeSource, normalizeSettings, RULES, Workspace, type Finding, type Notice, type Settings } from '../engine';
import { toolVersion } from '../node/docs';
import { nodeFileSystem } from '../node/fsHost';
import { writeFileAtomic } from '../node/atomicWrite';
import { findConfig, loadConfig } from './config';
import { discoverTargets, type Target } from './discover';
import { formatJson, formatSarif, formatText, type Format } from './formats';
import { unifiedDiff } from './diff';

const VERSION = toolVersion();

const USAGE = `usage: vfio-variant check [options] PATH...

Finds calls into parent (PF) drivers and migration state handlers in vfio-pci
variant drivers that lack the documentation reviewers ask for.

options:
  --format text|json|sarif  output format (default: text)
  --all                     list every parent call and handler, documented or not
  --fix                     insert kernel-doc / comment templates into the files
  --fix-dry-run             print the --fix changes as a unified diff, write nothing
  --config FILE             settings file (default: nearest .vfio-variant.json)
  --kernel-tree DIR         kernel tree whose headers to read
  --parent NAME=PATTERN     treat callees matching PATTERN (glob or /regex/) as parent NAME
  --ignore PATTERN          never treat matching callees as parent calls
  -h, --help                show this help
  --version                 print the version

rules:
${RULES.map((r) => `  ${r.meta.id.padEnd(34)}${r.meta.defaultSeverity}`).join('\n')}
`;

class UsageError extends Error {}

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

export function main(argv: string[], io: CliIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): number {
  try {
    return run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`vfio-variant: ${e.message}\n${USAGE}`);
      return 2;
    }
    io.err(`vfio-variant: internal error: ${(e as Error).message}\n`);
    return 2;
  }
}

function run(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        format: { type: 'string', default: 'text' }, all: { type: 'boolean', default: false },
        fix: { type: 'boolean', default: false }, 'fix-dry-run': { type: 'boolean', default: false },
        config: { type: 'string' }, 'kernel-tree': { type: 'string' }, parent: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
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
  if (problems.length) {
    io.err(problems.map((p) => `vfio-variant: ${p}\n`).join(''));
    return 2;
  }
  const errors: string[] = [];
  const targets = discoverTargets(paths, errors);
  if (errors.length) {
    io.err(errors.map((e) => `vfio-variant: ${e}\n`).join(''));
    return 2;
  }

  const workspace = new Workspace(nodeFileSystem, settings);
  let { findings, notices } = checkAll(workspace, targets, values.all!);
  if (values.fix || values['fix-dry-run']) {
    const result = fixFiles(workspace, targets, findings, !!values['fix-dry-run'], io);
    if (result.failed) return 2;
    if (values.fix) ({ findings, notices } = checkAll(new Workspace(nodeFileSystem, settings), targets, values.all!));
    else return 0;
  }
  const body = format === 'json' ? formatJson(findings, notices)
    : format === 'sarif' ? formatSarif(findings, notices, VERSION)
      : formatText(findings, notices);
  io.out(body);
  return findings.some((f) => f.severity !== 'none') ? 1 : 0;
}

function resolveSettings(values: Record<string, unknown>, firstPath: string, problems: string[]): Settings {
  const configFile = (values.config as string | undefined) ?? findConfig(firstPath);
  const settings = configFile ? loadConfig(configFile, problems) : normalizeSettings(undefined);
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
  for (const pat of (values.ignore as string[] | undefined) ?? []) settings.ignore.push(...normalizeSettings({ ignore: [pat] }, problems).ignore);
  return settings;
}

function checkAll(workspace: Workspace, targets: Target[], all: boolean): { findings: Finding[]; notices: Notice[] } {
  const findings: Finding[] = [];
  const notices: Notice[] = [];
  for (const t of targets) {
    const r = workspace.driverFindings(t.dir, { all });
    findings.push(...(t.only ? r.findings.filter((f) => t.only!.has(f.path)) : r.findings));
    notices.push(...(t.only ? r.notices.filter((n) => t.only!.has(n.path)) : r.notices));
    // A file named explicitly deserves to know why it got no findings.
    if (t.only && !r.model.isVariantDriver) for (const p of t.only) notices.push({ path: p, message: `not checked: ${r.model.reason}` });
  }
  return { findings, notices };
}

/** Applies fix-all to each file with findings (and only those), atomically. */
function fixFiles(workspace: Workspace, targets: Target[], findings: Finding[], dryRun: boolean, io: CliIO): { failed: boolean } {
  const files = [...new Set(findings.filter((f) => f.severity !== 'none').map((f) => f.path))].sort();
  let failed = false;
  for (const file of files) {
    const fix = workspace.fixAll(file);
    if (!fix) continue;
    const bytes = fs.readFileSync(file);
    const decoded = decodeSource(bytes);
    if (!decoded.ok || decoded.lossy) {
      io.err(`vfio-variant: ${file}: not fixed: the file is not valid UTF-8 text\n`);
      failed = true;
      continue;
    }
    const next = applyEdits(decoded.text, fix.edits);
    if (dryRun) {
      io.out(unifiedDiff(path.relative(process.cwd(), file), decoded.text, next));
      continue;
    }
    try {
      const model = workspace.driverFor(file).model;
      const analysed = model.files.find((f) => f.path === file);
      if (analysed?.text !== decoded.text) throw new Error(`${file} changed on disk while it was being fixed; not written`);
      writeFileAtomic(file, next, bytes, decoded.bom);
    } catch (e) {
      io.err(`vfio-variant: ${(e as Error).message}\n`);
      failed = true;
    }
  }
  void targets;
  return { failed };
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
