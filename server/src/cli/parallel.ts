/**
 * `check` on several cores (`--jobs N`): worker threads run the same engine on
 * their share of the work and send back plain findings. The main thread takes
 * a share too, so a worker's start-up overlaps useful work instead of adding to it.
 *
 * Two kinds of jobs: the byte prefilter over a tree's directories, and the
 * analysis of candidate driver directories. Workers start only when a job is
 * big enough to repay them (see the thresholds below); shares are balanced by size.
 */
import type * as WorkerThreads from 'worker_threads';
import { Workspace, type Finding, type Notice, type Settings } from '../engine';
import { nodeFileSystem } from '../node/fsHost';
import { candidateDirs, type SourceDir, type Target } from './discover';

/** Marks a worker thread of the pool in its argv, so the module knows to serve without loading worker_threads first. */
const WORKER_ARG = '--vfio-variant-check-worker';

/** worker_threads, loaded only when a pool starts: a check that needs none is spared ~2 ms of start-up. */
function threads(): typeof WorkerThreads {
  return require('worker_threads') as typeof WorkerThreads;
}

/** Whether this thread is one of a pool's workers (their module is the CLI's own, so it must not run main()). */
export function isCheckWorker(): boolean {
  return process.argv.includes(WORKER_ARG);
}

/** What one target produced; findings carry no engine objects, so they cross threads. */
export interface TargetResult {
  findings: Finding[];
  notices: Notice[];
  isVariantDriver: boolean;
  reason: string;
}

type Job =
  | { id: number; kind: 'prefilter'; dirs: SourceDir[] }
  | { id: number; kind: 'check'; targets: { dir: string; only?: string[] }[]; all: boolean };

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

type Reply = { id: number; candidates?: string[]; results?: TargetResult[]; error?: string };

/** Analyses targets on this thread. */
export function checkTargets(workspace: Workspace, targets: Target[], all: boolean): TargetResult[] {
  return targets.map((t) => {
    const r = workspace.driverFindings(t.dir, { all });
    const only = t.only;
    return {
      findings: (only ? r.findings.filter((f) => only.has(f.path)) : r.findings).map(plainFinding),
      notices: only ? r.notices.filter((n) => only.has(n.path)) : r.notices,
      isVariantDriver: r.model.isVariantDriver,
      reason: r.model.reason,
    };
  });
}

/**
 * What the CLI prints of a finding: no engine objects (its review item, and the data its
 * rule keeps for fixes and hover, which may hold items), so it can cross threads.
 */
function plainFinding(f: Finding): Finding {
  const { item: _item, data: _data, ...rest } = f;
  void _item;
  void _data;
  return rest as Finding;
}

/** Splits weighted items into `n` shares of about equal weight (largest first, into the lightest share). */
export function balance<T>(items: T[], weight: (t: T) => number, n: number, headStart: number[] = []): T[][] {
  const shares: { load: number; items: T[] }[] = Array.from({ length: n }, (_, i) => ({ load: headStart[i] ?? 0, items: [] }));
  const sorted = items.map((t) => ({ t, w: weight(t) })).sort((a, b) => b.w - a.w);
  for (const { t, w } of sorted) {
    const lightest = shares.reduce((a, b) => (b.load < a.load ? b : a));
    lightest.items.push(t);
    lightest.load += w;
  }
  return shares.map((s) => s.items);
}

/** A set of worker threads, started early so that they boot while the main thread walks the tree. */
export class WorkerPool {
  private readonly workers: WorkerThreads.Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(
    readonly size: number,
    settings: Settings,
  ) {
    for (let i = 0; i < size; i++) {
      const w = new (threads().Worker)(__filename, { workerData: { settings }, argv: [WORKER_ARG] });
      w.on('message', (r: Reply) => {
        const p = this.pending.get(r.id);
        this.pending.delete(r.id);
        if (r.error) p?.reject(new Error(r.error));
        else p?.resolve(r);
      });
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
    }
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private send(worker: number, job: DistributiveOmit<Job, 'id'>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[worker].postMessage({ ...job, id });
    });
  }

  prefilter(worker: number, dirs: SourceDir[]): Promise<string[]> {
    return this.send(worker, { kind: 'prefilter', dirs }).then((r) => r.candidates ?? []);
  }

  check(worker: number, targets: Target[], all: boolean): Promise<TargetResult[]> {
    const plain = targets.map((t) => ({ dir: t.dir, only: t.only ? [...t.only] : undefined }));
    return this.send(worker, { kind: 'check', targets: plain, all }).then((r) => r.results ?? []);
  }

  /** Lets the process exit without waiting for idle workers to wind down. */
  close(): void {
    for (const w of this.workers) w.unref();
  }
}

