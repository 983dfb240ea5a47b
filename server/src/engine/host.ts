/**
 * How the engine reaches files. The engine never touches `fs` itself: the CLI and
 * the server pass a host (node/fsHost.ts), tests can pass an in-memory one.
 */
export interface FileStat {
  isFile: boolean;
  isDirectory: boolean;
  isSymbolicLink: boolean;
  size: number;
  mtimeMs: number;
}

export interface FileSystemHost {
  /** Raw bytes, or undefined when the file cannot be read. */
  readBytes(path: string): Uint8Array | undefined;
  /** Entry names of a directory, or undefined when it cannot be listed. */
  readDir(path: string): string[] | undefined;
  /** lstat-like: does not follow a final symlink. undefined when missing. */
  stat(path: string): FileStat | undefined;
  /** Canonical path (symlinks resolved), or undefined. */
  realPath(path: string): string | undefined;
}

export type DecodedText =
  | { ok: true; text: string; /** bytes were not valid UTF-8; replacement characters stand in */ lossy: boolean; bom: boolean }
  | { ok: false; reason: string };

// ignoreBOM: the BOM is taken off below, once; TextDecoder would silently take off a
// second one too, and --fix would then write the file back without it (found by fuzzing).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes C source bytes, refusing binary content. */
export function decodeSource(bytes: Uint8Array): DecodedText {
  const probe = bytes.subarray(0, Math.min(bytes.length, 64 * 1024));
  if (probe.includes(0)) return { ok: false, reason: 'binary content (NUL bytes), not C source' };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: decoder.decode(body), lossy: false, bom };
  } catch {
    return { ok: true, text: lossyDecoder.decode(body), lossy: true, bom };
  }
}
