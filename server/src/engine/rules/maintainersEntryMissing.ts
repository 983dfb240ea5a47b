import type { Rule } from './rule';

/** The driver directory sits in a kernel tree but no MAINTAINERS entry names it. */
export const maintainersEntryMissing: Rule = {
  meta: {
    id: 'maintainers-entry-missing',
    kind: 'driver',
    defaultSeverity: 'warning',
    description:
      'A variant driver needs a MAINTAINERS entry of its own (an F: pattern for its directory), so that patches reach its maintainers.',
    docs: 'docs/rules/maintainers-entry-missing.md',
    fixable: true,
  },
  check(item) {
    if (item.kind !== 'driver' || item.topic !== 'maintainers' || item.documented) return undefined;
    const covering = item.covering.filter((m) => m.depth > 0).map((m) => m.entry.title);
    const only = covering.length ? ` (only ${covering.slice(0, 3).join(', ')}${covering.length > 3 ? ', ...' : ''} cover it)` : '';
    return (
      `${item.relDir}/ has no MAINTAINERS entry of its own${only}: add one with an F: pattern for the ` +
      'directory, so that get_maintainer.pl sends patches to the people who maintain this driver.'
    );
  },
};
