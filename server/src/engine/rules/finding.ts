/** A finding: one rule's report at one place, with its severity and suppression settled. */
import type { ReviewItem } from '../model/driver';
import type { Severity } from './rule';

export interface RelatedLocation {
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface Finding {
  rule: string;
  /** `none` only appears when listing everything: the item is fine. */
  severity: Severity | 'none';
  message: string;
  /**
   * The review item's kind; `parent-calls` for one function's undocumented parent calls
   * (each call is also listed as its own item with --all); `code` for a finding about the code itself.
   */
  kind: ReviewItem['kind'] | 'parent-calls' | 'code';
  path: string;
  /** Version of the file the positions refer to. */
  version: number | string;
  /** 0-based, UTF-16 columns. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  name: string;
  parent?: string;
  /** A call through a table of parent functions: the table member called. */
  via?: string;
  role?: string;
  roles?: string[];
  ops?: string;
  /** Items: documented. Code findings: always false. */
  documented: boolean;
  kernelDoc?: boolean;
  suppressed: boolean;
  related: RelatedLocation[];
  /** 0-based line a suppression comment for this finding goes above. */
  anchorLine: number;
  item?: ReviewItem;
  data?: unknown;
}

export interface FindingOptions {
  /** Also list items that break no rule (documented ones). */
  all?: boolean;
  /** Only findings located in this file. */
  path?: string;
}
