/**
 * The rule registry is the single source: the settings schema, the README tables and
 * the docs pages follow it, in both directions.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { normalizeSettings, RULES } from '../../server/src/engine';
import { renderRuleTables } from '../../server/src/engine/rules/docs';

const REPO = path.resolve(__dirname, '..', '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(REPO, rel), 'utf8');

describe('rules and what is generated from them', () => {
  it('package.json, README.md and docs/rules/README.md are up to date (npm run rules:sync)', () => {
    const want = renderRuleTables(read('package.json'), read('README.md'), read('docs/rules/README.md'));
    for (const [rel, text] of Object.entries(want)) assert.equal(read(rel), text, `${rel} is out of date: run npm run rules:sync`);
  });

  it('every rule has its docs page, and every docs page belongs to a rule', () => {
    for (const r of RULES) {
      assert.match(r.meta.docs, new RegExp(`^docs/rules/${r.meta.id}\\.md$`));
      assert.ok(fs.existsSync(path.join(REPO, r.meta.docs)), `${r.meta.docs} missing`);
      assert.match(read(r.meta.docs), new RegExp(`^# ${r.meta.id}\\n`), `${r.meta.docs} starts with its id`);
    }
    const ids = new Set(RULES.map((r) => r.meta.id));
    for (const page of fs.readdirSync(path.join(REPO, 'docs/rules')).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
      assert.ok(ids.has(page.replace(/\.md$/, '')), `docs/rules/${page} belongs to no rule`);
    }
  });

  it('each rule id is unique and has a test module', () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) {
      const camel = id.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
      assert.ok(fs.existsSync(path.join(REPO, 'test/rules', `${camel}.test.ts`)), `test/rules/${camel}.test.ts missing`);
    }
  });

  it('a settings page dropdown per rule, and its value reaches the rule', () => {
    const sections = JSON.parse(read('package.json')).contributes.configuration as { properties: Record<string, { enum: string[] }> }[];
    const props = Object.assign({}, ...sections.map((sec) => sec.properties));
    for (const r of RULES) {
      const p = props[`vfioVariant.rules.${r.meta.id}`];
      assert.deepEqual(p.enum, ['default', 'error', 'warning', 'information', 'hint', 'off']);
    }
    const s = normalizeSettings({ rules: { 'parent-call-undocumented': 'error', 'doc-template-unfilled': 'default' } });
    assert.equal(s.severity['parent-call-undocumented'], 'error');
    assert.equal(s.severity['doc-template-unfilled'], undefined);
  });
});
