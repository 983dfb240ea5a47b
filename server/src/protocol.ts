/**
 * Custom LSP requests between the VS Code client and the server: names and
 * shapes only. Both sides import this module; it imports nothing, so the client
 * never pulls in server code.
 */

/** The acceptance report of the driver holding `uri`. */
export const REPORT_REQUEST = 'vfioVariant/report';
export type ReportRequestFormat = 'markdown' | 'json' | 'html' | 'text';

export interface ReportParams {
  uri: string;
  format?: ReportRequestFormat;
}

export interface ReportResult {
  /** The driver directory (absolute), '' when there is none. */
  driver: string;
  format: ReportRequestFormat;
  /** Always the Markdown rendering; `content` is the requested format. */
  markdown: string;
  content: string;
}

/** Review state of the driver holding a file (all its files, open or not). */
export const DRIVER_SUMMARY_REQUEST = 'vfioVariant/driverSummary';

export interface DriverSummary {
  driver: string;
  isVariantDriver: boolean;
  /** Distinct review items lacking any documentation (not counting suppressed or disabled ones). */
  undocumented: number;
  /** All findings, as diagnostics would show them. */
  findings: number;
  files: { uri: string; undocumented: number; findings: number }[];
}

/** Every finding of the driver holding `uri`, open files or not: what the status-bar count is made of. */
export const DRIVER_FINDINGS_REQUEST = 'vfioVariant/driverFindings';

export interface DriverFinding {
  uri: string;
  /** 0-based LSP range. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: 'error' | 'warning' | 'information' | 'hint';
  rule: string;
  name: string;
  message: string;
  documented: boolean;
}

export interface DriverFindings {
  driver: string;
  isVariantDriver: boolean;
  findings: DriverFinding[];
}

/** Server command: shows a file at a line, [uri, line, character?] (code lens, fixes that edit another file). */
export const SHOW_COMMAND = 'vfio-variant.show';
