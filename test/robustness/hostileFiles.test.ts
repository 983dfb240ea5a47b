/**
 * Hostile files, through the CLI (a process) and the server (over stdio): binary
 * content, invalid UTF-8, multi-megabyte files, unreadable files, symlink loops,
 * FIFOs and devices behind .c names, non-file URIs, non-ASCII positions.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DidChangeConfigurationNotification, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { normalizeSettings, Workspace, type FileSystemHost } from '../../server/src/engine';
import { nodeFileSystem } from '../../server/src/node/fsHost';
import { runCli } from '../support/cli';
import { TestClient } from '../support/lspClient';

const HEAD = '#include <linux/vfio_pci_core.h>\n#include <linux/mlx5/driver.h>\n\n';
const fn = (name: string, body = 'return mlx5_cmd_exec(m);') => `static int ${name}(void *m)\n{\n\t${body}\n}\n`;
const DRIVER = HEAD + fn('f');

function tempDir(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-hostile-'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

interface Json {
  findings: { file: string; line: number; column: number; name: string }[];
  notices: { file: string; message: string }[];
}

/** The CLI in JSON; asserts the things every run must satisfy (sane exit, valid JSON, no stack trace). */
function cliJson(args: string[], cwd: string, statuses = [0, 1]): { status: number; json: Json; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = runCli(['check', '--per-call', '--format', 'json', ...args], cwd);
  const ms = Date.now() - t0;
  assert.ok(statuses.includes(r.status!), `exit ${r.status}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, 'no stack trace');
  return { status: r.status!, json: JSON.parse(r.stdout), stderr: r.stderr, ms };
}

const noticeFor = (j: Json, file: string) =>
  j.notices
    .filter((n) => n.file === file)
    .map((n) => n.message)
    .join('\n');
const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'vfio-variant' && d.code !== 'not-analysed');
const notices = (ds: Diagnostic[]) =>
  ds
    .filter((d) => d.code === 'not-analysed')
    .map((d) => String(d.message))
    .join('\n');

describe('hostile files', () => {
  let client: TestClient;
  before(async () => {
    client = new TestClient();
    await client.initialize(null);
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
    assert.doesNotMatch(client.stderr, /\n\s+at /);
  });

  it('binary content named .c: notice "not analysed: binary", no crash (CLI and server)', async () => {
    const blob = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0x0a, 0x76, 0x66, 0x69, 0x6f]);
    const dir = tempDir({ 'main.c': DRIVER, 'blob.c': blob });
    const r = cliJson(['.'], dir);
    assert.equal(r.status, 1);
    assert.match(noticeFor(r.json, 'blob.c'), /^not analysed: binary content/);
    assert.deepEqual(
      r.json.findings.map((f) => `${f.file}:${f.name}`),
      ['main.c:mlx5_cmd_exec'],
    );
    const named = cliJson(['blob.c'], dir);
    assert.equal(named.status, 0);
    assert.match(noticeFor(named.json, 'blob.c'), /binary content/);
    // The server gets the text as an editor decodes it, NULs included.
    const uri = pathToFileURL(path.join(dir, 'blob.c')).href;
    await client.open(uri, blob.toString('utf8'), 1);
    const p = await client.diagnostics(uri, (x) => x.version === 1);
    assert.equal(ours(p.diagnostics).length, 0);
    assert.match(notices(p.diagnostics), /^not analysed: binary content/);
    // A sibling opened next to it is analysed as usual.
    const mainUri = pathToFileURL(path.join(dir, 'main.c')).href;
    await client.open(mainUri, DRIVER, 1);
    assert.equal(ours((await client.diagnostics(mainUri, (x) => x.version === 1)).diagnostics).length, 1);
  });

  it('invalid UTF-8: analysed with a U+FFFD notice, columns count the replacement characters (CLI and server)', async () => {
    const line = Buffer.concat([
      Buffer.from('\tint x = 0; /* '),
      Buffer.from([0xff, 0xfe, 0x63, 0x61, 0x66, 0xe9, 0x20, 0xe6, 0xbc, 0x20, 0xc3, 0xa9]),
      Buffer.from(' */ return mlx5_cmd_exec(m);'),
    ]);
    const bytes = Buffer.concat([Buffer.from(HEAD + 'static int f(void *m)\n{\n'), line, Buffer.from('\n}\n')]);
    const dir = tempDir({ 'main.c': bytes });
    const decodedLine = new TextDecoder().decode(line);
    const col = decodedLine.indexOf('mlx5_cmd_exec');
    assert.notEqual(col, line.indexOf('mlx5_cmd_exec'), 'the test line tells bytes from UTF-16 units');
    const r = cliJson(['.'], dir);
    assert.match(noticeFor(r.json, 'main.c'), /not valid UTF-8; invalid bytes were read as U\+FFFD/);
    assert.deepEqual(
      r.json.findings.map((f) => [f.line, f.column, f.name]),
      [[6, col + 1, 'mlx5_cmd_exec']],
    );
    const uri = pathToFileURL(path.join(dir, 'main.c')).href;
    await client.open(uri, new TextDecoder().decode(bytes), 1);
    const [d] = ours((await client.diagnostics(uri, (x) => x.version === 1)).diagnostics);
    assert.deepEqual(d.range.start, { line: 5, character: col });
  });

  it('a multi-megabyte generated file: a notice above maxFileSize; analysed within 20 s below it (CLI and server)', async () => {
    const table = Array.from(
      { length: 90_000 },
      (_, i) => `\t{ 0x${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}, ${i} }, /* reg ${i} */\n`,
    ).join('');
    const fns = Array.from({ length: 200 }, (_, i) => fn(`f${i}`)).join('\n');
    const text = `${HEAD}struct reg { unsigned int addr, val; };\nstatic const struct reg regs[] = {\n${table}};\n\n${fns}`;
    assert.ok(text.length > 3 * 1024 * 1024, `${text.length} bytes`);
    const dir = tempDir({ 'gen.c': text });
    // Nothing of the driver could be analysed: an error (exit 2), never a silent pass.
    const skipped = cliJson(['.'], dir, [2]);
    assert.match(skipped.stderr, /no vfio-pci variant driver here; found \. \(1 file\(s\) not analysed: see the notes\)/);
    assert.match(noticeFor(skipped.json, 'gen.c'), /^not analysed: \d+ bytes is above vfioVariant\.maxFileSize \(2097152\)/);
    assert.equal(skipped.json.findings.length, 0);
    const cfg = path.join(tempDir(), 'cfg.json');
    fs.writeFileSync(cfg, JSON.stringify({ maxFileSize: 8 * 1024 * 1024 }));
    const analysed = cliJson(['--config', cfg, '--jobs', '1', '.'], dir);
    assert.equal(analysed.json.findings.filter((f) => f.name === 'mlx5_cmd_exec').length, 200);
    assert.ok(analysed.ms < 20_000, `CLI took ${analysed.ms} ms`);
    console.log(`# ${(text.length / 1048576).toFixed(1)} MB generated file: CLI ${analysed.ms} ms`);

    const uri = pathToFileURL(path.join(dir, 'gen.c')).href;
    await client.open(uri, text, 1);
    const p = await client.diagnostics(uri, (x) => x.version === 1);
    assert.match(notices(p.diagnostics), /above vfioVariant\.maxFileSize/);
    assert.equal(ours(p.diagnostics).length, 0);
    client.settings = { maxFileSize: 8 * 1024 * 1024, parentCallFindings: 'call' };
    const t0 = Date.now();
    try {
      await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      const q = await client.diagnostics(uri, (x) => ours(x.diagnostics).length > 0, 20_000);
      assert.equal(ours(q.diagnostics).length, 200);
      assert.equal(notices(q.diagnostics), '');
      console.log(`# server: ${Date.now() - t0} ms`);
    } finally {
      client.settings = { parentCallFindings: 'call' };
      await client.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }
  });

  it('chmod 000: a notice, not a crash (CLI) — skipped when chmod does not block reads (root)', (t) => {
    const dir = tempDir({ 'main.c': DRIVER, 'locked.c': DRIVER.replace('f(', 'g(') });
    fs.chmodSync(path.join(dir, 'locked.c'), 0);
    let readable = true;
    try {
      fs.readFileSync(path.join(dir, 'locked.c'));
    } catch {
      readable = false;
    }
    if (readable) {
      t.skip('running as root: chmod 000 does not block reads here; see the dangling-link, directory, FIFO and failing-host tests');
      return;
    }
    const r = cliJson(['.'], dir);
    assert.match(noticeFor(r.json, 'locked.c'), /not analysed: the file cannot be read/);
    assert.deepEqual(
      r.json.findings.map((f) => f.file),
      ['main.c'],
    );
  });

  it('unreadable as root: a host that cannot read a file (EACCES), a dangling link, a directory named x.c, links to a FIFO and /dev/zero', async () => {
    const dir = tempDir({ 'main.c': DRIVER, 'locked.c': DRIVER.replace('f(', 'g(') });
    // In process: the real file system, except that one file fails to read as chmod 000 would.
    const locked = path.join(dir, 'locked.c');
    const failing: FileSystemHost = { ...nodeFileSystem, readBytes: (p) => (p === locked ? undefined : nodeFileSystem.readBytes(p)) };
    const ws = new Workspace(failing, normalizeSettings({ parentCallFindings: 'call' }));
    const d = ws.driverFindings(dir);
    assert.deepEqual(
      d.findings.map((f) => path.basename(f.path)),
      ['main.c'],
    );
    assert.deepEqual(
      d.notices.map((n) => `${path.basename(n.path)}: ${n.message}`),
      ['locked.c: not analysed: the file cannot be read'],
    );
    // On disk: things no one can read as a C file, root or not.
    fs.rmSync(locked);
    fs.symlinkSync('/nonexistent/vfio-variant', path.join(dir, 'gone.c'));
    fs.mkdirSync(path.join(dir, 'dir.c'));
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    fs.symlinkSync('fifo', path.join(dir, 'fifo.c'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.h'));
    const r = cliJson(['.'], dir);
    assert.ok(r.ms < 20_000, `${r.ms} ms`);
    assert.deepEqual(
      r.json.findings.map((f) => f.file),
      ['main.c'],
    );
    assert.match(noticeFor(r.json, 'gone.c'), /broken or looping symbolic link/);
    assert.match(noticeFor(r.json, 'dir.c'), /not a regular file/);
    assert.match(noticeFor(r.json, 'fifo.c'), /does not lead to a regular file/);
    assert.match(noticeFor(r.json, 'zero.h'), /does not lead to a regular file/);
    // The server reads the siblings of an opened file: it must not block on the FIFO either.
    const uri = pathToFileURL(path.join(dir, 'main.c')).href;
    await client.open(uri, DRIVER, 1);
    assert.equal(ours((await client.diagnostics(uri, (x) => x.version === 1, 10_000)).diagnostics).length, 1);
  });

  it('symlink loops in a driver directory (a.c -> b.c -> a.c, self -> ., up -> ..): the CLI ends with notices; the server keeps serving', async () => {
    const dir = tempDir({ 'main.c': DRIVER });
    fs.symlinkSync('b.c', path.join(dir, 'a.c'));
    fs.symlinkSync('a.c', path.join(dir, 'b.c'));
    fs.symlinkSync('.', path.join(dir, 'self'));
    fs.symlinkSync('..', path.join(dir, 'up'));
    const r = cliJson(['.'], dir);
    assert.ok(r.ms < 20_000, `${r.ms} ms`);
    assert.deepEqual(
      r.json.findings.map((f) => f.file),
      ['main.c'],
    );
    for (const f of ['a.c', 'b.c']) assert.match(noticeFor(r.json, f), /broken or looping symbolic link/);
    // Through the loop itself: the same directory, found once.
    const viaLoop = cliJson([path.join('self', 'self', 'self')], dir);
    assert.equal(viaLoop.json.findings.length, 1);
    const uri = pathToFileURL(path.join(dir, 'self', 'main.c')).href;
    await client.open(uri, DRIVER, 1);
    assert.equal(ours((await client.diagnostics(uri, (x) => x.version === 1, 10_000)).diagnostics).length, 1);
  });

  it('non-file URIs are analysed alone: a sibling header on disk does not count for an untitled: or git: buffer', async () => {
    // acme_pf_send() is a parent call only through its prototype in the sibling pf.h.
    const text = '#include <linux/vfio_pci_core.h>\n#include "pf.h"\nstatic int f(void *m)\n{\n\treturn acme_pf_send(m);\n}\n';
    const dir = tempDir({ 'main.c': text, 'pf.h': 'int acme_pf_send(void *m);\n' });
    const fileUri = pathToFileURL(path.join(dir, 'main.c')).href;
    await client.open(fileUri, text, 1);
    assert.deepEqual(
      ours((await client.diagnostics(fileUri, (x) => x.version === 1)).diagnostics).map((d) => d.range.start.line),
      [4],
    );
    for (const uri of ['untitled:Untitled-7', `git:${path.join(dir, 'main.c')}?ref=HEAD`]) {
      await client.open(uri, text, 1);
      const p = await client.diagnostics(uri, (x) => x.version === 1);
      assert.deepEqual(ours(p.diagnostics), [], uri);
      const report = (await client.conn.sendRequest('vfioVariant/report', { uri })) as { markdown: string };
      assert.match(report.markdown, /not a file on disk/);
    }
  });

  it('UTF-16 positions: emoji and CJK before a parent call (server character and CLI column, 1-based UTF-16 units)', async () => {
    const line = '\tint x = 0; /* 🚀 漢字 é */ return mlx5_cmd_exec(m);';
    const text = HEAD + 'static int f(void *m)\n{\n' + line + '\n}\n';
    const col = line.indexOf('mlx5_cmd_exec');
    assert.ok(
      col !== [...line.slice(0, col)].length && col !== Buffer.byteLength(line.slice(0, col)),
      'units, code points and bytes differ',
    );
    const dir = tempDir({ 'main.c': text });
    const r = cliJson(['.'], dir);
    assert.deepEqual(
      r.json.findings.map((f) => [f.line, f.column]),
      [[6, col + 1]],
    );
    const textOut = runCli(['check', '--per-call', '.'], dir).stdout;
    assert.match(
      textOut,
      new RegExp(`^main\\.c:6:${col + 1}: warning: undocumented call into parent driver mlx5_core: mlx5_cmd_exec\\(\\) \\[`, 'm'),
    );
    const uri = pathToFileURL(path.join(dir, 'main.c')).href;
    await client.open(uri, text, 1);
    const [d] = ours((await client.diagnostics(uri, (x) => x.version === 1)).diagnostics);
    assert.deepEqual(d.range, { start: { line: 5, character: col }, end: { line: 5, character: col + 'mlx5_cmd_exec'.length } });
  });
});
