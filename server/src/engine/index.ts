/** The analysis engine's public surface: plain TypeScript, no LSP or VS Code types. */
export { Workspace, type Notice } from './workspace';
export { applyEdits, type CodeFix, type TextEdit } from './fixes/edits';
export { RULES, ruleById, type Finding, type RelatedLocation, type Rule, type RuleMeta, type Severity } from './rules';
export { DEFAULT_SETTINGS, normalizeSettings, type Settings } from './settings';
export { decodeSource, type FileSystemHost } from './host';
export type { DriverModel, ReviewItem, ParentCallItem, HandlerItem } from './model/driver';
export { LineIndex, type Position, type Range } from './syntax/text';
export { describeItem, itemAt } from './rules/describe';
export { compareText } from './syntax/text';
export type { SourceFile } from './model/sourceFile';
export type { FileStat } from './host';
export { buildReport } from './report/report';
export { driverDirFiles, type ReportModel } from './report/report';
export {
  getMaintainerLines,
  parentOwnerLines,
  parentOwnersOf,
  patchFileNames,
  renderCc,
  type CcLine,
  type CcRenderOptions,
} from './maintainers/getMaintainer';
export { applyChange, changeBetween, parseChanges, type FileChange } from './changes/patch';
export { changedLinesOf, findingsInChange, resolveChanges, type ResolvedChange } from './changes/scope';
export { overlayHost } from './changes/overlayHost';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './report/render';
export { checkKernelDoc, KernelDocChecker, toByteString } from './kerneldoc/check';
export { formatKernelDocWarning, type KernelDocOptions, type KernelDocWarning } from './kerneldoc/warnings';
