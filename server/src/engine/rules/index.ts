/** Rules: the registry, the runner and the types a rule module uses. */
export { RULES, ruleById } from './registry';
export { RuleRunner, type RunOptions } from './run';
export type { FixContext, Report, Rule, RuleContext, RuleMeta, Severity } from './rule';
export type { Finding, FindingOptions, RelatedLocation } from './finding';
