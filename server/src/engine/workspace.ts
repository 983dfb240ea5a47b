/**
 * The engine's entry point for every front end. Holds open documents (editor
 * buffers, which win over the disk), reads sibling files of a driver lazily and
 * caches parsed files and driver models by version, so an edit re-parses one
 * file (incrementally) and re-combines facts, nothing more.
 */
import * as path from 'path';
import { DriverChecks } from './model/driverChecks';
import { analyzeDriver, classifySources, sourceTraits, type DriverModel, type SourceTraits } from './model/driver';
import { FlowQueries } from './flow';
import { fixAllInFile } from './fixes/documentation';
import type { CodeFix } from './fixes/edits';
import { RuleRunner, ruleById, type Finding, type RunOptions } from './rules';
import { decodeSource, type FileSystemHost } from './host';
import { findKernelRoot, HeaderIndex, looksLikeKernelRoot } from './model/kernelTree';
import { MaintainersIndex } from './maintainers/maintainers';
import { ApiDocIndex, attachApiDocs } from './model/apiDocs';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { createSourceFile, updateSourceFile, type SourceFile } from './model/sourceFile';

/** Something the user should know about a file we did not (fully) analyse. */
export interface Notice {
  path: string;
  message: string;
}

const SOURCE_EXT = /\.[ch]$/;
const MAX_FILES_PER_DRIVER = 200;

interface DiskEntry {
  stamp: string;
  /** Decoded text; parsed into `file` only once the directory proves to be a variant driver. */
  text?: string;
  file?: SourceFile;
  notice?: Notice;
}

/** One file of a driver directory, before it is parsed. */
interface DriverSource {
  path: string;
  version: number | string;
  text: string;
  /** An editor buffer (already parsed), not a file read from disk. */
  open: boolean;
  file: () => SourceFile;
}

export class Workspace {
  private settings: Settings = DEFAULT_SETTINGS;
  /** Open buffers as last parsed. */
  private readonly documents = new Map<string, SourceFile>();
  /** Open buffers' newer text, not parsed yet. */
  private readonly pending = new Map<string, { text: string; version: number | string }>();
  private parses = 0;
  private diskParses = 0;
  /** Open buffers above maxFileSize or with NUL bytes (binary): kept as a version number only, never parsed. */
  private readonly oversized = new Map<string, { version: number | string; length: number; binary?: boolean }>();
  private readonly disk = new Map<string, DiskEntry>();
  private readonly models = new Map<string, { key: string; model: DriverModel; notices: Notice[] }>();
  private headers: HeaderIndex;
  private maintainersIndex: MaintainersIndex;
  private apiDocs: ApiDocIndex;
  private driverChecks: DriverChecks;
  private readonly roots = new Map<string, string | undefined>();
  private readonly flow = new FlowQueries();
  private readonly rules = new RuleRunner(this.flow);
  private readonly traits = new Map<string, { version: number | string; length: number; traits: SourceTraits }>();