/** The prefilter over the cores: the main thread reads its share while the workers read theirs. */
export async function parallelCandidates(poolFor: (() => WorkerPool) | undefined, dirs: SourceDir[]): Promise<string[]> {
  const files = dirs.reduce((n, d) => n + d.files.length, 0);
  if (!poolFor || files < SHARE_WHEN.prefilterFiles) return candidateDirs(dirs);
  const pool = poolFor();
  const shares = balance(dirs, (d) => d.files.length, pool.size + 1, [0, ...Array(pool.size).fill(WORKER_START_FILES)]);
  const remote = shares.slice(1).map((share, i) => pool.prefilter(i, share));
  const mine = candidateDirs(shares[0]);
  const found = new Set([...mine, ...(await Promise.all(remote)).flat()]);
  return dirs.filter((d) => found.has(d.dir)).map((d) => d.dir); // walk order, whoever found it
}

/**
 * When sharing pays. Measured on 2 cores (6.12): a worker's start-up, and its own
 * copy of MAINTAINERS and the headers, cost more than analysing the 6 variant
 * drivers of drivers/vfio/pci (400 KB) on one thread; reading the 30k files of a
 * whole tree is worth sharing.
 */
export const SHARE_WHEN = { analysisBytes: 4 * 1024 * 1024, prefilterFiles: 4000 };
/** Work a worker could have done while it was starting up. */
const WORKER_START_BYTES = 256 * 1024;
const WORKER_START_FILES = 1000;

/** Analysis over the cores; results come back in target order. */
export async function parallelCheck(
  poolFor: (() => WorkerPool) | undefined,
  workspace: Workspace,
  targets: Target[],
  all: boolean,
  poolRunning = false,
): Promise<TargetResult[]> {
  if (!poolFor || targets.length < 2) return checkTargets(workspace, targets, all);
  // By what will be parsed: vfio-pci core's own directory matches the prefilter
  // but is ruled out from its text, and weighing it by its bytes left the main
  // thread idle while a worker analysed every real driver.
  const weights = new Map(targets.map((t) => [t, workspace.analysisWeight(t.dir)]));
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  // Workers already started for the prefilter cost nothing more to use.
  if (!poolRunning && total < SHARE_WHEN.analysisBytes) return checkTargets(workspace, targets, all);
  const pool = poolFor();
  const headStart = poolRunning ? 0 : WORKER_START_BYTES;
  const shares = balance(targets, (t) => weights.get(t)!, pool.size + 1, [0, ...Array(pool.size).fill(headStart)]);
  const remote = shares.slice(1).map((share, i) => (share.length ? pool.check(i, share, all) : Promise.resolve([])));
  const mine = checkTargets(workspace, shares[0], all);
  const byTarget = new Map<Target, TargetResult>();
  shares[0].forEach((t, i) => byTarget.set(t, mine[i]));
  (await Promise.all(remote)).forEach((results, s) => shares[s + 1].forEach((t, i) => byTarget.set(t, results[i])));
  return targets.map((t) => byTarget.get(t)!);
}

function serve(): void {
  const { parentPort, workerData } = threads();
  const workspace = new Workspace(nodeFileSystem, (workerData as { settings: Settings }).settings);
  parentPort!.on('message', (job: Job) => {
    try {
      if (job.kind === 'prefilter') parentPort!.postMessage({ id: job.id, candidates: candidateDirs(job.dirs) } satisfies Reply);
      else {
        const targets = job.targets.map((t) => ({ dir: t.dir, only: t.only ? new Set(t.only) : undefined }));
        parentPort!.postMessage({ id: job.id, results: checkTargets(workspace, targets, job.all) } satisfies Reply);
      }
    } catch (e) {
      parentPort!.postMessage({ id: job.id, error: (e as Error).message } satisfies Reply);
    }
  });
}

if (isCheckWorker()) serve();
