/** Runs the real CLI as a child process, the way users and CI do. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from './kernel';

export const CLI = path.join(REPO, 'server', 'bin', 'vfio-variant.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd: string = REPO): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  kind: 'parent-call' | 'migration-handler' | 'driver' | 'code' | 'header-helper';
  name: string;
  parent?: string;
  role?: string;
  documented: boolean;
  rule: string;
  severity: string;
}

export function checkJson(args: string[], cwd: string): JsonFinding[] {
  const r = runCli(['check', '--format', 'json', ...args], cwd);
  if (r.status !== 0 && r.status !== 1) throw new Error(`vfio-variant failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout).findings;
}

/** Precision and recall of `found` against `labels`, matched on file, line, column, kind and name. */
export function score(labels: JsonFinding[], found: JsonFinding[], kind: JsonFinding['kind']) {
  const key = (f: JsonFinding) => `${f.file}:${f.line}:${f.column}:${f.kind}:${f.name}`;
  const L = new Map(labels.filter((f) => f.kind === kind).map((f) => [key(f), f]));
  const F = new Map(found.filter((f) => f.kind === kind).map((f) => [key(f), f]));
  const hits = [...L.keys()].filter((k) => F.has(k));
  const documentedAgree = hits.filter((k) => L.get(k)!.documented === F.get(k)!.documented).length;
  return {
    precision: F.size ? hits.length / F.size : 1,
    recall: L.size ? hits.length / L.size : 1,
    documentedAccuracy: hits.length ? documentedAgree / hits.length : 1,
    missed: [...L.keys()].filter((k) => !F.has(k)),
    extra: [...F.keys()].filter((k) => !L.has(k)),
  };
}
