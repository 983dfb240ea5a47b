/**
 * What the server tells about a whole driver beyond diagnostics: the acceptance
 * report, the summary behind the status bar, and every finding of the driver
 * (open files or not) for the client's findings view. Also the file watching
 * that keeps MAINTAINERS and parent headers current without a restart.
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  DidChangeWatchedFilesNotification,
  ErrorCodes,
  ResponseError,
  type ClientCapabilities,
  type Connection,
} from 'vscode-languageserver/node';
import { buildReport, renderReport, REPORT_FORMATS, type Finding, type ReportFormat, type Workspace } from '../engine';
import {
  DRIVER_FINDINGS_REQUEST,
  DRIVER_SUMMARY_REQUEST,
  REPORT_REQUEST,
  type DriverFinding,
  type DriverFindings,
  type DriverSummary,
  type ReportParams,
  type ReportResult,
} from '../protocol';
import { pathToUri, uriToPath, type PositionMap } from './convert';

export interface DriverViewsContext {
  connection: Connection;
  workspace: Workspace;
  uriByPath: Map<string, string>;
  toLsp: PositionMap;
  /** True once `shutdown` arrived: requests are refused then. */
  isShutDown: () => boolean;
}

const refused = () => new ResponseError(ErrorCodes.InvalidRequest, 'the server is shut down; only exit is accepted');

export function registerDriverViews(ctx: DriverViewsContext): void {
  const { connection, workspace, uriByPath, toLsp } = ctx;

  // The acceptance report of the driver holding a file; links are file URIs with #Lline.
  connection.onRequest(REPORT_REQUEST, (params: ReportParams): ReportResult | ResponseError => {
    if (ctx.isShutDown()) return refused();
    const { path: filePath, onDisk } = uriToPath(params.uri);
    if (!onDisk) return { driver: '', format: 'markdown', markdown: 'No report: the document is not a file on disk.', content: '' };
    const report = buildReport(workspace, path.dirname(filePath));
    const href = (p: string) => pathToFileURL(p).href;
    const format: ReportFormat = params.format && REPORT_FORMATS.includes(params.format) ? params.format : 'markdown';
    const markdown = renderReport(report, 'markdown', { href });
    return {
      driver: report.driver.dir,
      format,
      markdown,
      content: format === 'markdown' ? markdown : renderReport(report, format, { href }),
    };
  });

  const driverOf = (uri: string) => {
    const { path: filePath, onDisk } = uriToPath(uri);
    // Live views, like diagnostics: flow findings may be carried while the user types.
    return onDisk
      ? workspace.driverFindings(path.dirname(filePath), { carryFlow: true })
      : workspace.findings(filePath, { standalone: true, carryFlow: true });
  };

  // For the client's status bar: the whole driver of a file, open or not.
  connection.onRequest(DRIVER_SUMMARY_REQUEST, (params: { uri: string }): DriverSummary | ResponseError => {
    if (ctx.isShutDown()) return refused();
    const { findings, model } = driverOf(params.uri);
    const files = new Map<string, { uri: string; undocumented: number; findings: number }>();
    const undocumentedItems = new Set<unknown>();
    for (const f of findings) {
      const e = files.get(f.path) ?? { uri: pathToUri(f.path, uriByPath), undocumented: 0, findings: 0 };
      e.findings++;
      const key = f.item ?? f;
      if (!f.documented && !undocumentedItems.has(key)) {
        undocumentedItems.add(key);
        e.undocumented++;
      }
      files.set(f.path, e);
    }
    return {
      driver: model.dir,
      isVariantDriver: model.isVariantDriver,
      undocumented: undocumentedItems.size,
      findings: findings.length,
      files: [...files.values()],
    };
  });

  // For the client's findings view: what the status bar counts, one row per finding.
  connection.onRequest(DRIVER_FINDINGS_REQUEST, (params: { uri: string }): DriverFindings | ResponseError => {
    if (ctx.isShutDown()) return refused();
    const { findings, model } = driverOf(params.uri);
    return {
      driver: model.dir,
      isVariantDriver: model.isVariantDriver,
      findings: findings.filter((f) => f.severity !== 'none').map((f) => driverFinding(f, uriByPath, toLsp)),
    };
  });
}

function driverFinding(f: Finding, uriByPath: Map<string, string>, toLsp: PositionMap): DriverFinding {
  return {
    uri: pathToUri(f.path, uriByPath),
    range: { start: toLsp(f.path, f.line, f.column), end: toLsp(f.path, f.endLine, f.endColumn) },
    severity: f.severity as DriverFinding['severity'],
    rule: f.rule,
    name: f.name,
    message: f.message,
    documented: f.documented,
  };
}

/** Globs of the files outside the open buffers that findings depend on. */
const WATCHED = ['**/MAINTAINERS', '**/*.h', '**/*.c'];

/**
 * MAINTAINERS, parent headers and unopened sibling sources change on disk (a
 * quick fix saved, a `git checkout`): re-read them and publish again. Files are
 * watched by the client (workspace/didChangeWatchedFiles, registered dynamically
 * where the client allows it).
 */
export function setupFileWatching(
  connection: Connection,
  workspace: Workspace,
  capabilities: () => ClientCapabilities | undefined,
  republish: () => void,
): { register: () => void } {
  connection.onDidChangeWatchedFiles((params) => {
    const paths = params.changes
      .map((c) => uriToPath(c.uri))
      .filter((p) => p.onDisk)
      .map((p) => p.path);
    if (!paths.length) return;
    workspace.filesChanged(paths);
    republish();
  });
  return {
    register: () => {
      if (!capabilities()?.workspace?.didChangeWatchedFiles?.dynamicRegistration) return;
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) })
        .catch(() => undefined);
    },
  };
}
