/** Engine values -> LSP values. No logic beyond translation lives here. */
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  TextEdit,
  type Diagnostic,
  type Range,
  type SnippetTextEdit,
} from 'vscode-languageserver/node';
import type { CodeFix, Finding, Notice, Severity, SourceFile } from '../engine';
import { docsUrl } from '../node/docs';

export const SOURCE = 'vfio-variant';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;
export { SHOW_COMMAND } from '../protocol';
import { SHOW_COMMAND } from '../protocol';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The engine's path for a document URI: a file path, or the URI itself for untitled buffers. */
export function uriToPath(uri: string): { path: string; onDisk: boolean } {
  if (uri.startsWith('file:')) {
    try {
      return { path: fileURLToPath(uri), onDisk: true };
    } catch {
      // fall through: treat as a pseudo path
    }
  }
  return { path: `/__vfio_variant__/${encodeURIComponent(uri)}`, onDisk: false };
}

export function pathToUri(p: string, uriByPath: Map<string, string>): string {
  return uriByPath.get(p) ?? pathToFileURL(p).href;
}

/** What a diagnostic carries so a code action request can find its finding again. */
export interface DiagnosticData {
  rule: string;
  name: string;
  version: number | string;
}

/**
 * Engine position (lines end at \n only, like tree-sitter rows) -> LSP position
 * (lines also end at a bare \r). The identity unless a file has bare CRs.
 */
export type PositionMap = (path: string, line: number, character: number) => { line: number; character: number };
export const samePosition: PositionMap = (_p, line, character) => ({ line, character });

export function toDiagnostic(f: Finding, uriByPath: Map<string, string>, pos: PositionMap = samePosition): Diagnostic {
  const data: DiagnosticData = { rule: f.rule, name: f.name, version: f.version };
  return {
    range: { start: pos(f.path, f.line, f.column), end: pos(f.path, f.endLine, f.endColumn) },
    severity: SEVERITY[f.severity as Severity],
    source: SOURCE,
    code: f.rule,
    codeDescription: { href: docsUrl(f.rule) },
    message: f.message,
    relatedInformation: f.related.map((r) => ({
      location: { uri: pathToUri(r.path, uriByPath), range: { start: pos(r.path, r.line, r.column), end: pos(r.path, r.line, r.column) } },
      message: r.message,
    })),
    data,
  };
}

export function noticeDiagnostic(n: Notice): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    code: 'not-analysed',
    message: n.message,
  };
}

/** A template's prompts: `TODO: ...` to the end of its line (or to the comment's end). */
const PROMPT = /TODO:[^\n]*?(?=\s*\*\/|\n|$)/g;

/**
 * A template as an LSP 3.18 snippet: each `TODO:` prompt becomes a placeholder
 * (its text selected, Tab to the next), the rest is literal. Undefined when the
 * text has no prompt.
 */
export function promptSnippet(text: string): string | undefined {
  let out = '';
  let last = 0;
  let n = 0;
  const literal = (t: string) => t.replace(/[$}\\]/g, '\\$&');
  for (const m of text.matchAll(PROMPT)) {
    out += literal(text.slice(last, m.index));
    out += `\${${++n}:${literal(m[0])}}`;
    last = m.index! + m[0].length;
  }
  if (!n) return undefined;
  return out + literal(text.slice(last));
}

/** `snippets`: the client takes snippet edits; a quick fix's prompts then get tab stops (fix-all keeps plain text). */
export function toCodeAction(fix: CodeFix, file: SourceFile, uri: string, diagnostics: Diagnostic[], snippets = false): CodeAction {
  const asSnippet = snippets && fix.kind === 'quickfix';
  const edits = fix.edits
    .filter((e) => e.path === file.path)
    .map((e): TextEdit | SnippetTextEdit => {
      const range: Range = { start: file.lines.positionAt(e.offset), end: file.lines.positionAt(e.offset + e.length) };
      const snippet = asSnippet ? promptSnippet(e.newText) : undefined;
      return snippet ? { range, snippet: { kind: 'snippet', value: snippet } } : TextEdit.replace(range, e.newText);
    });
  const version = typeof fix.version === 'number' ? fix.version : null;
  // Edits to another file (a MAINTAINERS entry) carry their position; that file is not open, so unversioned.
  const others = fix.edits
    .filter((e) => e.path !== file.path && e.at)
    .map((e) => ({
      textDocument: { uri: pathToFileURL(e.path).href, version: null },
      edits: [TextEdit.insert(e.at!, e.newText) as TextEdit | SnippetTextEdit],
    }));
  if (others.length) {
    return {
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      isPreferred: fix.preferred || undefined,
      diagnostics: diagnostics.length ? diagnostics : undefined,
      edit: { documentChanges: [...(edits.length ? [{ textDocument: { uri, version }, edits }] : []), ...others] },
      ...(fix.show
        ? { command: { title: 'Show', command: SHOW_COMMAND, arguments: [pathToFileURL(fix.show.path).href, fix.show.line] } }
        : {}),
    };
  }
  return {
    title: fix.title,
    kind: fix.kind === 'quickfix' ? CodeActionKind.QuickFix : FIX_ALL_KIND,
    isPreferred: fix.preferred || undefined,
    diagnostics: diagnostics.length ? diagnostics : undefined,
    // A versioned edit: the client refuses it if the document changed since.
    edit: { documentChanges: [{ textDocument: { uri, version }, edits }] },
  };
}
