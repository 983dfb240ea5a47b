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

/**
 * The longest an analysis waits for a turn without messages: short for the document
 * being typed in, long for the rest (opened documents, siblings, settings changes),
 * so that a burst of opens and closes is read to its end, and the requests behind
 * it answered, before documents it opened are analysed (most are closed by then).
 */
export const MAX_DEFER_MS = { edit: 100, background: 2000 };

/**
 * Background work also waits for this long without any message: a burst arrives in
 * pieces (the client writes while we read), so one quiet turn is not its end.
 */
export const BACKGROUND_QUIET_MS = 30;

export interface Job {
  /** Also (re-)publish the other open documents of the driver afterwards. */
  siblings: boolean;
  /** The document was edited (not only opened or re-published): its analysis waits less. */
  edit?: boolean;
  /** The flow rules' findings may be carried from their last run (while typing). */
  carry?: boolean;
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
  private lastInputAt = 0;
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
    private readonly bounds = { ...MAX_DEFER_MS, quiet: BACKGROUND_QUIET_MS },
  ) {}

  /** Pass to createConnection: counts dispatched messages. */
  readonly messageStrategy: MessageStrategy = {
    handleMessage: (message: Message, next: (message: Message) => void) => {
      this.dispatched++;
      this.lastInputAt = Date.now();
      next(message);
    },
  };

  /** Bytes of a message arrived (a big one arrives in pieces before it is dispatched). */
  noteInput(): void {
    this.lastInputAt = Date.now();
  }

  /** Analyse `key` after `delayMs` (restarting its delay); jobs for one key merge. */
  schedule(key: string, delayMs: number, job: Job): void {
    if (this.stopped) return;
    const prev = this.jobs.get(key);
    // The newest request decides whether flow findings may be carried.
    this.jobs.set(key, { siblings: job.siblings || !!prev?.siblings, edit: !!job.edit || !!prev?.edit, carry: !!job.carry });
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
    // A message dispatched since the last look means more may be queued behind it.
    // A client that never stops sending (status bar, views refreshing on every
    // publish) must not starve the analyses: after its bound a job runs anyway.
    const busy = this.dispatched !== this.seen;
    this.seen = this.dispatched;
    if (this.ready.size === 0) {
      this.pumping = false;
      this.idle();
      return;
    }
    const now = Date.now();
    const key = this.next(busy, now - this.deferredSince, now - this.lastInputAt);
    if (key === undefined) {
      // On a quiet turn only background work can be waiting (an edit would run):
      // wait out the quiet period instead of spinning.
      if (!busy) setTimeout(this.pump, Math.max(1, this.bounds.quiet - (now - this.lastInputAt)));
      else setImmediate(this.pump);
      return;
    }
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

  /**
   * The oldest due job that may run now: an edit on a quiet turn, background work after
   * a quiet period; either once it has waited out its bound.
   */
  private next(busy: boolean, waitedMs: number, quietMs: number): string | undefined {
    for (const key of this.ready) {
      const kind = this.jobs.get(key)?.edit ? 'edit' : 'background';
      if (waitedMs >= this.bounds[kind]) return key;
      if (!busy && (kind === 'edit' || quietMs >= this.bounds.quiet)) return key;
    }
    return undefined;
  }
}
