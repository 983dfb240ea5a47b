/** The report's data model (what render.ts renders), and small helpers shared by its sections. */
import type { QuestionResult } from '../model/acceptance';
import type { Person } from '../maintainers/maintainers';
import type { CcLine } from '../maintainers/getMaintainer';

/** A source location: absolute path and 1-based line. */
export interface ReportLocation {
  path: string;
  line: number;
}

export interface ReportEntry {
  title: string;
  /** 1-based line of the title in MAINTAINERS. */
  line: number;
  status: string;
  maintainers: Person[];
  reviewers: Person[];
  lists: string[];
  /** The pattern that matched and its get_maintainer.pl depth (entries found by matching). */
  pattern?: string;
  depth?: number;
}

export interface ReportCall {
  at: ReportLocation;
  fn?: string;
  documented: boolean;
  suppressed: boolean;
  comment?: string;
}

export interface ReportParent {
  name: string;
  title?: string;
  callees: { name: string; header?: string; calls: ReportCall[] }[];
  /** Inlines and macros of the parent's headers the driver uses: no code of the parent runs, nothing to document. */
  helpers: { name: string; include: string; at: ReportLocation[] }[];
  total: number;
  documented: number;
  /** Tree-relative headers that declare the callees. */
  headers: string[];
  /** Entries covering those headers (THE REST left out), most specific first. */
  entries: ReportEntry[];
  /** M: people of those entries: the parent's maintainers, whose Acked-by the interaction needs. */
  ackFrom: Person[];
  /** Entries that look like the parent's by name when no entry covers its headers (not get_maintainer.pl's answer). */
  probable: ReportEntry[];
  note?: string;
}

export interface ReportHandler {
  name: string;
  at: ReportLocation;
  roles: string[];
  documented: boolean;
  kernelDoc: boolean;
  comment?: string;
}

/** What the code says about the migration handlers (model/derived.ts), ready to paste into a cover letter. */
export interface ReportDerived {
  /** Arcs of the set_state handler, each with its parent calls (`callee() (parent)`). */
  arcs: { from: string; to: string; where: string; at: ReportLocation; parentCalls: string[] }[];
  /** Per handler: the facts its kernel-doc template is pre-filled with. */
  handlers: { name: string; facts: { heading: string; text: string; items?: string[] }[] }[];
  /** The above as plain text. */
  text: string;
  /** A Mermaid state diagram of the implemented arcs. */
  mermaid: string;
}

export interface ReportOps {
  type: string;
  variable: string;
  at: ReportLocation;
  members: { member: string; handler: string }[];
}

export interface ReportQuestion {
  id: string;
  title: string;
  state: QuestionResult['state'];
  evidence: { at: ReportLocation; source: string; excerpt: string; how: 'section' | 'keywords' }[];
  prompts: { at: ReportLocation; source: string }[];
}

export interface ReportMaintainers {
  found: boolean;
  /** MAINTAINERS path, when found. */
  path?: string;
  /** The driver lies inside the tree that holds MAINTAINERS. */
  inTree: boolean;
  /** Clear text for the cases with nothing (or not everything) to say. */
  notes: string[];
  driverEntries: ReportEntry[];
  ownEntry?: ReportEntry;
  acceptance?: ReportEntry;
  vfio?: ReportEntry;
  parents: ReportParent[];
  /** `Cc: Name <address>` lines: driver recipients, then parents', then mailing lists. */
  cc: string[];
  /**
   * `vfio-variant cc`'s list (getMaintainer.ts): get_maintainer.pl's lines for the driver's
   * files with role stats, then the parents' owners, marked.
   */
  toCc: string[];
  /** The lines behind toCc: the driver's files' recipients and the parents' owners (getMaintainer.ts). */
  ccLines: { files: CcLine[]; parents: CcLine[] };
}

export interface ReportModel {
  driver: {
    name: string;
    dir: string;
    /** The directory as reviewers know it: tree-relative when in a tree. */
    displayDir: string;
    isVariantDriver: boolean;
    reason: string;
    files: { path: string; display: string; lines: number }[];
    pciDriver?: ReportLocation & { name: string };
  };
  summary: string[];
  parents: ReportParent[];
  migration: { ops: ReportOps[]; handlers: ReportHandler[]; derived: ReportDerived };
  docBlocks: { title: string; at: ReportLocation }[];
  questions: ReportQuestion[];
  maintainers: ReportMaintainers;
  /** Display path for any absolute path of this report. */
  display: Record<string, string>;
}

export const at = (p: string, line0: number): ReportLocation => ({ path: p, line: line0 + 1 });

/** First line of a comment's text, without comment markers. */
export function commentFirstLine(text: string): string {
  const body = text
    .replace(/^\/\*+|\*+\/$/g, '')
    .replace(/^\/\/+/gm, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter(Boolean);
  return body[0] ?? '';
}
