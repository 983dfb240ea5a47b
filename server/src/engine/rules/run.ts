/**
 * Runs every rule over a driver model once and settles severities and
 * suppressions. The order of RULES changes nothing: findings are sorted by place
 * and rule id, and an inventory pass is dropped only when a rule reports its item.
 */
import type { FlowQueries } from '../flow';
import type { DriverModel, ReviewItem } from '../model/driver';
import { commentsAbove, suppressionRules, type SourceFile } from '../model/sourceFile';
import { carryFindings, snapshot, type FileSnapshot } from './carry';
import type { Settings } from '../settings';
import { compareText } from '../syntax/text';
import type { Finding, FindingOptions } from './finding';
import { RULES } from './registry';
import type { Report, Rule, Severity } from './rule';

interface RuleRun {
  reported: Finding[];
  /** Inventory items that pass, listed with `--all`. */
  passed: Finding[];
  /** The flow rules' findings were carried from their last run, not computed. */
  carried: boolean;
}

/** The flow rules' last run on a driver: their findings and the file texts they were computed on. */
interface FlowRun {
  settings: Settings;
  files: Map<string, FileSnapshot>;
  reported: Finding[];
  passed: Finding[];
}

export interface RunOptions extends FindingOptions {
  /**
   * While the user types: the flow rules (meta.flow) are not run; their findings from
   * their last run on this driver are carried onto the current versions (carry.ts).
   */
  carryFlow?: boolean;
}

/** Results per model object (a model is rebuilt whenever a file of its driver changes) and settings object. */
export class RuleRunner {
  private readonly runs = new WeakMap<DriverModel, { settings: Settings; driverItems: unknown; run: RuleRun }>();
  /** Per driver directory, the flow rules' last run (dropped with the directory: forget()). */
  private readonly flowRuns = new Map<string, FlowRun>();

  constructor(private readonly flow: FlowQueries) {}

  findings(model: DriverModel, settings: Settings, opts: RunOptions = {}): Finding[] {
    const run = this.run(model, settings, !!opts.carryFlow);
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
    return this.run(model, settings, false).reported;
  }

  /** Whether the model's findings hold flow findings carried from an earlier run (run again when typing pauses). */
  carried(model: DriverModel): boolean {
    return !!this.runs.get(model)?.run.carried;
  }

  /** The directory's driver is no longer open. */
  forget(dir: string): void {
    this.flowRuns.delete(dir);
  }

  private run(model: DriverModel, settings: Settings, carryFlow: boolean): RuleRun {
    const hit = this.runs.get(model);
    // Driver items are re-attached to a model when MAINTAINERS changes.
    if (hit && hit.settings === settings && hit.driverItems === model.driverItems && (carryFlow || !hit.run.carried)) return hit.run;
    const last = carryFlow ? this.flowRuns.get(model.dir) : undefined;
    const carry = !!last && last.settings === settings && model.isVariantDriver;
    const run: RuleRun = { reported: [], passed: [], carried: carry };
    if (model.isVariantDriver) for (const rule of RULES) if (!(carry && rule.meta.flow)) runRule(rule, model, settings, this.flow, run);
    if (carry) {
      run.reported.push(...carryFindings(last.reported, last.files, model.files));
      run.passed.push(...carryFindings(last.passed, last.files, model.files));
    } else if (model.isVariantDriver) {
      const isFlow = (f: Finding) => FLOW_RULES.has(f.rule);
      this.flowRuns.set(model.dir, {
        settings,
        files: new Map(model.files.map((f) => [f.path, snapshot(f)])),
        reported: run.reported.filter(isFlow),
        passed: run.passed.filter(isFlow),
      });
    }
    this.runs.set(model, { settings, driverItems: model.driverItems, run });
    return run;
  }
}

const FLOW_RULES = new Set(RULES.filter((r) => r.meta.flow).map((r) => r.meta.id));

function runRule(rule: Rule, model: DriverModel, settings: Settings, flow: FlowQueries, run: Pick<RuleRun, 'reported' | 'passed'>): void {
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