  constructor(
    private readonly host: FileSystemHost,
    settings?: Settings,
  ) {
    this.headers = new HeaderIndex(host);
    this.maintainersIndex = new MaintainersIndex(host);
    this.apiDocs = new ApiDocIndex(host, this.maintainersIndex);
    this.driverChecks = new DriverChecks(this.maintainersIndex);
    if (settings) this.settings = settings;
  }

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.models.clear();
    this.roots.clear();
  }

  /**
   * Files changed on disk (a file watcher's news). MAINTAINERS and headers
   * outside the driver directories are read once and kept: they are forgotten
   * here, so the next analysis reads them again (a MAINTAINERS entry added by a
   * fix, a tree that gained its MAINTAINERS). Sources of a driver are checked by
   * their stamps anyway; their models are dropped all the same.
   */
  filesChanged(paths: string[]): void {
    const external = paths.some((p) => path.basename(p) === 'MAINTAINERS' || p.endsWith('.h'));
    if (external) {
      this.headers = new HeaderIndex(this.host);
      this.maintainersIndex = new MaintainersIndex(this.host);
      this.driverChecks = new DriverChecks(this.maintainersIndex);
      this.roots.clear();
      this.models.clear();
      return;
    }
    for (const p of paths) {
      this.disk.delete(p);
      this.models.delete(path.dirname(p));
    }
  }

  // ------------------------------------------------------------ documents

  /**
   * Opens or replaces an editor buffer. `docPath` may be a pseudo path for untitled buffers.
   * Nothing is parsed until the buffer is analysed (see `getDocument`): a buffer opened and
   * closed again, or replaced by a newer version first, costs no parse.
   */
  openDocument(docPath: string, text: string, version: number | string): void {
    this.traits.delete(docPath);
    this.documents.delete(docPath);
    this.updateDocument(docPath, text, version);
  }

  /** New text for an open buffer; parsed (incrementally, from the last parsed version) when next needed. */
  updateDocument(docPath: string, text: string, version: number | string): void {
    const binary = text.length <= this.settings.maxFileSize && text.slice(0, 64 * 1024).includes('\0');
    if (text.length > this.settings.maxFileSize || binary) {
      this.documents.delete(docPath);
      this.pending.delete(docPath);
      this.oversized.set(docPath, { version, length: text.length, binary });
      return;
    }
    this.oversized.delete(docPath);
    this.pending.set(docPath, { text, version });
  }

  /**
   * Closes a buffer. When it was the last open one of its directory, what was read
   * and parsed for that directory goes too: memory follows the open documents, not
   * everything a session ever opened.
   */
  closeDocument(docPath: string): void {
    this.traits.delete(docPath);
    this.documents.delete(docPath);
    this.pending.delete(docPath);
    this.oversized.delete(docPath);
    const dir = path.dirname(docPath);
    const open = (p: string) => path.dirname(p) === dir;
    if ([...this.documents.keys(), ...this.pending.keys(), ...this.oversized.keys()].some(open)) return;
    for (const p of [...this.disk.keys()].filter(open)) this.disk.delete(p);
    for (const p of [...this.traits.keys()].filter(open)) this.traits.delete(p);
    this.models.delete(dir);
    this.rules.forget(dir);
    this.roots.delete(dir);
  }

  /** The newest version of an open buffer, parsed now if it was not yet. */
  getDocument(docPath: string): SourceFile | undefined {
    const next = this.pending.get(docPath);
    if (next) {
      this.pending.delete(docPath);
      const previous = this.documents.get(docPath);
      this.documents.set(
        docPath,
        previous ? updateSourceFile(previous, next.text, next.version) : createSourceFile(docPath, next.text, next.version),
      );
      this.parses++;
    }
    return this.documents.get(docPath);
  }

  /** The version of an open buffer, parsed or not. */
  documentVersion(docPath: string): number | string | undefined {
    return this.pending.get(docPath)?.version ?? this.documents.get(docPath)?.version ?? this.oversized.get(docPath)?.version;
  }

  /**
   * How many syntax trees this workspace has made. A superseded tree is freed only when
   * the garbage collector finalizes its JS object, and V8 does not see its native size:
   * a front end running for hours collects after every so many (see lsp/scheduler.ts).
   */
  get treesMade(): number {
    return this.parses + this.diskParses;
  }

  // -------------------------------------------------------------- drivers

  /** The driver model for the directory holding `filePath`. Untitled buffers form a driver of their own. */
  driverFor(filePath: string, standalone = false): { model: DriverModel; notices: Notice[] } {
    const dir = path.dirname(filePath);
    if (!standalone) return this.driverInDir(dir, filePath);
    const big = this.oversized.get(filePath);
    const notices = big ? [this.skipped(filePath, big)] : [];
    const doc = this.getDocument(filePath);
    return { model: analyzeDriver(dir, doc ? [doc] : [], this.context(undefined)), notices };
  }

  /** The driver model of a directory; `mustInclude` is a file of it that may not exist on disk yet. */
  driverInDir(dir: string, mustInclude?: string): { model: DriverModel; notices: Notice[] } {
    const { sources, notices } = this.driverSources(dir, mustInclude);
    const key = sources.map((s) => `${s.path}@${s.version}`).join('|');
    const cached = this.models.get(dir);
    if (cached && cached.key === key) return this.withDriverItems(cached);
    const kind = classifySources(sources, (src) => this.traitsOf(src as DriverSource));
    // Files of a directory that cannot matter are never parsed.
    const files = kind.ok ? sources.map((s) => s.file()) : sources.filter((s) => s.open).map((s) => s.file());
    const context = this.context(dir);
    const model = analyzeDriver(dir, files, context, kind);
    if (context.kernelRoot) attachApiDocs(model, this.apiDocs.forTree(context.kernelRoot));
    for (const f of files)
      if (f.parsed.gaveUp) notices.push({ path: f.path, message: 'not analysed: the parser gave up (the text is mostly not C)' });
    const entry = { key, model, notices };
    this.models.set(dir, entry);
    return this.withDriverItems(entry);
  }

  /**
   * What analysing `dir` will cost, in characters to parse: 0 when the directory
   * is not a variant driver (decided from the text, nothing parsed). Reads the
   * files, which the analysis then reuses.
   */
  analysisWeight(dir: string): number {
    const { sources } = this.driverSources(dir);
    const kind = classifySources(sources, (src) => this.traitsOf(src as DriverSource));
    return kind.ok ? sources.reduce((n, s) => n + s.text.length, 0) : 0;
  }

  /**
   * Findings located in `filePath`. With `carryFlow` (an editor, while the user types)
   * the flow rules' findings may come from their last run (`carried` says so): run
   * again without it once typing pauses.
   */
  findings(
    filePath: string,
    opts: RunOptions & { standalone?: boolean } = {},
  ): { findings: Finding[]; notices: Notice[]; model: DriverModel; carried: boolean } {
    const { model, notices } = this.driverFor(filePath, opts.standalone);
    const findings = this.settings.enable ? this.rules.findings(model, this.settings, { ...opts, path: filePath }) : [];
    return { findings, notices: notices.filter((n) => n.path === filePath), model, carried: this.rules.carried(model) };
  }

  /** Findings for every file of the driver that holds `dir`. */
  driverFindings(dir: string, opts: RunOptions = {}): { findings: Finding[]; notices: Notice[]; model: DriverModel } {
    const { model, notices } = this.driverInDir(dir);
    const findings = this.settings.enable ? this.rules.findings(model, this.settings, opts) : [];
    return { findings, notices, model };
  }

  /** The quick fixes of the rule that reported `finding`. */
  fixes(filePath: string, finding: Finding, standalone = false): CodeFix[] {
    const rule = ruleById(finding.rule);
    if (!rule?.fixes) return [];
    const { model } = this.driverFor(filePath, standalone);
    const findings = this.rules.all(model, this.settings);
    return rule.fixes(finding, { model, settings: this.settings, flow: this.flow, findings });
  }

  /** Hover text for the findings at a position: each rule's explanation, once per rule. */
  explain(findings: readonly Finding[]): string[] {
    const out: string[] = [];
    for (const f of findings) {
      const text = ruleById(f.rule)?.explain?.(f);
      if (text && !out.includes(text)) out.push(text);
    }
    return out;
  }

  fixAll(filePath: string, standalone = false): CodeFix | undefined {
    const { model } = this.driverFor(filePath, standalone);
    const file = model.files.find((f) => f.path === filePath);
    return file ? fixAllInFile(model, file, this.settings) : undefined;
  }

  /** Directory-level items (MAINTAINERS, DOC: overview): cached per model, refreshed when MAINTAINERS changes. */
  private withDriverItems<T extends { model: DriverModel }>(entry: T): T {
    entry.model.driverItems = this.driverChecks.itemsFor(entry.model, this.settings.kernelTree);
    return entry;
  }

  get currentSettings(): Readonly<Settings> {
    return this.settings;
  }

  /** The MAINTAINERS files seen so far (reports read them too). */
  get maintainers(): MaintainersIndex {
    return this.maintainersIndex;
  }

  private context(dir: string | undefined) {
    let root: string | undefined;
    if (this.settings.kernelTree && looksLikeKernelRoot(this.settings.kernelTree, this.host)) root = this.settings.kernelTree;
    else if (dir) {
      if (!this.roots.has(dir)) this.roots.set(dir, findKernelRoot(dir, this.host));
      root = this.roots.get(dir);
    }
    return {
      settings: this.settings,
      kernelRoot: root,
      headers: this.headers,
      vfioOpsMembers: root ? this.headers.vfioOpsMembers(root) : undefined,
    };
  }

  /** Per file version: an edit to one file re-reads only that file's traits. */
  private traitsOf(src: DriverSource): SourceTraits {
    const cached = this.traits.get(src.path);
    if (cached && cached.version === src.version && cached.length === src.text.length) return cached.traits;
    const traits = sourceTraits(src.text);
    this.traits.set(src.path, { version: src.version, length: src.text.length, traits });
    return traits;
  }

  /** The .c/.h files of a directory: open buffers as they are, the rest from disk. */
  private driverSources(dir: string, mustInclude?: string): { sources: DriverSource[]; notices: Notice[] } {
    const names = new Set(this.host.readDir(dir)?.filter((n) => SOURCE_EXT.test(n)) ?? []);
    for (const p of [...this.documents.keys(), ...this.pending.keys(), ...this.oversized.keys()])
      if (path.dirname(p) === dir) names.add(path.basename(p));
    if (mustInclude && path.dirname(mustInclude) === dir) names.add(path.basename(mustInclude));
    const sources: DriverSource[] = [];
    const notices: Notice[] = [];
    for (const name of [...names].sort().slice(0, MAX_FILES_PER_DRIVER)) {
      const p = path.join(dir, name);
      const next = this.pending.get(p);
      const doc = this.documents.get(p);
      if (next || doc) {
        const { text, version } = next ?? doc!;
        sources.push({ path: p, version, text, open: true, file: () => this.getDocument(p)! });
        continue;
      }
      const big = this.oversized.get(p);
      if (big) {
        notices.push(this.skipped(p, big));
        continue;
      }
      const entry = this.readDisk(p);
      if (entry.text !== undefined) {
        const text = entry.text;
        sources.push({
          path: p,
          version: entry.stamp,
          text,
          open: false,
          file: () => (entry.file ??= this.parseDisk(p, text, entry.stamp)),
        });
      }
      if (entry.notice) notices.push(entry.notice);
    }
    if (names.size > MAX_FILES_PER_DRIVER) {
      notices.push({ path: dir, message: `only the first ${MAX_FILES_PER_DRIVER} of ${names.size} source files were analysed` });
    }
    return { sources, notices };
  }

  private parseDisk(p: string, text: string, stamp: string): SourceFile {
    this.diskParses++;
    return createSourceFile(p, text, stamp);
  }

  private skipped(p: string, doc: { length: number; binary?: boolean }): Notice {
    if (doc.binary) return { path: p, message: 'not analysed: binary content (NUL bytes), not C source' };
    return this.tooLarge(p, `${doc.length} characters`);
  }

  private tooLarge(p: string, size: string): Notice {
    return { path: p, message: `not analysed: ${size} is above vfioVariant.maxFileSize (${this.settings.maxFileSize})` };
  }

  private readDisk(p: string): DiskEntry {
    const st = this.host.stat(p);
    if (!st) return { stamp: 'missing', notice: { path: p, message: 'not analysed: the file cannot be read' } };
    // A symbolic link is judged by what it points to: a FIFO or /dev/zero behind a
    // name ending in .c would block or never end.
    const real = st.isSymbolicLink ? this.host.realPath(p) : p;
    const target = real && st.isSymbolicLink ? this.host.stat(real) : st;
    const stamp = `${(target ?? st).size}:${(target ?? st).mtimeMs}`;
    const cached = this.disk.get(p);
    if (cached && cached.stamp === stamp) return cached;
    let entry: DiskEntry;
    if (!real) {
      entry = { stamp, notice: { path: p, message: 'not analysed: broken or looping symbolic link' } };
    } else if (!target?.isFile) {
      entry = {
        stamp,
        notice: { path: p, message: `not analysed: ${st.isSymbolicLink ? 'the link does not lead to' : 'not'} a regular file` },
      };
    } else if (target.size > this.settings.maxFileSize) {
      entry = { stamp, notice: this.tooLarge(p, `${target.size} bytes`) };
    } else {
      const bytes = this.host.readBytes(p);
      const decoded = bytes ? decodeSource(bytes) : ({ ok: false, reason: 'the file cannot be read' } as const);
      if (!decoded.ok) entry = { stamp, notice: { path: p, message: `not analysed: ${decoded.reason}` } };
      else {
        entry = { stamp, text: decoded.text };
        if (decoded.lossy) entry.notice = { path: p, message: 'the file is not valid UTF-8; invalid bytes were read as U+FFFD' };
      }
    }
    this.disk.set(p, entry);
    return entry;
  }
}
