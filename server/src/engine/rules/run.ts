/**
 * Runs every rule over a driver model once and settles severities and
 * suppressions. The order of RULES changes nothing: findings are sorted by place
 * and rule id, and an inventory pass is dropped only when a rule reports its item.
 */
import type { FlowQueries } from '../flow';
import type { DriverModel, ReviewItem } from '../model/driver';
import { commentsAbove, suppressionRules, type SourceFile } from '../model/sourceFile';
import type { Settings } from '../settings';
import { compareText } from '../syntax/text';
import type { Finding, FindingOptions } from './finding';
import { RULES } from './registry';
import type { Report, Rule, Severity } from './rule';

interface RuleRun {
  reported: Finding[];
  /** Inventory items that pass, listed with `--all`. */
  passed: Finding[];
}

/** Results per model object (a model is rebuilt whenever a file of its driver changes) and settings object. */
export class RuleRunner {
  private readonly runs = new WeakMap<DriverModel, { settings: Settings; driverItems: unknown; run: RuleRun }>();

  constructor(private readonly flow: FlowQueries) {}

  findings(model: DriverModel, settings: Settings, opts: FindingOptions = {}): Finding[] {
    const run = this.run(model, settings);
    const inFile = (f: Finding) => !opts.path || f.path === opts.path;
    const out = run.reported.filter((f) => inFile(f) && (opts.all || !f.suppressed));
    if (opts.all) {
      const reportedItems = new Set<ReviewItem>();
      for (const f of run.reported) if (f.item) reportedItems.add(f.item);
      for (const p of run.passed) if (inFile(p) && !(p.item && reportedItems.has(p.item))) out.push(p);
    }
    return out.sort(byPlace);
  }

  /** Every reported finding of the driver (suppressed ones included), for fixes that look across items. */
  all(model: DriverModel, settings: Settings): readonly Finding[] {
    return this.run(model, settings).reported;
  }

  private run(model: DriverModel, settings: Settings): RuleRun {
    const hit = this.runs.get(model);
    // Driver items are re-attached to a model when MAINTAINERS changes.
    if (hit && hit.settings === settings && hit.driverItems === model.driverItems) return hit.run;
    const run: RuleRun = { reported: [], passed: [] };
    if (model.isVariantDriver) for (const rule of RULES) runRule(rule, model, settings, this.flow, run);
    this.runs.set(model, { settings, driverItems: model.driverItems, run });
    return run;
  }
}

function runRule(rule: Rule, model: DriverModel, settings: Settings, flow: FlowQueries, run: RuleRun): void {
  const severity = settings.severity[rule.meta.id] ?? rule.meta.defaultSeverity;
  // A problem rule that is off has nothing to list; a documentation rule still lists its inventory for --all.
  if (severity === 'off' && rule.meta.type === 'problem') return;
  rule.create({
    model,
    settings,
    flow,
    report(r) {
      // A rule that is off still lists its inventory items (documented or not) with --all.
      if (severity === 'off') run.passed.push(toFinding(rule, r, 'none'));
      else run.reported.push(toFinding(rule, r, severity));
    },
    pass(r) {
      run.passed.push(toFinding(rule, r, 'none'));
    },
  });
}

function byPlace(a: Finding, b: Finding): number {
  return compareText(a.path, b.path) || a.line - b.line || a.column - b.column || compareText(a.rule, b.rule);
}

/** Suppression by a comment stacked directly above the anchor line. */
function suppressedAt(file: SourceFile, line: number, ruleId: string): boolean {
  for (const c of commentsAbove(file, line)) {
    const rules = suppressionRules(c);
    if (rules && (rules.length === 0 || rules.includes(ruleId))) return true;
  }
  return false;
}

function isSuppressed(r: Report, ruleId: string, anchorLine: number): boolean {
  const item = r.item;
  if (item) return !!item.suppressed && (item.suppressed.length === 0 || item.suppressed.includes(ruleId));
  return suppressedAt(r.file, anchorLine, ruleId);
}

function toFinding(rule: Rule, r: Report, severity: Severity | 'none'): Finding {
  const item = r.item;
  const anchorLine = r.anchorLine ?? r.line;
  const base: Finding = {
    rule: rule.meta.id,
    severity,
    message: r.message,
    kind: item?.kind ?? (r.kind as Finding['kind'] | undefined) ?? 'code',
    path: r.file.path,
    version: r.file.version,
    line: r.line,
    column: r.column,
    endLine: r.endLine ?? r.line,
    endColumn: r.endColumn ?? r.column + r.name.length,
    name: r.name,
    documented: item?.documented ?? false,
    suppressed: isSuppressed(r, rule.meta.id, anchorLine),
    related: r.related ?? [],
    anchorLine,
    ...(item ? { item } : {}),
    ...(r.data !== undefined ? { data: r.data } : {}),
  };
  if (item?.kind === 'parent-call') {
    base.parent = item.parent;
    if (item.via) base.via = item.via;
  }
  if (item?.kind === 'migration-handler') {
    const roles = [...new Set(item.wiring.map((w) => w.member))];
    Object.assign(base, { role: roles[0], roles, ops: item.wiring[0].ops, kernelDoc: item.kernelDoc });
  }
  return base;
}
