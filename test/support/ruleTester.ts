/**
 * ESLint-style rule tester: each rule module gets valid and invalid cases. A case
 * is a small driver (file name -> C text) analysed in memory. For invalid cases
 * the tester also applies the preferred quick fix and checks the finding is gone,
 * so every rule's fix is exercised.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits, normalizeSettings, ruleById, Workspace, type Finding } from '../../server/src/engine';
import { memoryHost, MEM_ROOT } from './memoryHost';

export interface RuleCase {
  name: string;
  files: Record<string, string>;
  /** The file whose findings are checked (default: the first one). */
  file?: string;
  settings?: unknown;
}

export interface InvalidCase extends RuleCase {
  /** Expected findings of this rule in `file`: 1-based line and the name reported. */
  errors: { line: number; name: string; message?: RegExp; parent?: string }[];
  /**
   * ESLint's `output`: the whole text of `file` after the preferred quick fix of the
   * first error. `null`: the rule offers no preferred fix for this case.
   */
  output?: string | null;
}

/** Prelude that makes a directory a vfio variant driver. */
export const VFIO_PRELUDE = '#include <linux/vfio_pci_core.h>\n#include <linux/anon_inodes.h>\n';

function analyse(c: RuleCase): { ws: Workspace; file: string; findings: Finding[] } {
  const ws = new Workspace(memoryHost(c.files), normalizeSettings(c.settings));
  const file = path.resolve(MEM_ROOT, c.file ?? Object.keys(c.files)[0]);
  return { ws, file, findings: ws.findings(file).findings };
}

export function ruleTester(ruleId: string, cases: { valid: RuleCase[]; invalid: InvalidCase[] }): void {
  const rule = ruleById(ruleId);
  describe(`rule ${ruleId}`, () => {
    it('has complete metadata', () => {
      assert.ok(rule, `rule ${ruleId} is registered`);
      assert.equal(rule.meta.id, ruleId);
      assert.match(rule.meta.docs, new RegExp(`docs/rules/${ruleId}\\.md$`));
      assert.ok(rule.meta.description.length > 20);
      assert.ok(['error', 'warning', 'information', 'hint'].includes(rule.meta.defaultSeverity));
    });
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const { findings } = analyse(c);
        assert.deepEqual(
          findings.filter((f) => f.rule === ruleId).map((f) => `${f.line + 1}:${f.name}`),
          [],
        );
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const { ws, file, findings } = analyse(c);
        const mine = findings.filter((f) => f.rule === ruleId);
        assert.deepEqual(
          mine.map((f) => `${f.line + 1}:${f.name}`),
          c.errors.map((e) => `${e.line}:${e.name}`),
        );
        c.errors.forEach((e, i) => {
          if (e.message) assert.match(mine[i].message, e.message);
          if (e.parent) assert.equal(mine[i].parent, e.parent);
          assert.equal(mine[i].severity, rule!.meta.defaultSeverity);
        });
        if (!rule!.meta.fixable || c.output === null) {
          assert.equal(
            ws.fixes(file, mine[0]).find((f) => f.preferred),
            undefined,
            'no preferred fix expected',
          );
          return;
        }
        // The preferred fix resolves the finding it was offered for, and nothing new appears.
        const target = mine[0];
        const fix = ws.fixes(file, target).find((f) => f.preferred);
        assert.ok(fix, 'a preferred quick fix is offered');
        if (c.output !== undefined) {
          const doc = ws.driverFor(file).model.files.find((f) => f.path === file)!;
          assert.equal(
            applyEdits(
              doc.text,
              fix.edits.filter((e) => e.path === file),
            ),
            c.output,
            'fixed text (output)',
          );
        }
        let after: Finding[];
        if (fix.edits.every((e) => e.path === file)) {
          const doc = ws.driverFor(file).model.files.find((f) => f.path === file)!;
          const fixed = applyEdits(doc.text, fix.edits);
          ws.openDocument(file, fixed, 2);
          after = ws.findings(file).findings.filter((f) => f.rule === ruleId);
        } else {
          // The fix edits another file (MAINTAINERS): apply it there and look again from disk.
          const files = { ...c.files };
          for (const name of Object.keys(files)) {
            const edits = fix.edits.filter((e) => e.path === path.resolve(MEM_ROOT, name));
            if (edits.length) files[name] = applyEdits(files[name], edits);
          }
          after = analyse({ ...c, files }).findings.filter((f) => f.rule === ruleId);
        }
        assert.equal(
          after.length,
          mine.length - countResolved(mine, target),
          `findings after fix:\n${after.map((f) => f.message).join('\n')}`,
        );
      });
    }
  });
}

/** A statement fix resolves every finding of that statement; count those sharing the target's line. */
function countResolved(mine: Finding[], target: Finding): number {
  const anchor = (f: Finding) => (f.item?.kind === 'parent-call' ? f.item.context.anchorLines[0] : undefined);
  if (anchor(target) === undefined) return 1;
  return mine.filter((f) => anchor(f) === anchor(target)).length;
}
