/** The CLI's three output formats. Lines and columns are 1-based here. */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { RULES, type Finding, type Notice } from '../engine';
import { docsUrl } from '../node/docs';

export type Format = 'text' | 'json' | 'sarif';

const rel = (p: string) => path.relative(process.cwd(), p) || p;

const GCC_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note', none: 'note' };

export function formatText(findings: Finding[], notices: Notice[]): string {
  const lines = findings.map((f) => `${rel(f.path)}:${f.line + 1}:${f.column + 1}: ${GCC_LEVEL[f.severity]}: ${f.message} [${f.rule}]`);
  for (const n of notices) lines.push(`${rel(n.path)}: note: ${n.message}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}

export function findingJson(f: Finding) {
  return {
    file: rel(f.path),
    line: f.line + 1,
    column: f.column + 1,
    endLine: f.endLine + 1,
    endColumn: f.endColumn + 1,
    kind: f.kind,
    name: f.name,
    ...(f.kind === 'parent-call'
      ? { parent: f.parent, ...(f.via ? { via: f.via } : {}) }
      : { role: f.role, roles: f.roles, ops: f.ops, kernelDoc: f.kernelDoc }),
    documented: f.documented,
    suppressed: f.suppressed,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    related: f.related.map((r) => ({ file: rel(r.path), line: r.line + 1, column: r.column + 1, message: r.message })),
  };
}

/** What `--fix` changed in one file. */
export interface FixedFile {
  path: string;
  /** Comment templates inserted. */
  edits: number;
  /** Lines added. */
  lines: number;
}

/** Errors (exit status 2) and `--fix` results: part of the JSON and SARIF documents, so they are valid whatever happened. */
export interface RunOutcome {
  errors?: string[];
  fixed?: FixedFile[];
}

/** `drivers`: the directories analysed as vfio-pci variant drivers, so a run over a tree says what it covered. */
export function formatJson(findings: Finding[], notices: Notice[], drivers: string[] = [], outcome: RunOutcome = {}): string {
  return (
    JSON.stringify(
      {
        drivers: drivers.map(rel),
        findings: findings.map(findingJson),
        notices: notices.map((n) => ({ file: rel(n.path), message: n.message })),
        errors: (outcome.errors ?? []).map((message) => ({ message })),
        ...(outcome.fixed ? { fixed: outcome.fixed.map((f) => ({ file: rel(f.path), edits: f.edits, lines: f.lines })) } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note', none: 'none' };

export function formatSarif(findings: Finding[], notices: Notice[], version: string, outcome: RunOutcome = {}): string {
  const base = pathToFileURL(process.cwd() + path.sep).href;
  const location = (p: string, line: number, column: number, endColumn?: number) => ({
    physicalLocation: {
      artifactLocation: { uri: rel(p).split(path.sep).join('/'), uriBaseId: 'SRCROOT' },
      region: { startLine: line + 1, startColumn: column + 1, ...(endColumn !== undefined ? { endColumn: endColumn + 1 } : {}) },
    },
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vfio-variant',
            version,
            informationUri: docsUrl(''),
            rules: RULES.map((r) => ({
              id: r.meta.id,
              shortDescription: { text: r.meta.description },
              helpUri: docsUrl(r.meta.id),
              defaultConfiguration: { level: SARIF_LEVEL[r.meta.defaultSeverity] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: base } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: RULES.findIndex((r) => r.meta.id === f.rule),
          level: SARIF_LEVEL[f.severity],
          ...(f.severity === 'none' ? { kind: 'pass' } : {}),
          message: { text: f.message },
          locations: [location(f.path, f.line, f.column, f.endColumn)],
          relatedLocations: f.related.map((r, i) => ({ id: i, ...location(r.path, r.line, r.column), message: { text: r.message } })),
          properties: { kind: f.kind, name: f.name, parent: f.parent, role: f.role, documented: f.documented },
          ...(f.suppressed ? { suppressions: [{ kind: 'inSource' }] } : {}),
        })),
        invocations: [
          {
            executionSuccessful: !outcome.errors?.length,
            toolExecutionNotifications: [
              ...(outcome.errors ?? []).map((text) => ({ level: 'error', message: { text } })),
              ...notices.map((n) => ({
                level: 'note',
                message: { text: n.message },
                locations: [location(n.path, 0, 0)],
              })),
            ],
          },
        ],
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** `--fix`'s account of what it wrote, one line per file and a total. */
export function formatFixed(fixed: FixedFile[]): string {
  if (!fixed.length) return 'vfio-variant --fix: nothing to change\n';
  const lines = fixed.map((f) => `fixed ${rel(f.path)}: ${f.edits} comment template(s) inserted, +${f.lines} line(s)`);
  const edits = fixed.reduce((n, f) => n + f.edits, 0);
  lines.push(`vfio-variant --fix: ${fixed.length} file(s) changed, ${edits} template(s) inserted; answer their TODO: prompts`);
  return lines.join('\n') + '\n';
}
