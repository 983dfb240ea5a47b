/** Clients that misbehave: unknown documents, old versions, cancellation, exit ordering, dying parents, many edits. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  CancellationTokenSource,
  CodeActionRequest,
  CodeLensRequest,
  ErrorCodes,
  ExitNotification,
  HoverRequest,
  PublishDiagnosticsNotification,
  ResponseError,
  ShutdownRequest,
  type CodeAction,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ensureKernel } from '../support/kernel';
import { SERVER, TestClient } from '../support/lspClient';

const exited = (c: TestClient) =>
  new Promise<number | null>((resolve) => {
    if (c.proc.exitCode !== null) resolve(c.proc.exitCode);
    else c.proc.once('exit', (code) => resolve(code));
  });

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(pred: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (pred()) return true;
  return pred();
}

describe('LSP misuse', () => {
  const file = () => path.join(ensureKernel(), 'drivers/vfio/pci/qat/main.c');

  it('requests for unopened documents get empty results, not errors', async () => {
    const c = new TestClient();
    await c.initialize(null);
    const uri = pathToFileURL(file()).href;
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    assert.equal(await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: range.start }), null);
    assert.deepEqual(await c.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [] } }), []);
    assert.deepEqual(await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), []);
    await c.change(uri, 5, [{ text: 'int x;' }]); // a change for a document never opened
    assert.equal(await c.shutdown(), 0);
  });

  it('stale and out-of-order versions: code actions always name the version they were computed for', async () => {
    const c = new TestClient();
    await c.initialize(null, { debounceMs: 30 });
    const uri = pathToFileURL(file()).href;
    const text = fs.readFileSync(file(), 'utf8');
    await c.open(uri, text, 1);
    const v1 = await c.diagnostics(uri, (p) => p.version === 1);
    // Three quick changes, then actions asked with v1's diagnostics.
    for (const v of [2, 3, 4])
      await c.change(uri, v, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    const d = v1.diagnostics.find((x) => x.code === 'parent-call-undocumented')!;
    const actions = (await c.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    for (const a of actions) {
      const ch = a.edit!.documentChanges![0] as { textDocument: { version: number }; edits: TextEdit[] };
      assert.equal(ch.textDocument.version, 4, 'never an edit computed for another version');
    }
    // A version older than the current one: the server keeps serving.
    await c.change(uri, 2, [{ text }]);
    await c.change(uri, 9, [{ text }]);
    await c.diagnostics(uri, (p) => p.version === 9);
    // A cancelled request: either a result or a cancellation error, and the server keeps working.
    const cts = new CancellationTokenSource();
    const pending = c.conn
      .sendRequest(
        CodeActionRequest.type,
        {
          textDocument: { uri },
          range: d.range,
          context: { diagnostics: [], only: ['source.fixAll'] },
        },
        cts.token,
      )
      .catch((e: Error) => e);
    cts.cancel();
    const r = await pending;
    assert.ok(Array.isArray(r) || /cancel/i.test((r as Error).message), String(r));
    assert.ok(await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }));
    assert.equal(await c.shutdown(), 0);
    assert.doesNotMatch(c.stderr, /\n\s+at /);
  });

  it('exit after shutdown is 0; exit without shutdown is 1; requests after shutdown get InvalidRequest', async () => {
    const a = new TestClient();
    await a.initialize(null);
    const uri = pathToFileURL(file()).href;
    await a.open(uri, fs.readFileSync(file(), 'utf8'), 1);
    await a.diagnostics(uri, (p) => p.version === 1);
    await a.conn.sendRequest(ShutdownRequest.type);
    const position = { line: 0, character: 0 };
    const late = [
      a.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position }),
      a.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } }),
      a.conn.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: { start: position, end: position },
        context: { diagnostics: [] },
      }),
      a.conn.sendRequest('vfioVariant/driverSummary', { uri }),
    ];
    for (const r of await Promise.all(
      late.map((p) =>
        p.then(
          () => undefined,
          (e: ResponseError<unknown>) => e,
        ),
      ),
    )) {
      assert.ok(r instanceof ResponseError, 'an error, not a result');
      assert.equal(r.code, ErrorCodes.InvalidRequest);
    }
    // Notifications after shutdown are dropped: no diagnostics for a change.
    let published = 0;
    a.conn.onNotification(PublishDiagnosticsNotification.type, () => {
      published++;
    });
    await a.change(uri, 2, [{ text: '' }]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(published, 0);
    assert.equal(a.proc.exitCode, null);
    const codeA = exited(a);
    await a.conn.sendNotification(ExitNotification.type);
    assert.equal(await codeA, 0);
    const b = new TestClient();
    await b.initialize(null);
    const codeB = exited(b);
    await b.conn.sendNotification(ExitNotification.type);
    assert.equal(await codeB, 1);
  });

  it('bare CR line ends: diagnostics, hover and code lens follow LSP line rules (\\n, \\r\\n and \\r end a line)', async (t) => {
    // Lines 1-3 end in bare CRs: an editor shows the call on line 8 (0-based), tree-sitter counts it on line 5.
    const text =
      '/*\r * a comment whose lines end in bare CRs\r */\r#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\n' +
      'static int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n' +
      'static const struct vfio_migration_ops ops = {\r\n\t.migration_set_state = set_state,\r\n};\r\n' +
      'static struct file *set_state(struct vfio_device *v, enum vfio_device_mig_state s)\r{\r\treturn NULL;\r}\r';
    const doc = TextDocument.create('untitled:BareCR-1', 'c', 1, text);
    const c = new TestClient();
    t.after(() => {
      if (c.proc.exitCode === null) c.proc.kill();
    });
    await c.initialize(null);
    await c.open(doc.uri, text, 1);
    const p = await c.diagnostics(doc.uri, (x) => x.version === 1);
    const call = p.diagnostics.find((d) => d.code === 'parent-call-undocumented')!;
    assert.deepEqual(call.range.start, doc.positionAt(text.indexOf('mlx5_cmd_exec')));
    assert.equal(call.range.start.line, 8);
    const handler = p.diagnostics.find((d) => d.code === 'migration-handler-undocumented')!;
    const at = text.indexOf('set_state(struct');
    assert.deepEqual(handler.range, { start: doc.positionAt(at), end: doc.positionAt(at + 'set_state'.length) });
    const hover = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri: doc.uri }, position: call.range.start });
    assert.match(JSON.stringify(hover), /mlx5_cmd_exec/);
    const lenses = await c.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: doc.uri } });
    assert.deepEqual(
      lenses!.map((l) => l.range.start.line),
      [doc.positionAt(text.indexOf('static struct file')).line],
    );
    // Still no fixes in such a file (engine/fixes.ts): a template line could land inside a comment.
    const actions = await c.conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: doc.uri },
      range: call.range,
      context: { diagnostics: [call] },
    });
    assert.deepEqual(actions, []);
    assert.equal(await c.shutdown(), 0);
  });

  it('exits when stdin closes and when the client process (initialize processId) dies', async () => {
    const a = new TestClient();
    await a.initialize(null);
    const codeA = exited(a);
    a.proc.stdin!.end();
    assert.ok(await waitUntil(() => a.proc.exitCode !== null, 5000), 'exits on stdin EOF');
    await codeA;
    // A "client" that dies while the server's pipes stay open (held by this test).
    const client = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const b = new TestClient();
    await b.conn.sendRequest('initialize', { processId: client.pid, rootUri: null, capabilities: {} });
    client.kill('SIGKILL');
    assert.ok(await waitUntil(() => b.proc.exitCode !== null, 8000), 'server exits within seconds of its client');
    // A parent that starts the server itself and is killed -9: no orphan.
    const script = `const { spawn } = require('child_process');
      const s = spawn(process.execPath, [${JSON.stringify(SERVER)}, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
      s.stdin.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
      s.stdout.once('data', () => console.log(s.pid));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const serverPid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))));
    assert.ok(alive(serverPid));
    parent.kill('SIGKILL');
    assert.ok(await waitUntil(() => !alive(serverPid), 8000), `server ${serverPid} outlived its parent`);
  });

  it('memory stays bounded over 10,000 edits (server RSS from /proc)', async () => {
    const c = new TestClient();
    await c.initialize(null, { debounceMs: 20 });
    const uri = pathToFileURL(file()).href;
    await c.open(uri, fs.readFileSync(file(), 'utf8'), 1);
    await c.diagnostics(uri, (p) => p.version === 1);
    // Warm up, then measure: every edit types a character into a comment and the next removes it.
    const edit = (v: number) =>
      c.change(uri, v, [
        v % 2
          ? { range: { start: { line: 1, character: 3 }, end: { line: 1, character: 4 } }, text: '' }
          : { range: { start: { line: 1, character: 3 }, end: { line: 1, character: 3 } }, text: 'x' },
      ]);
    let v = 1;
    for (let i = 0; i < 500; i++) await edit(++v);
    await c.diagnostics(uri, (p) => p.version === v, 120_000);
    const before = rssKb(c.proc.pid!);
    const t0 = Date.now();
    for (let i = 0; i < 10_000; i++) {
      await edit(++v);
      if (i % 500 === 499) await c.diagnostics(uri, (p) => p.version === v, 120_000);
    }
    await c.diagnostics(uri, (p) => p.version === v, 120_000);
    const after = rssKb(c.proc.pid!);
    const growthMb = (after - before) / 1024;
    console.log(
      `# server RSS over 10,000 edits: ${(before / 1024).toFixed(1)} MB -> ${(after / 1024).toFixed(1)} MB (${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB) in ${Date.now() - t0} ms`,
    );
    assert.ok(growthMb < 150, `RSS grew by ${growthMb.toFixed(1)} MB`);
    assert.equal(await c.shutdown(), 0);
  });
});
