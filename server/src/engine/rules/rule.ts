/**
 * What every rule module exports, ESLint-style: `meta` (the single source of the
 * rule's id, severity, docs and settings schema) and `create(context)`, which reads
 * the driver model (and, when it needs them, syntax trees and flow graphs) and
 * reports findings. A rule also owns its quick fixes and its hover explanation.
 */
import type { FlowQueries } from '../flow';
import type { DriverModel, ReviewItem } from '../model/driver';
import type { SourceFile } from '../model/sourceFile';
import type { Settings } from '../settings';
import type { CodeFix } from '../fixes/edits';
import type { Finding, RelatedLocation } from './finding';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RuleMeta {
  id: string;
  /** `documentation`: what reviewers ask to be written down; `problem`: code that goes wrong at run time. */
  type: 'documentation' | 'problem';
  defaultSeverity: Severity | 'off';
  /** One sentence: the settings page, README and docs tables show it. */
  description: string;
  /** Path of the rule's page, relative to the repository root. */
  docs: string;
  fixable: boolean;
  /**
   * Reads the flow layer (CFGs, locks, pointers, taint) across the driver: too slow to
   * run on every keystroke of a big driver. While the user types, its findings from its
   * last run are carried over (moved with unchanged functions); it runs again when
   * typing pauses, and always for the CLI, fixes and reports.
   */
  flow?: boolean;
}

/** What a rule reports: a place, a message, and what fixes and hover need. */
export interface Report {
  file: SourceFile;
  /** 0-based line, UTF-16 column. */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** The name the finding is about (callee, function, lock, variable). */
  name: string;
  message: string;
  /** The review item (parent call, handler, driver topic) this finding is about, if any. */
  item?: ReviewItem;
  /** The finding's kind when it has no single item (e.g. `parent-calls`: one function's undocumented calls). */
  kind?: string;
  related?: RelatedLocation[];
  /**
   * The line whose stand-alone comments may suppress this finding, and above which a
   * suppression comment goes (default: `line`). Ignored when `item` carries its own.
   */
  anchorLine?: number;
  /** Rule-private data for the rule's fixes and hover. */
  data?: unknown;
}

export interface RuleContext {
  readonly model: DriverModel;
  readonly settings: Settings;
  /** Control-flow graphs and the forward solver, shared by all rules. */
  readonly flow: FlowQueries;
  /** A violation. */
  report(r: Report): void;
  /** An inventory item that passes: listed only with `--all` (every parent call and handler). */
  pass(r: Report): void;
}

export interface FixContext {
  readonly model: DriverModel;
  readonly settings: Settings;
  readonly flow: FlowQueries;
  /** Other findings of the same driver (fixes that document several items at once look here). */
  readonly findings: readonly Finding[];
}

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): void;
  /** Quick fixes for one of this rule's findings, its suppression included. */
  fixes?(finding: Finding, context: FixContext): CodeFix[];
  /** Markdown for hover: why this matters and what to do. */
  explain?(finding: Finding): string;
}
