/**
 * `vfio-variant report DRIVER_DIR [--format markdown|json|html|text] [--kernel-tree DIR] [--config FILE]`:
 * the acceptance report of one driver on stdout. Links are relative to the
 * current directory, so a report saved there (or pasted into a review of the
 * tree it was run in) points at the sources.
 * Exit status: 0 report written, 2 usage or I/O error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { buildReport, normalizeSettings, renderReport, REPORT_FORMATS, Workspace, type ReportFormat } from '../engine';
import { argumentError, kernelTreeProblem } from './args';
import { nodeFileSystem } from '../node/fsHost';
import { findConfig, loadConfig } from './config';
import type { CliIO } from './main';

export const REPORT_USAGE = `usage: vfio-variant report [options] DRIVER_DIR

Writes the acceptance report of one vfio-pci variant driver: parent-driver
interactions, migration handlers and documentation, the acceptance questions the
docs answer, and who must review and ack (from the tree's MAINTAINERS).

options:
  --format markdown|json|html|text
                               output format (default: markdown; text: plain, for a cover letter)
  --kernel-tree DIR            kernel tree to use when the driver is not inside one
  --config FILE                settings file (default: nearest .vfio-variant.json)
  -h, --help                   show this help
`;

export function runReport(argv: string[], io: CliIO): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'markdown' },
        'kernel-tree': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(
      `vfio-variant: ${argumentError(e, ['format', 'kernel-tree', 'config', 'help']).message}\nrun 'vfio-variant report --help' for the options\n`,
    );
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(REPORT_USAGE);
    return 0;
  }
  const usage = (m: string) => {
    io.err(`vfio-variant: ${m}\nrun 'vfio-variant report --help' for the options\n`);
    return 2;
  };
  if (positionals.length !== 1) return usage(positionals.length ? 'report takes one DRIVER_DIR' : 'no DRIVER_DIR given');
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) return usage(`unknown format '${format}' (${REPORT_FORMATS.join(', ')})`);
  const dir = path.resolve(positionals[0]);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    io.err(`vfio-variant: ${positionals[0]}: not a directory\n`);
    return 2;
  }
  const problems: string[] = [];
  const configFile = values.config ?? findConfig(dir);
  const settings = configFile ? loadConfig(configFile, problems) : normalizeSettings(undefined);
  if (values['kernel-tree']) settings.kernelTree = path.resolve(values['kernel-tree']);
  if (settings.kernelTree) {
    const bad = kernelTreeProblem(settings.kernelTree, values['kernel-tree'] ? '--kernel-tree' : 'kernelTree');
    if (bad) problems.push(bad);
  }
  if (problems.length) {
    io.err(problems.map((p) => `vfio-variant: ${p}\n`).join(''));
    return 2;
  }
  const ws = new Workspace(nodeFileSystem, settings);
  const report = buildReport(ws, dir, { kernelTree: settings.kernelTree });
  const cwd = process.cwd();
  const href = (p: string) => (path.relative(cwd, p) || '.').split(path.sep).map(encodeURIComponent).join('/');
  io.out(renderReport(report, format, { href }));
  return 0;
}
