/** Who must look: MAINTAINERS entries for the driver, the acceptance reviewers, vfio, and each parent's owners. */
import * as path from 'path';
import type { DriverModel } from '../model/driver';
import type { FileSystemHost } from '../host';
import {
  ACCEPTANCE_DOC,
  acceptanceEntry,
  addEntry,
  entriesForFiles,
  entryByTitle,
  newRecipients,
  treeRelative,
  VFIO_ENTRY,
  type EntryMatch,
  type MaintainersEntry,
  type MaintainersFile,
} from '../maintainers/maintainers';
import { getMaintainerLines, linesForEntries, parentOwnerLines, parentOwnersOf, renderCc } from '../maintainers/getMaintainer';
import type { ReportEntry, ReportMaintainers, ReportParent } from './model';
import { declaringHeaders } from './parents';

function reportEntry(e: MaintainersEntry, match?: EntryMatch): ReportEntry {
  return {
    title: e.title.trim(),
    line: e.line + 1,
    status: e.status,
    maintainers: e.maintainers,
    reviewers: e.reviewers,
    lists: e.lists.filter((l) => !/subscribers-only/.test(l.note)).map((l) => l.address),
    ...(match ? { pattern: match.pattern, depth: match.depth } : {}),
  };
}

const THE_REST = 'THE REST';

// ------------------------------------------------------------ who must look

export function whoMustLook(
  model: DriverModel,
  parents: ReportParent[],
  mf: MaintainersFile | undefined,
  root: string | undefined,
  inTree: boolean,
  host: FileSystemHost,
): ReportMaintainers {
  const out: ReportMaintainers = {
    found: !!mf,
    inTree,
    notes: [],
    driverEntries: [],
    parents,
    cc: [],
    toCc: [],
    ccLines: { files: [], parents: [] },
  };
  if (!mf || !root) {
    out.notes.push(
      'MAINTAINERS was not found: the driver is not inside a kernel tree (no directory above it holds MAINTAINERS ' +
        'and include/linux/), and no --kernel-tree was given. Run the report inside a kernel tree, or pass --kernel-tree, ' +
        'to learn who must review and ack the driver.',
    );
    return out;
  }
  out.path = mf.path;
  const acceptance = acceptanceEntry(mf);
  const vfio = entryByTitle(mf, VFIO_ENTRY);
  if (acceptance) out.acceptance = reportEntry(acceptance);
  else out.notes.push(`No MAINTAINERS entry has P: ${ACCEPTANCE_DOC}; the acceptance reviewers cannot be named.`);
  if (vfio) out.vfio = reportEntry(vfio);
  else out.notes.push(`MAINTAINERS has no "${VFIO_ENTRY}" entry; the vfio maintainer cannot be named.`);

  const driverFiles = inTree ? model.files.map((f) => treeRelative(root, f.path)) : [];
  const recipients = newRecipients();
  if (inTree) {
    const matches = entriesForFiles(mf, driverFiles, host);
    out.driverEntries = matches.filter((m) => m.entry.title.trim() !== THE_REST).map((m) => reportEntry(m.entry, m));
    const relDir = treeRelative(root, model.dir);
    const own = matches.find((m) => m.via === 'F' && isOwnPattern(m.pattern, relDir));
    if (own) out.ownEntry = reportEntry(own.entry, own);
    else
      out.notes.push(
        `No MAINTAINERS entry of its own covers ${relDir}/ (no F: pattern for the directory); ` +
          'add one (the maintainers-entry-missing quick fix inserts a template).',
      );
    if (!out.driverEntries.length) out.notes.push(`No MAINTAINERS entry covers ${relDir}/ at all.`);
    for (const f of driverFiles) for (const m of entriesForRecipients(mf, f, host)) addEntry(recipients, m);
  } else {
    out.notes.push(
      `The driver is outside the kernel tree ${root}: no MAINTAINERS entry can cover it yet. ` +
        "The acceptance reviewers, the vfio maintainer and the parents' maintainers below come from that tree.",
    );
    if (acceptance) addEntry(recipients, acceptance);
    if (vfio) addEntry(recipients, vfio);
  }

  const driverEntryTitles = new Set(out.driverEntries.map((e) => e.title));
  for (const p of parents) {
    declaringHeaders(model, p, root, host);
    if (!p.headers.length) {
      p.note = 'no header in the tree declares these callees, so no MAINTAINERS entry can be matched to them';
      continue;
    }
    const matches = entriesForFiles(mf, p.headers, host).filter((m) => m.entry.title.trim() !== THE_REST);
    p.entries = matches.map((m) => reportEntry(m.entry, m));
    const acks = newRecipients();
    for (const m of matches) addEntry(acks, m.entry, 'maintainer');
    p.ackFrom = acks.out.people.map((x) => x.person);
    for (const h of p.headers) for (const m of entriesForRecipients(mf, h, host)) addEntry(recipients, m);
    if (!matches.length) {
      p.note =
        `no MAINTAINERS entry covers ${p.headers.join(', ')} (only THE REST), so get_maintainer.pl names nobody for it; ` +
        'ask the maintainers of the driver that exports these functions';
      p.probable = probableOwners(mf, p, driverEntryTitles).map((e) => reportEntry(e));
    }
  }
  out.cc = [...recipients.out.people.map((x) => `Cc: ${x.person.text}`), ...recipients.out.lists.map((x) => `Cc: ${x.list.address}`)];
  out.ccLines = ccLinesOf(model, parents, mf, root, inTree, host, [acceptance, vfio]);
  out.toCc = renderCc(out.ccLines.files, out.ccLines.parents);
  return out;
}

