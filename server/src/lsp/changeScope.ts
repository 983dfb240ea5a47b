/**
 * `vfioVariant.scope`: `all` (every finding) or `changedSince` (only what the
 * buffers add or change against `vfioVariant.baseRef`, default HEAD, and the
 * findings that change creates), so an author with an old driver sees only
 * what their series adds. The same rule as `vfio-variant check --diff`
 * (engine changes/scope.ts): the base version of the driver's files comes from
 * git (`REV:path`), is analysed once per base commit, and each open buffer's
 * changed lines come from a diff of its text against its base.
 *
 * git runs only with this scope, and never in a restricted (untrusted) workspace.
 */
import * as path from 'path';
import {
  changeBetween,
  findingsInChange,
  overlayHost,
  resolveChanges,
  Workspace,
  type DriverModel,
  type Finding,
  type ResolvedChange,
} from '../engine';
import { nodeFileSystem } from '../node/fsHost';
import { git, gitBlob, gitTopLevel } from '../node/git';

/** How long a resolved base commit is trusted before git is asked again (commits move HEAD). */
const REV_TTL_MS = 3000;

export class ChangeScope {
  private scope: 'all' | 'changedSince' = 'all';
  private baseRef = 'HEAD';
  private readonly tops = new Map<string, string | undefined>();
  private readonly revs = new Map<string, { sha: string | undefined; at: number }>();
  private readonly bases = new Map<string, { blobs: Map<string, Uint8Array | null>; findings: Finding[] }>();
  private readonly changes = new Map<string, { key: string; change: ResolvedChange }>();
  private warned = new Set<string>();

  constructor(private readonly log: (m: string) => void) {}

  /** Reads `scope` and `baseRef` from the raw `vfioVariant` settings. */
  configure(raw: unknown, restricted: boolean): void {
    const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const scope = o.scope === 'changedSince' ? 'changedSince' : 'all';
    if (o.scope !== undefined && o.scope !== 'all' && o.scope !== 'changedSince') this.log(`settings: scope must be all or changedSince`);
    const baseRef = typeof o.baseRef === 'string' && o.baseRef.trim() && !o.baseRef.trim().startsWith('-') ? o.baseRef.trim() : 'HEAD';
    if (scope === 'changedSince' && restricted) {
      this.log('settings: scope changedSince runs git; ignored in restricted mode');
      this.scope = 'all';
    } else this.scope = scope;
    // The base findings depend on the other settings too.
    this.bases.clear();
    this.revs.clear();
    this.baseRef = baseRef;
    this.warned.clear();
  }

  get active(): boolean {
    return this.scope === 'changedSince';
  }

  /** The findings of one file that the change since the base makes; all of them outside git. */
  filter(model: DriverModel, findings: Finding[], workspace: Workspace): Finding[] {
    const dir = model.dir;
    if (!this.tops.has(dir)) this.tops.set(dir, gitTopLevel(dir));
    const top = this.tops.get(dir);
    const sha = top ? this.resolve(top) : undefined;
    if (!top || !sha) {
      const why = top ? `${this.baseRef} is not a commit in ${top}` : `${dir} is not in a git repository`;
      if (!this.warned.has(why)) this.log(`scope changedSince: ${why}; showing every finding`);
      this.warned.add(why);
      return findings;
    }
    const base = this.base(model, top, sha, workspace);
    const changes = model.files.map((f) => this.changeOf(f.path, f.version, f.text, base.blobs.get(f.path) ?? null, sha));
    return findingsInChange(findings, base.findings, changes);
  }

  private resolve(top: string): string | undefined {
    const key = `${top}\0${this.baseRef}`;
    const cached = this.revs.get(key);
    if (cached && Date.now() - cached.at < REV_TTL_MS) return cached.sha;
    const r = git(['rev-parse', '--verify', '--quiet', `${this.baseRef}^{commit}`], top);
    const sha = r.ok ? r.stdout.toString('utf8').trim() : undefined;
    this.revs.set(key, { sha, at: Date.now() });
    return sha;
  }

  /** The driver at the base commit: its files' blobs and findings, once per (directory, commit, file set). */
  private base(model: DriverModel, top: string, sha: string, workspace: Workspace) {
    const key = `${model.dir}\0${sha}\0${model.files.map((f) => f.path).join('|')}`;
    let base = this.bases.get(key);
    if (!base) {
      const blobs = new Map<string, Uint8Array | null>();
      // git names the top with symbolic links resolved.
      const realDir = nodeFileSystem.realPath(model.dir) ?? model.dir;
      for (const f of model.files) {
        const rel = path
          .relative(top, path.join(realDir, path.basename(f.path)))
          .split(path.sep)
          .join('/');
        blobs.set(f.path, gitBlob(`${sha}:${rel}`, top) ?? null);
      }
      const ws = new Workspace(overlayHost(nodeFileSystem, blobs), workspace.currentSettings);
      base = { blobs, findings: ws.driverFindings(model.dir).findings };
      if (this.bases.size > 32) this.bases.clear();
      this.bases.set(key, base);
    }
    return base;
  }

  private changeOf(filePath: string, version: number | string, text: string, blob: Uint8Array | null, sha: string): ResolvedChange {
    const key = `${sha}\0${version}\0${text.length}`;
    const cached = this.changes.get(filePath);
    if (cached && cached.key === key) return cached.change;
    const before = blob ? new TextDecoder().decode(blob) : undefined;
    const [change] = resolveChanges([changeBetween(filePath, before, text)], (p) => p);
    this.changes.set(filePath, { key, change });
    return change;
  }
}
