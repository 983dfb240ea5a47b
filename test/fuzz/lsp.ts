/**
 * Server fuzzing over stdio: mutated driver text is opened and edited
 * incrementally; for the last version the diagnostics must point at the names
 * they report, and every code action must name the version it was computed for
 * and, applied to exactly that version, only add comments.
 */
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  DidCloseTextDocumentNotification,
  HoverRequest,
  type CodeAction,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from '../support/lspClient';
import type { CaseFailure, FuzzReport } from './engine';
import { checkFixEdits } from './invariants';
import { applyEdits, ruleById } from '../../server/src/engine';
import { caseRng, loadCorpus, mutateText, type Rng } from './mutate';

/** What the checks looked at, so a run that checks nothing is visible. */
export const lspChecked = { diagnostics: 0, actions: 0, edits: 0 };

export const LSP_CASE_BOUND_MS = Number(process.env.FUZZ_LSP_BOUND_MS ?? 30000);

function randomChange(
  doc: TextDocument,
  rng: Rng,
): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
  const text = doc.getText();
  const a = rng.int(text.length + 1);
  const b = Math.min(text.length, a + (rng.chance(0.5) ? rng.int(30) : 0));
  return {
    range: { start: doc.positionAt(a), end: doc.positionAt(b) },
    text: rng.pick(['', 'x', '{', '}', ')', '\n', '/* é */', 'mlx5_cmd_exec(m);', '😀', '\r\n']),
  };
}

export async function runLspCase(client: TestClient, seed: number, index: number): Promise<{ ms: number; ops: string[]; file: string }> {
  const rng = caseRng(seed, index);
  const all = loadCorpus();
  const base = rng.pick(all);
  const m = mutateText(base, rng, all);
  const ops = [...m.ops];
  // file: URIs for the driver's real place (siblings from disk), sometimes an untitled buffer.
  const uri = rng.chance(0.8) ? pathToFileURL(base.path).href : `untitled:Fuzz-${seed}-${index}`;
  const t0 = performance.now();
  try {
    let doc = TextDocument.create(uri, 'c', 1, m.text);
    await client.open(uri, m.text, 1);
    for (let v = 2, n = 1 + rng.int(5); v < 2 + n; v++) {
      const changes = [randomChange(doc, rng)];
      doc = TextDocument.update(doc, changes, v);
      await client.change(uri, v, changes);
    }
    const published = await client.diagnostics(uri, (p) => p.version === doc.version, LSP_CASE_BOUND_MS);
    const diags = published.diagnostics.filter((d) => d.source === 'vfio-variant' && d.code !== 'not-analysed');
    lspChecked.diagnostics += diags.length;
    for (const d of diags) {
      const name = (d.data as { name?: string } | undefined)?.name;
      // Bare CRs are line breaks to the client but not to the parser (see fixes.ts): positions may differ there.
      if (name && /^(parent|migration)/.test(String(d.code)) && !doc.getText(d.range).startsWith(name) && !/\r(?!\n)/.test(doc.getText())) {
        throw new Error(`diagnostic ${d.code} ${name} covers ${JSON.stringify(doc.getText(d.range))}`);
      }
    }
    // Code actions for a few diagnostics and fix-all, applied to the version they name.
    const picked: (Diagnostic | undefined)[] = [undefined, ...diags.slice(0, 3)];
    for (const d of picked) {
      const actions = (await client.conn.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: d?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: d ? { diagnostics: [d] } : { diagnostics: [], only: ['source.fixAll'] },
      })) as CodeAction[] | null;
      for (const a of actions ?? []) {
        lspChecked.actions++;
        for (const change of (a.edit?.documentChanges ?? []) as {
          textDocument: { uri: string; version: number | null };
          edits: TextEdit[];
        }[]) {
          if (change.textDocument.uri !== uri) continue; // driver-level fixes may create or edit other files
          if (change.textDocument.version !== doc.version)
            throw new Error(`action "${a.title}" names version ${change.textDocument.version}, document is at ${doc.version}`);
          const offsets = change.edits.map((e) => ({
            path: uri,
            offset: doc.offsetAt(e.range.start),
            length: doc.offsetAt(e.range.end) - doc.offsetAt(e.range.start),
            newText: e.newText,
          }));
          // Documentation fixes only add comments; a problem rule's fix and kernel-doc repairs edit inside a line.
          const rule = String(a.diagnostics?.[0]?.code ?? '');
          const commentsOnly = !rule || (ruleById(rule)?.meta.type === 'documentation' && rule !== 'kernel-doc-invalid');
          const expected = commentsOnly ? checkFixEdits(doc.getText(), offsets, uri) : applyEdits(doc.getText(), offsets);
          lspChecked.edits += offsets.length;
          if (TextDocument.applyEdits(doc, change.edits) !== expected)
            throw new Error(`action "${a.title}": LSP edits and offsets disagree`);
        }
      }
    }
    // Apply fix-all for real and let the server see it.
    const fixAll = (
      (await client.conn.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll'] },
      })) as CodeAction[] | null
    )?.[0];
    if (fixAll) {
      const change = fixAll.edit!.documentChanges![0] as { edits: TextEdit[] };
      const text = TextDocument.applyEdits(doc, change.edits);
      doc = TextDocument.create(uri, 'c', doc.version + 1, text);
      await client.change(uri, doc.version, [{ text }]);
      await client.diagnostics(uri, (p) => p.version === doc.version, LSP_CASE_BOUND_MS);
    }
    const pos = doc.positionAt(rng.int(doc.getText().length + 1));
    await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos });
    await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    await client.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    if (client.proc.exitCode !== null) throw new Error(`server exited with ${client.proc.exitCode}`);
  } catch (e) {
    Object.assign(e as object, { ops, file: base.path });
    throw e;
  }
  return { ms: performance.now() - t0, ops, file: base.path };
}

export async function fuzzLsp(
  seed: number,
  count: number,
  opts: { log?: (s: string) => void } = {},
): Promise<FuzzReport & { serverStderr: string; exitCode: number | null }> {
  const client = new TestClient();
  await client.initialize(null, { debounceMs: 0 });
  const failures: CaseFailure[] = [];
  let slowestMs = 0;
  for (let i = 0; i < count; i++) {
    try {
      const r = await runLspCase(client, seed, i);
      slowestMs = Math.max(slowestMs, r.ms);
      if (r.ms > LSP_CASE_BOUND_MS)
        failures.push({ seed, index: i, target: 'lsp', file: r.file, ops: r.ops, error: `took ${Math.round(r.ms)} ms` });
    } catch (e) {
      const err = e as Error & { ops?: string[]; file?: string };
      failures.push({ seed, index: i, target: 'lsp', file: err.file ?? '', ops: err.ops ?? [], error: err.message });
      opts.log?.(`lsp case ${i} (seed ${seed}) failed: ${err.message.split('\n')[0]}`);
      if (client.proc.exitCode !== null) break;
    }
  }
  const exitCode = client.proc.exitCode === null ? await client.shutdown() : client.proc.exitCode;
  return { cases: count, failures, slowestMs, serverStderr: client.stderr, exitCode };
}
