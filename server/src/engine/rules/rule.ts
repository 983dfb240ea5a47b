/** What every rule module exports: ESLint-style metadata plus a check over review items. */
import type { ReviewItem } from '../model/driver';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface RuleMeta {
  id: string;
  /** Which review items the rule looks at. */
  kind: ReviewItem['kind'];
  defaultSeverity: Severity;
  description: string;
  /** Path of the rule's page, relative to the repository root. */
  docs: string;
  fixable: boolean;
}

export interface Rule {
  meta: RuleMeta;
  /** A message when the item breaks the rule, else undefined. */
  check(item: ReviewItem): string | undefined;
}
