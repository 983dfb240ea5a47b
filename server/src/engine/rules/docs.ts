/**
 * What is generated from the rules' `meta`: the settings schema (one severity
 * dropdown per rule) and the rules tables of README.md and docs/rules/README.md,
 * between `<!-- rules:begin -->` and `<!-- rules:end -->` markers.
 */
import { RULES } from './registry';

const BEGIN = '<!-- rules:begin -->';
const END = '<!-- rules:end -->';
const LEVELS = ['error', 'warning', 'information', 'hint', 'off'];

export function rulesTable(linkPrefix: string): string {
  const rows = RULES.map(
    (r) =>
      `| [\`${r.meta.id}\`](${linkPrefix}${r.meta.id}.md) | ${r.meta.type}${r.meta.flow ? ' (flow)' : ''} | ${r.meta.defaultSeverity} | ${r.meta.fixable ? 'yes' : 'no'} | ${r.meta.description.replace(/\|/g, '\\|')} |`,
  );
  return ['| id | type | default | fixable | what it asks |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function between(text: string, content: string, where: string): string {
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  if (b < 0 || e < b) throw new Error(`${where}: no ${BEGIN} ... ${END} markers`);
  return `${text.slice(0, b + BEGIN.length)}\n${content}\n${text.slice(e)}`;
}

/** The `vfioVariant.rules.<id>` settings: a dropdown each, `default` keeping the rule's own severity. */
export function severitySettings(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of RULES) {
    out[`vfioVariant.rules.${r.meta.id}`] = {
      type: 'string',
      enum: ['default', ...LEVELS],
      default: 'default',
      markdownDescription: `${r.meta.description} Default: \`${r.meta.defaultSeverity}\`. See \`${r.meta.docs}\`.`,
    };
  }
  return out;
}

/** New texts of package.json, README.md and docs/rules/README.md, given their current texts. */
export function renderRuleTables(packageJson: string, readme: string, rulesReadme: string): Record<string, string> {
  const pkg = JSON.parse(packageJson);
  type Section = { id?: string; title: string; order?: number; properties: Record<string, unknown> };
  const config = pkg.contributes.configuration;
  const sections: Section[] = Array.isArray(config) ? config : [config];
  for (const sec of sections) {
    const severity = sec.properties['vfioVariant.severity'] as { properties?: Record<string, unknown> } | undefined;
    if (severity) {
      severity.properties = Object.fromEntries(
        RULES.map((r) => [
          r.meta.id,
          {
            type: 'string',
            enum: LEVELS,
            default: r.meta.defaultSeverity,
            description: `${r.meta.description} Default: ${r.meta.defaultSeverity}.`,
          },
        ]),
      );
    }
  }
  // The settings page's "Rules" section, one dropdown per rule: generated whole.
  const rulesSection: Section = { id: 'vfioVariant.rules', title: 'Rules', order: 3, properties: severitySettings() };
  const kept = sections.filter((sec) => sec.id !== rulesSection.id);
  pkg.contributes.configuration = [...kept, rulesSection];
  return {
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    'README.md': between(readme, rulesTable('docs/rules/'), 'README.md'),
    'docs/rules/README.md': between(rulesReadme, rulesTable(''), 'docs/rules/README.md'),
  };
}
