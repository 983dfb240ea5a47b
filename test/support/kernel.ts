/**
 * Real kernel source for tests and benchmarks: Debian's linux-source-6.12,
 * extracted on demand into .kernel/ (ignored by git). Never committed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const KERNEL_TARBALL = process.env.VFIO_VARIANT_KERNEL_TARBALL ?? '/usr/src/linux-source-6.12.tar.xz';
const BASE = path.join(REPO, '.kernel');
export const KERNEL_ROOT = path.join(BASE, 'linux-source-6.12');
/** A pristine copy used as the reference; tests that write copy it first. */
const MARKER = path.join(BASE, '.extracted-6.12');

const MEMBERS = [
  'linux-source-6.12/drivers/vfio/*',
  'linux-source-6.12/include/*',
  'linux-source-6.12/MAINTAINERS',
  'linux-source-6.12/scripts/kernel-doc*',
];

/**
 * Members added after .kernel/ trees already existed: extracted on their own when missing.
 * The top-level files make scripts/get_maintainer.pl accept the tree; the parent drivers'
 * sources hold the kernel-doc of the APIs variant drivers call.
 */
const LATE_MEMBERS = [
  'linux-source-6.12/scripts/get_maintainer.pl',
  ...['COPYING', 'CREDITS', 'Kbuild', 'Makefile', 'README'].map((f) => `linux-source-6.12/${f}`),
  'linux-source-6.12/Documentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst',
  ...[
    'drivers/net/ethernet/mellanox/mlx5/core',
    'drivers/crypto/hisilicon',
    'drivers/net/ethernet/amd/pds_core',
    'drivers/virtio',
    'drivers/crypto/intel/qat',
  ].map((d) => `linux-source-6.12/${d}`),
];
/** Folders get_maintainer.pl wants to see in a kernel tree; empty ones will do. */
const TREE_FOLDERS = ['Documentation', 'arch', 'include', 'drivers', 'fs', 'init', 'ipc', 'kernel', 'lib', 'scripts'];

/** Extracts the parts of the kernel the tests use, once. Throws with a clear message when the package is missing. */
export function ensureKernel(): string {
  if (fs.existsSync(MARKER)) {
    const missing = LATE_MEMBERS.filter((m) => !fs.existsSync(path.join(BASE, m)));
    if (missing.length && fs.existsSync(KERNEL_TARBALL)) {
      // Into a private directory first, then renamed: tests running in parallel never see a half-written file.
      const tmp = fs.mkdtempSync(path.join(BASE, 'late-'));
      execFileSync('tar', ['-xJf', KERNEL_TARBALL, '-C', tmp, ...missing], { stdio: 'inherit' });
      for (const m of missing) {
        fs.mkdirSync(path.dirname(path.join(BASE, m)), { recursive: true });
        fs.renameSync(path.join(tmp, m), path.join(BASE, m));
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    for (const d of TREE_FOLDERS) fs.mkdirSync(path.join(KERNEL_ROOT, d), { recursive: true });
    return KERNEL_ROOT;
  }
  if (!fs.existsSync(KERNEL_TARBALL)) {
    throw new Error(`${KERNEL_TARBALL} not found: install Debian's linux-source-6.12 (apt-get install linux-source-6.12)`);
  }
  fs.mkdirSync(BASE, { recursive: true });
  execFileSync('tar', ['-xJf', KERNEL_TARBALL, '-C', BASE, '--wildcards', ...MEMBERS, ...LATE_MEMBERS], { stdio: 'inherit' });
  for (const d of TREE_FOLDERS) fs.mkdirSync(path.join(KERNEL_ROOT, d), { recursive: true });
  fs.writeFileSync(MARKER, new Date().toISOString());
  return KERNEL_ROOT;
}

/**
 * A scratch copy of part of the kernel tree (plus include/ and scripts via
 * symlinks) that a test may modify; in `base` (default: .kernel), which must be
 * one of the repository's ignored folders.
 */
export function scratchKernelCopy(subdirs: string[], base: string = BASE): string {
  const root = ensureKernel();
  fs.mkdirSync(base, { recursive: true });
  const dest = fs.mkdtempSync(path.join(base, 'scratch-'));
  for (const sub of subdirs) fs.cpSync(path.join(root, sub), path.join(dest, sub), { recursive: true });
  fs.symlinkSync(path.join(root, 'include'), path.join(dest, 'include'));
  fs.symlinkSync(path.join(root, 'scripts'), path.join(dest, 'scripts'));
  fs.copyFileSync(path.join(root, 'MAINTAINERS'), path.join(dest, 'MAINTAINERS'));
  return dest;
}

/** scripts/kernel-doc -none -Wall on one file: its warnings (empty when clean). */
export function kernelDocWarnings(file: string): string {
  const script = path.join(ensureKernel(), 'scripts', 'kernel-doc');
  try {
    return execFileSync('perl', [script, '-none', '-Wall', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || 'kernel-doc failed';
  }
}

if (require.main === module) console.log(ensureKernel());
