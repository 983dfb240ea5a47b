/** Finding and loading the MAINTAINERS file of a kernel tree. */
import * as path from 'path';
import { decodeSource, type FileSystemHost } from '../host';
import { looksLikeKernelRoot } from '../model/kernelTree';
import { MaintainersFile, parseMaintainers } from './file';

// ------------------------------------------------------------------ loading

export interface MaintainersLocation {
  root: string;
  /** The driver directory lies inside `root`. */
  inTree: boolean;
}

/**
 * Loads and caches MAINTAINERS per kernel tree (re-read when its size or
 * mtime changes), and remembers which tree each driver directory sits in.
 */
export class MaintainersIndex {
  private readonly files = new Map<string, { stamp: string; file: MaintainersFile | undefined }>();
  private readonly trees = new Map<string, string | undefined>();

  constructor(private readonly host: FileSystemHost) {}

  get fileSystem(): FileSystemHost {
    return this.host;
  }

  /** The kernel tree holding `dir` (walking up), else `explicitRoot` if it has MAINTAINERS. */
  locate(dir: string, explicitRoot?: string): MaintainersLocation | undefined {
    const abs = path.resolve(dir);
    if (!this.trees.has(abs)) {
      let found: string | undefined;
      for (let d = abs, i = 0; i < 64; i++) {
        if (looksLikeKernelRoot(d, this.host)) {
          found = d;
          break;
        }
        const up = path.dirname(d);
        if (up === d) break;
        d = up;
      }
      this.trees.set(abs, found);
    }
    const tree = this.trees.get(abs);
    if (tree) return { root: tree, inTree: true };
    if (explicitRoot && this.host.stat(path.join(explicitRoot, 'MAINTAINERS'))?.isFile)
      return { root: path.resolve(explicitRoot), inTree: false };
    return undefined;
  }

  load(root: string): MaintainersFile | undefined {
    const file = path.join(root, 'MAINTAINERS');
    const st = this.host.stat(file);
    const stamp = st ? `${st.size}:${st.mtimeMs}` : 'missing';
    const cached = this.files.get(root);
    if (cached && cached.stamp === stamp) return cached.file;
    let parsed: MaintainersFile | undefined;
    const bytes = st ? this.host.readBytes(file) : undefined;
    const decoded = bytes ? decodeSource(bytes) : undefined;
    if (decoded?.ok) parsed = parseMaintainers(decoded.text, file, root);
    this.files.set(root, { stamp, file: parsed });
    return parsed;
  }
}

/** A path relative to the tree root with `/` separators. */
export function treeRelative(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}
