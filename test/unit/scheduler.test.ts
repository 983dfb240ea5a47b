/**
 * The LSP server's job queue (server/src/lsp/scheduler.ts): an edited document is
 * analysed on the first turn without messages; an opened one (background work) only
 * after input has been quiet for a while, so a burst of opens and closes is read to its
 * end first; either runs once it has waited out its bound, however busy the client is.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Message } from 'vscode-languageserver/node';
import { Scheduler } from '../../server/src/lsp/scheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BOUNDS = { edit: 100, background: 600, quiet: 30 };

function harness() {
  const ran: { key: string; at: number }[] = [];
  const t0 = Date.now();
  const s = new Scheduler((key) => ran.push({ key, at: Date.now() - t0 }), undefined, BOUNDS);
  /** A message dispatched (as vscode-jsonrpc would, through the strategy), with its bytes arriving first. */
  const message = () => {
    s.noteInput();
    s.messageStrategy.handleMessage({ jsonrpc: '2.0' } as Message, () => {});
  };
  /** Messages every `everyMs` for `forMs`. */
  const stream = async (everyMs: number, forMs: number) => {
    for (const end = Date.now() + forMs; Date.now() < end;) {
      message();
      await sleep(everyMs);
    }
  };
  /** A message on every turn of the event loop for `forMs`: never a quiet turn. */
  const flood = async (forMs: number) => {
    for (const end = Date.now() + forMs; Date.now() < end;) {
      message();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { s, ran, message, stream, flood };
}

describe('Scheduler', () => {
  test('an edit runs on the first quiet turn', async () => {
    const { s, ran } = harness();
    s.schedule('a.c', 0, { siblings: false, edit: true });
    for (let i = 0; i < 100 && ran.length === 0; i++) await sleep(5);
    assert.deepEqual(
      ran.map((r) => r.key),
      ['a.c'],
    );
  });

  test('an opened document waits while input keeps arriving, then runs once it has been quiet', async () => {
    const { s, ran, stream } = harness();
    s.schedule('opened.c', 0, { siblings: false });
    await stream(5, 200);
    assert.equal(ran.length, 0, 'analysed while the burst was still arriving');
    await sleep(BOUNDS.quiet + 40);
    assert.deepEqual(
      ran.map((r) => r.key),
      ['opened.c'],
    );
  });

  test('a document closed during the burst is never analysed', async () => {
    const { s, ran, stream } = harness();
    for (let i = 0; i < 50; i++) s.schedule(`f${i}.c`, 0, { siblings: false });
    await stream(2, 50);
    for (let i = 0; i < 50; i++) s.cancel(`f${i}.c`);
    await sleep(BOUNDS.quiet + 40);
    assert.equal(ran.length, 0);
  });

  test('a client that never stops sending starves neither kind: each runs after its bound', async () => {
    const { s, ran, flood } = harness();
    s.schedule('opened.c', 0, { siblings: false });
    s.schedule('typed.c', 0, { siblings: false, edit: true });
    await flood(BOUNDS.background + 200);
    const typed = ran.find((r) => r.key === 'typed.c');
    const opened = ran.find((r) => r.key === 'opened.c');
    assert.ok(typed && typed.at >= BOUNDS.edit - 5 && typed.at < BOUNDS.background, `edit ran at ${typed?.at} ms`);
    assert.ok(opened && opened.at >= BOUNDS.background - 5, `background job ran at ${opened?.at} ms`);
  });

  test('an open followed by an edit of the same document is an edit', async () => {
    const { s, ran, flood } = harness();
    s.schedule('a.c', 0, { siblings: true });
    s.schedule('a.c', 0, { siblings: false, edit: true });
    await flood(BOUNDS.edit + 60);
    assert.deepEqual(
      ran.map((r) => r.key),
      ['a.c'],
    );
    s.stop();
  });
});
