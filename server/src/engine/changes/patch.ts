/**
 * A change as line sets: a unified diff (`git diff`, `git format-patch`, a
 * mail from `b4 am`) split per file, each file's hunks parsed by jsdiff, and
 * the lines the change adds (post-image) and removes (pre-image) collected.
 * Also the same from two texts (an editor buffer against its base).
 *
 * Plain TypeScript: no git, no files. The front ends read the patch and the blobs.
 */
import { applyPatch, parsePatch, structuredPatch, type StructuredPatch } from 'diff';

export interface FileChange {
  /** Tree-relative path before the change; undefined for a new file. */
  oldPath?: string;
  /** Tree-relative path after the change; undefined for a deleted file. */
  newPath?: string;
  /** Blob ids from the `index` line (abbreviated), when the diff is git's. */
  oldBlob?: string;
  newBlob?: string;
  /** 0-based post-image lines the change adds or rewrites. */
  added: Set<number>;
  /** 0-based pre-image lines the change removes or rewrites. */
  removed: Set<number>;
  /** Git says `Binary files ... differ` (or the section has no text hunks for a binary). */
  binary: boolean;
  /** The hunks, for applying the change to a pre-image; undefined without hunks. */
  hunks?: StructuredPatch;
}

const DEV_NULL = '/dev/null';

/** `a/x/y.c` -> `x/y.c`; `/dev/null` -> undefined. */
function stripPrefix(name: string | undefined): string | undefined {
  if (!name || name === DEV_NULL) return undefined;
  const unquoted = /^"(.*)"$/.exec(name)?.[1] ?? name;
  return unquoted.replace(/^[^/]*\//, '');
}

/**
 * A mail's signature after the last hunk (`-- ` then the git version) is no
 * hunk line; jsdiff would refuse it. Taken off only at the very end of the text.
 */
function dropSignature(section: string): string {
  return section.replace(/\n-- \r?\n[^\n]*(?:\n[^\n]*){0,2}\s*$/, '\n');
}

/** The text split at each `diff --git` header (git's output); one section for other diffs. */
function sections(text: string): string[] {
  const starts: number[] = [];
  const re = /^diff --git /gm;
  for (let m; (m = re.exec(text));) starts.push(m.index);
  if (!starts.length) {
    const first = /^--- /m.exec(text);
    return first ? [text.slice(first.index)] : [];
  }
  return starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length));
}

/** git's extended header lines of one section (before `---`/`@@`). */
function gitHeader(section: string) {
  const head = section.split('\n');
  const out: { a?: string; b?: string; oldBlob?: string; newBlob?: string; newFile?: boolean; deleted?: boolean; binary?: boolean } = {};
  const m = /^diff --git (\S+|"[^"]*") (\S+|"[^"]*")\s*$/.exec(head[0] ?? '');
  if (m) {
    out.a = stripPrefix(m[1]);
    out.b = stripPrefix(m[2]);
  }
  for (const line of head.slice(1)) {
    if (/^(?:--- |\+\+\+ |@@ )/.test(line)) break;
    let h;
    if ((h = /^index ([0-9a-f]+)\.\.([0-9a-f]+)/.exec(line))) {
      out.oldBlob = /^0+$/.test(h[1]) ? undefined : h[1];
      out.newBlob = /^0+$/.test(h[2]) ? undefined : h[2];
    } else if (line.startsWith('new file mode')) out.newFile = true;
    else if (line.startsWith('deleted file mode')) out.deleted = true;
    else if ((h = /^rename from (.+)$/.exec(line))) out.a = h[1];
    else if ((h = /^rename to (.+)$/.exec(line))) out.b = h[1];
    else if (/^(?:Binary files |GIT binary patch)/.test(line)) out.binary = true;
  }
  return out;
}

/** Parses a unified diff (git's or plain) into per-file changes. Throws on a malformed hunk. */
export function parseChanges(text: string): FileChange[] {
  const out: FileChange[] = [];
  const normalized = text.replace(/\r\n/g, '\n');
  for (const section of sections(normalized)) {
    const head = section.startsWith('diff --git ') ? gitHeader(section) : {};
    const body = dropSignature(section);
    const parsed = /^(?:--- |@@ )/m.test(body) ? parsePatch(body) : [];
    const hunks = parsed.find((p) => p.hunks.length) ?? parsed[0];
    const oldName = hunks?.oldFileName !== undefined ? stripPrefix(hunks.oldFileName) : undefined;
    const newName = hunks?.newFileName !== undefined ? stripPrefix(hunks.newFileName) : undefined;
    const change: FileChange = {
      oldPath: head.newFile ? undefined : (head.a ?? oldName),
      newPath: head.deleted ? undefined : (head.b ?? newName),
      ...(head.oldBlob ? { oldBlob: head.oldBlob } : {}),
      ...(head.newBlob ? { newBlob: head.newBlob } : {}),
      added: new Set(),
      removed: new Set(),
      binary: !!head.binary,
    };
    if (hunks?.hunks.length) {
      change.hunks = hunks;
      collectLines(hunks, change);
    }
    if (change.oldPath || change.newPath) out.push(change);
  }
  return out;
}

function collectLines(patch: StructuredPatch, change: FileChange): void {
  for (const h of patch.hunks) {
    // jsdiff moves the start of an empty side to the line it comes before (`@@ -4,0 ...` -> 5).
    let oldLine = h.oldStart - 1;
    let newLine = h.newStart - 1;
    for (const line of h.lines) {
      if (line.startsWith('+')) change.added.add(newLine++);
      else if (line.startsWith('-')) change.removed.add(oldLine++);
      else if (line.startsWith(' ')) {
        oldLine++;
        newLine++;
      }
      // `\ No newline at end of file` moves nothing.
    }
  }
}

/** The post-image of one file: its pre-image with the hunks applied, or undefined when they do not apply. */
export function applyChange(preImage: string, change: FileChange): string | undefined {
  if (!change.hunks) return preImage;
  const crlf = preImage.includes('\r\n');
  const result = applyPatch(crlf ? preImage.replace(/\r\n/g, '\n') : preImage, change.hunks);
  if (result === false) return undefined;
  return crlf ? result.replace(/\n/g, '\r\n') : result;
}

/** The change between two versions of one file (an editor buffer against its base). */
export function changeBetween(filePath: string, before: string | undefined, after: string | undefined): FileChange {
  const patch = structuredPatch(filePath, filePath, before ?? '', after ?? '', undefined, undefined, { context: 0 });
  const change: FileChange = {
    ...(before !== undefined ? { oldPath: filePath } : {}),
    ...(after !== undefined ? { newPath: filePath } : {}),
    added: new Set(),
    removed: new Set(),
    binary: false,
  };
  if (patch.hunks.length) {
    change.hunks = patch;
    collectLines(patch, change);
  }
  return change;
}
