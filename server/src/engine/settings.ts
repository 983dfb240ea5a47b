/**
 * Settings shared by every front end. The server receives them from the client
 * (`vfioVariant.*`), the CLI from `.vfio-variant.json` and flags; both end up here.
 */
import type { Severity } from './rules/rule';

export interface Settings {
  enable: boolean;
  /** Extra parent drivers: parent name -> callee patterns (globs like `acme_pf_*` or `/regex/`). */
  extraParents: Record<string, string[]>;
  /** Callee names never treated as parent calls (globs or `/regex/`). */
  ignore: string[];
  /** Kernel tree root, when the driver does not sit inside one. */
  kernelTree?: string;
  /** Files larger than this are skipped with a notice. */
  maxFileSize: number;
  /** Per-rule severity overrides. */
  severity: Record<string, Severity | 'off'>;
  /** Undocumented parent calls: one finding per enclosing function (default), or one per call. */
  parentCallFindings: 'function' | 'call';
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  enable: true,
  extraParents: {},
  ignore: [],
  kernelTree: undefined,
  maxFileSize: 2 * 1024 * 1024,
  severity: {},
  parentCallFindings: 'function',
};

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/**
 * Merges untrusted input (JSON from a file or a client) over the defaults,
 * keeping only well-formed values and reporting the rest.
 */
export function normalizeSettings(input: unknown, problems: string[] = []): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS, extraParents: {}, ignore: [], severity: {} };
  if (input === undefined || input === null) return s;
  if (typeof input !== 'object' || Array.isArray(input)) {
    problems.push('settings must be an object');
    return s;
  }
  const o = input as Record<string, unknown>;
  if (typeof o.enable === 'boolean') s.enable = o.enable;
  if (o.extraParents && typeof o.extraParents === 'object' && !Array.isArray(o.extraParents)) {
    for (const [parent, pats] of Object.entries(o.extraParents as Record<string, unknown>)) {
      const list = Array.isArray(pats) ? pats : [pats];
      const good = list.filter((p): p is string => typeof p === 'string' && p.length > 0 && validPattern(p, problems));
      if (good.length) s.extraParents[parent] = good;
    }
  } else if (o.extraParents !== undefined) problems.push('extraParents must map a parent name to a list of patterns');
  if (Array.isArray(o.ignore)) {
    s.ignore = o.ignore.filter((p): p is string => typeof p === 'string' && p.length > 0 && validPattern(p, problems));
  } else if (o.ignore !== undefined) problems.push('ignore must be a list of patterns');
  if (typeof o.kernelTree === 'string' && o.kernelTree.trim()) s.kernelTree = o.kernelTree.trim();
  if (o.parentCallFindings === 'function' || o.parentCallFindings === 'call') s.parentCallFindings = o.parentCallFindings;
  else if (o.parentCallFindings !== undefined) problems.push('parentCallFindings must be "function" or "call"');
  if (typeof o.maxFileSize === 'number' && Number.isFinite(o.maxFileSize) && o.maxFileSize > 0) s.maxFileSize = o.maxFileSize;
  // One dropdown per rule in VS Code's settings page (`vfioVariant.rules.<id>`); `default` keeps the rule's own.
  if (o.rules && typeof o.rules === 'object' && !Array.isArray(o.rules)) {
    for (const [rule, sev] of Object.entries(o.rules as Record<string, unknown>)) {
      if (sev === 'default' || sev === undefined) continue;
      if (typeof sev === 'string' && SEVERITIES.has(sev)) s.severity[rule] = sev as Severity | 'off';
      else problems.push(`rules.${rule} must be one of default, error, warning, information, hint, off`);
    }
  }
  if (o.severity && typeof o.severity === 'object') {
    for (const [rule, sev] of Object.entries(o.severity as Record<string, unknown>)) {
      if (typeof sev === 'string' && SEVERITIES.has(sev)) s.severity[rule] = sev as Severity | 'off';
      else problems.push(`severity for ${rule} must be one of error, warning, information, hint, off`);
    }
  }
  return s;
}

function validPattern(p: string, problems: string[]): boolean {
  const re = /^\/(.*)\/$/.exec(p);
  if (!re) return true;
  try {
    new RegExp(re[1]);
    return true;
  } catch {
    problems.push(`invalid regular expression ${p}`);
    return false;
  }
}
