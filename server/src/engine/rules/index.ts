/** The rule registry: add a rule module here and it is checked, documented and fixable everywhere. */
import { migrationHandlerNotKernelDoc } from './migrationHandlerNotKernelDoc';
import { migrationHandlerUndocumented } from './migrationHandlerUndocumented';
import { parentCallUndocumented } from './parentCallUndocumented';
import type { Rule } from './rule';

export const RULES: readonly Rule[] = [parentCallUndocumented, migrationHandlerUndocumented, migrationHandlerNotKernelDoc];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

export type { Rule, RuleMeta, Severity } from './rule';
