/**
 * What makes a callee a parent-driver API.
 *
 * Three kinds of evidence, strongest first:
 *  1. a catalog of parent drivers that vfio-pci variant drivers are known to use;
 *  2. the driver's own #includes of another driver's header: names that header
 *     declares (when a kernel tree is around to read it) or, failing that, names
 *     carrying the header's family prefix (`<linux/acme/acme_vf.h>` -> `acme_*`);
 *  3. data flow: a call that takes a handle obtained from a PF lookup or from
 *     another parent call (see driver.ts), unless the callee is a generic kernel API.
 */

import { GENERIC_LINUX_SUBDIRS, GENERIC_PREFIXES, GENERIC_TOKENS, GENERIC_TOPS } from './genericKernel';

export interface KnownParent {
  /** Short name used in findings, e.g. `mlx5_core`. */
  id: string;
  title: string;
  /** Include paths (a trailing `/` means the whole directory) that carry its API. */
  headers: string[];
  callees: RegExp;
}

export const KNOWN_PARENTS: readonly KnownParent[] = [
  { id: 'mlx5_core', title: 'Mellanox/NVIDIA mlx5 core driver', headers: ['linux/mlx5/'], callees: /^mlx5_/ },
  {
    id: 'hisi_qm',
    title: 'HiSilicon accelerator QM driver (sec/hpre/zip PF)',
    headers: ['linux/hisi_acc_qm.h'],
    callees: /^(?:hisi_qm_\w+|hisi_\w+_get_pf_driver)$/,
  },
  { id: 'pds_core', title: 'AMD/Pensando pds_core driver', headers: ['linux/pds/'], callees: /^(?:pdsc_|pds_client_)/ },
  {
    id: 'virtio_pci',
    title: 'virtio-pci driver (admin virtqueue of the owner device)',
    headers: ['linux/virtio_pci_admin.h'],
    callees: /^virtio_pci_admin_/,
  },
  { id: 'qat', title: 'Intel QAT PF driver', headers: ['linux/qat/'], callees: /^qat_vfmig_/ },
];

/** Helpers that reach the SR-IOV PF from a VF: every use is a parent interaction. */
export const PF_LOOKUPS: ReadonlySet<string> = new Set(['pci_iov_get_pf_drvdata', 'pci_physfn']);

/** First underscore-separated token of a name: `xe_sriov_vfio` -> `xe`. */
function firstToken(name: string): string {
  return name.replace(/^_+/, '').split('_')[0];
}

export interface ParentHeader {
  /** The include path as written. */
  include: string;
  /** The parent driver it belongs to. */
  parent: string;
  /** Name prefixes that mark its API when the header cannot be read. */
  prefixes: string[];
  /** Include-path prefix of the header family: other headers it pulls in from here are followed. */
  family: string;
}

/**
 * Decides whether an `#include <...>` names another driver's header, and which.
 * Returns undefined for kernel-core headers.
 */
export function parentHeaderFor(include: string): ParentHeader | undefined {
  const known = KNOWN_PARENTS.find((p) => p.headers.some((h) => (h.endsWith('/') ? include.startsWith(h) : include === h)));
  const segments = include.split('/');
  if (known) {
    // Follow includes only inside a parent's own header directory, never all of include/linux.
    const family = known.headers.find((h) => h.endsWith('/') && include.startsWith(h)) ?? '';
    return { include, parent: known.id, prefixes: [], family };
  }
  if (segments.length < 3) return undefined; // `linux/foo.h`, `net/foo.h`: kernel core or a subsystem
  const [top, sub] = segments;
  if (top === 'linux' ? GENERIC_LINUX_SUBDIRS.has(sub) : GENERIC_TOPS.has(top)) return undefined;
  const base = headerBase(include);
  const token = firstToken(base);
  const prefixes = new Set(basePrefixes(base));
  if (!GENERIC_TOKENS.has(sub)) prefixes.add(sub + '_');
  const parent = top === 'linux' || token.length < 2 || GENERIC_TOKENS.has(token) ? sub : token;
  return { include, parent, prefixes: [...prefixes], family: segments.slice(0, -1).join('/') + '/' };
}

/** A relative include that leaves the driver's directory: another driver's private header. */
export function parentHeaderForRelative(include: string, resolvedDirName: string): ParentHeader {
  return { include, parent: resolvedDirName, prefixes: basePrefixes(headerBase(include)), family: '' };
}

function headerBase(include: string): string {
  return include.split('/').pop()!.replace(/\.h$/, '');
}

/** `xe_sriov_vfio` -> `xe_sriov_vfio_`, `xe_`: the names a header's API is likely to carry. */
function basePrefixes(base: string): string[] {
  const token = firstToken(base);
  return token.length >= 2 && !GENERIC_TOKENS.has(token) && token !== base ? [base + '_', token + '_'] : [base + '_'];
}

/** `__mlx5_bit_sz` is as much mlx5's as `mlx5_bit_sz`: leading underscores do not change the owner. */
export function apiName(callee: string): string {
  return callee.replace(/^_+/, '');
}

export function knownParentOf(callee: string): KnownParent | undefined {
  const name = apiName(callee);
  return KNOWN_PARENTS.find((p) => p.callees.test(name));
}

const GENERIC = new Set(GENERIC_PREFIXES);

/**
 * Whether the name, leading underscores aside, starts with a generic prefix
 * ending at `_` or at its end. Set lookups at each `_`: the equivalent regex of
 * 230 alternatives cost ~1.5 ms of a cold check to compile and warm up.
 */
export function isGenericKernelApi(callee: string): boolean {
  let from = 0;
  while (callee.charCodeAt(from) === 0x5f /* _ */) from++;
  for (let i = callee.indexOf('_', from + 1); ; i = callee.indexOf('_', i + 1)) {
    const end = i < 0 ? callee.length : i;
    if (GENERIC.has(callee.slice(from, end))) return true;
    if (i < 0) return false;
  }
}

export function isAllCapsMacro(name: string): boolean {
  return /^[A-Z0-9_]+$/.test(name) && /[A-Z]/.test(name);
}

/** Glob (`*`, `?`) or `/regex/` from user settings to a RegExp matching whole names. */
export function namePattern(pattern: string): RegExp {
  const re = /^\/(.*)\/$/.exec(pattern);
  if (re) return new RegExp(re[1]);
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '\\w*')
    .replace(/\?/g, '\\w');
  return new RegExp(`^${body}$`);
}
