/** The analysis engine's public surface: plain TypeScript, no LSP or VS Code types. */
export { Workspace, type Notice } from './workspace';
export { collectFindings, type Finding, type RelatedLocation } from './findings';
export { applyEdits, type CodeFix, type TextEdit } from './fixes';
export { RULES, ruleById, type Rule, type RuleMeta, type Severity } from './rules';
export { DEFAULT_SETTINGS, normalizeSettings, type Settings } from './settings';
export { decodeSource, type FileSystemHost } from './host';
export type { DriverModel, ReviewItem, ParentCallItem, HandlerItem } from './driver';
export { LineIndex, type Position, type Range } from './text';
export { describeItem, itemAt } from "./describe";
