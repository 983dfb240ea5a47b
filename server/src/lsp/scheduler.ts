/**
 * When analyses run. Work is queued per document, not run inside the notification
 * that caused it: a document changed again or closed before its turn is analysed
 * once or not at all, and an analysis starts only when no message is waiting to be
 * dispatched, so requests (hover, code action, code lens) and closes are handled
 * between analyses, never behind a pile of them.
 *
 * vscode-jsonrpc dispatches one queued message per turn of the event loop (each in
 * its own setImmediate). The connection tells us of each dispatch (`messageStrategy`);
 * the pump runs a job only after a whole turn without one, so while messages are
 * queued it waits.
 */
import type { Message, MessageStrategy } from 'vscode-languageserver/node';

/** The longest an analysis waits for a turn without messages. */
const MAX_DEFER_MS = 100;

export interface Job {
  /** Also (re-)publish the other open documents of the driver afterwards. */
  siblings: boolean;
}

export class Scheduler {
  /** Every key with work pending, delayed or due. */
  private readonly jobs = new Map<string, Job>();
  /** Keys waiting out a delay. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Keys due now, oldest first (a Set keeps insertion order). */
  private readonly ready = new Set<string>();
  private dispatched = 0;
  private seen = 0;
  private pumping = false;
  /** When the pump last ran a job or started: how long analyses have waited for a quiet turn. */
  private deferredSince = 0;
  private stopped = false;

  /**
   * `run` analyses and publishes one document; `idle` is called when the queue has
   * run dry (for housekeeping that must not delay an analysis).
   */
  constructor(
    private readonly run: (key: string, job: Job) => void,
    private readonly idle: () => void = () => {},
  ) {}

  /** Pass to createConnection: counts dispatched messages. */
  readonly messageStrategy: MessageStrategy = {
    handleMessage: (message: Message, next: (message: Message) => void) => {
      this.dispatched++;
      next(message);
    },
  };

  /** Analyse `key` after `delayMs` (restarting its delay); jobs for one key merge. */
  schedule(key: string, delayMs: number, job: Job): void {
    if (this.stopped) return;
    this.jobs.set(key, { siblings: job.siblings || !!this.jobs.get(key)?.siblings });
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.ready.delete(key);
    if (delayMs <= 0) this.enqueue(key);
    else
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          this.enqueue(key);
        }, delayMs),
      );
  }

  /** Forget any work for `key` (the document was closed). */
  cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.ready.delete(key);
    this.jobs.delete(key);
  }

  /** Drops everything and accepts nothing more (shutdown). */
  stop(): void {
    this.stopped = true;
    for (const key of [...this.jobs.keys()]) this.cancel(key);
  }

  private enqueue(key: string): void {
    this.ready.add(key);
    if (this.pumping) return;
    this.pumping = true;
    this.seen = this.dispatched;
    this.deferredSince = Date.now();
    setImmediate(this.pump);
  }

  private readonly pump = (): void => {
    if (this.dispatched !== this.seen && Date.now() - this.deferredSince < MAX_DEFER_MS) {
      // A message was dispatched since the last look: more may be queued behind it.
      // A client that never stops sending (status bar, views refreshing on every
      // publish) must not starve the analyses: after MAX_DEFER_MS one runs anyway.
      this.seen = this.dispatched;
      setImmediate(this.pump);
      return;
    }
    const first = this.ready.values().next();
    if (first.done) {
      this.pumping = false;
      this.idle();
      return;
    }
    const key = first.value;
    const job = this.jobs.get(key) ?? { siblings: false };
    this.ready.delete(key);
    this.jobs.delete(key);
    try {
      this.run(key, job);
    } finally {
      this.seen = this.dispatched;
      this.deferredSince = Date.now();
      setImmediate(this.pump);
    }
  };
}