/** The driver directory's files, tree-relative, as `get_maintainer.pl -f drivers/vfio/pci/<vendor>/*` takes them. */
export function driverDirFiles(dir: string, root: string, host: FileSystemHost): string[] {
  return (host.readDir(dir) ?? [])
    .filter((n) => host.stat(path.join(dir, n))?.isFile)
    .sort()
    .map((n) => treeRelative(root, path.join(dir, n)));
}

function ccLinesOf(
  model: DriverModel,
  parents: ReportParent[],
  mf: MaintainersFile,
  root: string,
  inTree: boolean,
  host: FileSystemHost,
  outOfTree: (MaintainersEntry | undefined)[],
): ReportMaintainers['ccLines'] {
  const files = inTree
    ? getMaintainerLines(mf, driverDirFiles(model.dir, root, host), host)
    : linesForEntries(outOfTree.filter((e): e is MaintainersEntry => !!e));
  return { files, parents: parentOwnerLines(parentOwnersOf(mf, parents)) };
}

/** Entries in get_maintainer.pl's order for one file, THE REST included (its list is in its output). */
function entriesForRecipients(mf: MaintainersFile, file: string, host: FileSystemHost): MaintainersEntry[] {
  return entriesForFiles(mf, [file], host).map((m) => m.entry);
}

function isOwnPattern(pattern: string, relDir: string): boolean {
  const literal = pattern.trim().split(/[*?[]/)[0].replace(/\/+$/, '');
  return literal === relDir || literal.startsWith(`${relDir}/`);
}

/**
 * When nothing but THE REST covers a parent's headers: entries with an F:
 * directory named like the header's directory (`include/linux/qat/` ->
 * `drivers/crypto/intel/qat/`). A hint, labelled as such, never a match.
 */
function probableOwners(mf: MaintainersFile, p: ReportParent, exclude: Set<string>): MaintainersEntry[] {
  const tokens = new Set<string>();
  for (const h of p.headers) {
    const segs = h.split('/');
    if (segs.length >= 4) tokens.add(segs[segs.length - 2]);
  }
  tokens.add(p.name);
  return mf.entries
    .filter(
      (e) =>
        !exclude.has(e.title.trim()) &&
        e.maintainers.length > 0 &&
        e.fields.some((f) => f.type === 'F' && f.value.startsWith('drivers/') && [...tokens].some((t) => f.value.split('/').includes(t))),
    )
    .slice(0, 3);
}
