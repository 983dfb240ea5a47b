/** Review items -> findings: applies the rules, severities and suppressions. */
import type { DriverModel, ReviewItem } from '../model/driver';
import { RULES, type Severity } from './';
import type { Settings } from '../settings';
import { compareText } from '../syntax/text';

export interface RelatedLocation {
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface Finding {
  rule: string;
  /** `none` only appears when listing everything: the item is fine. */
  severity: Severity | 'none';
  message: string;
  kind: ReviewItem['kind'];
  path: string;
  /** 0-based, UTF-16 columns. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  name: string;
  parent?: string;
  role?: string;
  roles?: string[];
  ops?: string;
  documented: boolean;
  kernelDoc?: boolean;
  suppressed: boolean;
  related: RelatedLocation[];
  item: ReviewItem;
}

export interface FindingOptions {
  /** Also list items that break no rule (documented ones). */
  all?: boolean;
  /** Only items located in this file. */
  path?: string;
}

function severityOf(ruleId: string, fallback: Severity, settings: Settings): Severity | 'off' {
  return settings.severity[ruleId] ?? fallback;
}

function isSuppressed(item: ReviewItem, ruleId: string): boolean {
  return !!item.suppressed && (item.suppressed.length === 0 || item.suppressed.includes(ruleId));
}

export function collectFindings(model: DriverModel, settings: Settings, opts: FindingOptions = {}): Finding[] {
  const items: ReviewItem[] = [...model.parentCalls, ...model.handlers, ...(model.driverItems ?? [])];
  const out: Finding[] = [];
  for (const item of items) {
    if (opts.path && item.file.path !== opts.path) continue;
    let reported = false;
    for (const rule of RULES) {
      if (rule.meta.kind !== item.kind) continue;
      const message = rule.check(item);
      if (!message) continue;
      const severity = severityOf(rule.meta.id, rule.meta.defaultSeverity, settings);
      const suppressed = isSuppressed(item, rule.meta.id);
      if (severity === 'off' || (suppressed && !opts.all)) continue;
      out.push(toFinding(item, rule.meta.id, severity, message, suppressed));
      reported = true;
    }
    // Driver-level checks that pass are not items to list.
    if (!reported && opts.all && item.kind !== 'driver') {
      const primary = RULES.find((r) => r.meta.kind === item.kind)!;
      out.push(toFinding(item, primary.meta.id, 'none', documentedMessage(item), isSuppressed(item, primary.meta.id)));
    }
  }
  return out.sort((a, b) => compareText(a.path, b.path) || a.line - b.line || a.column - b.column);
}

function documentedMessage(item: Exclude<ReviewItem, { kind: 'driver' }>): string {
  if (item.kind === 'parent-call') {
    return item.documented
      ? `${item.call.callee}() calls into ${item.parent}; documented.`
      : `${item.call.callee}() calls into ${item.parent}; suppressed.`;
  }
  return item.documented
    ? `${item.fn.name}() is a migration handler; documented.`
    : `${item.fn.name}() is a migration handler; suppressed.`;
}

function toFinding(item: ReviewItem, rule: string, severity: Severity | 'none', message: string, suppressed: boolean): Finding {
  if (item.kind === 'driver') {
    return {
      rule,
      severity,
      message,
      kind: item.kind,
      path: item.file.path,
      line: item.line,
      column: item.column,
      endLine: item.line,
      endColumn: item.column + item.name.length,
      name: item.name,
      documented: item.documented,
      suppressed,
      related: [],
      item,
    };
  }
  if (item.kind === 'parent-call') {
    const c = item.call;
    return {
      rule,
      severity,
      message,
      kind: item.kind,
      path: item.file.path,
      line: c.line,
      column: c.column,
      endLine: c.line,
      endColumn: c.column + c.callee.length,
      name: c.callee,
      parent: item.parent,
      documented: item.documented,
      suppressed,
      related: [],
      item,
    };
  }
  const fn = item.fn;
  const roles = [...new Set(item.wiring.map((w) => w.member))];
  return {
    rule,
    severity,
    message,
    kind: item.kind,
    path: item.file.path,
    line: fn.nameLine,
    column: fn.nameColumn,
    endLine: fn.nameLine,
    endColumn: fn.nameColumn + fn.name.length,
    name: fn.name,
    role: roles[0],
    roles,
    ops: item.wiring[0].ops,
    documented: item.documented,
    kernelDoc: item.kernelDoc,
    suppressed,
    related: item.wiring.map((w) => ({
      path: w.file.path,
      line: w.line,
      column: w.column,
      message: `wired as ${w.ops}.${w.member}${w.variable ? ` in ${w.variable}` : ''}`,
    })),
    item,
  };
}
