/**
 * The contributed snippets: valid JSON, valid kernel-doc once their defaults are
 * accepted, the same acceptance questions as the quick fixes, and a variant
 * driver skeleton that parses cleanly and that the checker itself accepts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { createSourceFile } from '../../server/src/engine/model/sourceFile';
import { handlerDoc, overviewDoc, parentFunctionDoc, parentStatementComment } from '../../server/src/engine/fixes/templates';
import type { FunctionFact } from '../../server/src/engine/model/facts';
import { checkJson, runCli } from '../support/cli';
import { kernelDocWarnings, REPO } from '../support/kernel';
import { expandSnippet } from './expand';

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description: string;
}

const FILE = path.join(REPO, 'snippets', 'kernel-doc.code-snippets');
// JSONC, as VS Code reads snippet files: trailing commas allowed.
const snippets = JSON.parse(fs.readFileSync(FILE, 'utf8').replace(/,(\s*[\]}])/g, '$1')) as Record<string, Snippet>;
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

const byPrefix = (p: string): string => {
  const entry = Object.values(snippets).find((s) => ([] as string[]).concat(s.prefix).includes(p));
  assert.ok(entry, `no snippet with prefix ${p}`);
  return expandSnippet(entry.body).text;
};

/** Comment text as logical lines: leaders stripped, wrapped continuations ("  more") joined. */
function logicalLines(comment: string): string[] {
  const out: string[] = [];
  for (const raw of comment.split('\n')) {
    const l = raw.replace(/^\s*\/\*\*?\s?|\s*\*\/\s*$/g, '').replace(/^\s*\* ?/, '');
    if (/^ {2}\S/.test(l) && out.length) out[out.length - 1] += ` ${l.trim()}`;
    else out.push(l.trimEnd());
  }
  return out.filter((l) => l.trim() !== '');
}

/** The question lines a template asks ("Label: TODO: ..."), with the names this test used filled in. */
const questions = (lines: string[]) => logicalLines(lines.join('\n')).filter((l) => /TODO:/.test(l) && !l.startsWith('@'));

function fn(name: string, params: string[], returnsValue = true): FunctionFact {
  return {
    name,
    nameStart: 0,
    nameLine: 0,
    nameColumn: 0,
    start: 0,
    startLine: 0,
    end: 0,
    endLine: 0,
    params: params.map((p) => ({ name: p })),
    variadic: false,
    returnsValue,
    locals: new Set(),
  };
}

/** A C definition matching the kernel-doc name line and @params, so kernel-doc can cross-check them. */
function definitionFor(comment: string): string {
  const name = /^\s*\*\s+(\w+)\(\)\s+-/m.exec(comment)?.[1];
  if (!name) return '';
  const params = [...comment.matchAll(/^\s*\*\s+@(\w+):/gm)].map((m) => `long ${m[1]}`);
  return `int ${name}(${params.join(', ') || 'void'})\n{\n\treturn 0;\n}\n`;
}

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-snip-'));
  const f = path.join(dir, name);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

describe('snippets/kernel-doc.code-snippets', () => {
  it('is valid JSON, contributed for C, and every entry has a prefix, a body and a description', () => {
    assert.ok(
      manifest.contributes.snippets.some(
        (s: { language: string; path: string }) => s.language === 'c' && path.resolve(REPO, s.path) === FILE,
      ),
    );
    assert.ok(Object.keys(snippets).length >= 5);
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(
        ([] as string[]).concat(s.prefix).every((p) => /^[a-z][\w-]+$/.test(p)),
        name,
      );
      assert.ok(Array.isArray(s.body) && s.body.length > 2, name);
      assert.ok(s.description.length > 20, name);
      const { stops } = expandSnippet(s.body);
      assert.ok(stops.size >= 1, `${name} has tab stops`);
    }
  });

  it('expander: defaults, choices, mirrors and nested mirrors', () => {
    const e = expandSnippet(['${1:acme}_${2|x,y|} $1 ${3:of $1} \\$4 $0']);
    assert.equal(e.text, 'acme_x acme of acme $4 ');
    assert.throws(() => expandSnippet('$TM_FILENAME'));
  });

  for (const [name, s] of Object.entries(snippets)) {
    it(`${name}: kernel-doc -none -Wall is silent on the instantiated body`, () => {
      const text = expandSnippet(s.body).text;
      assert.doesNotMatch(text, /\$\{?\d/);
      // A plain statement comment goes inside a function; a doc comment above a matching definition.
      const source = text.startsWith('/*\n')
        ? `void f(void)\n{\n${text.replace(/^/gm, '\t')}\n\tg();\n}\n`
        : `${text}\n${definitionFor(text)}`;
      const f = tmpFile('snippet.c', source);
      assert.equal(kernelDocWarnings(f), '', source);
    });
  }

  it('ask exactly what the quick fixes ask (wording from server/src/engine/templates.ts)', () => {
    const contains = (snippet: string, expected: string[]) => {
      const have = new Set(logicalLines(snippet));
      for (const q of expected) assert.ok(have.has(q), `missing ${JSON.stringify(q)} in\n${snippet}`);
    };
    const handler = handlerDoc(
      fn('function_name', ['vdev', 'new_state']),
      [{ ops: 'vfio_migration_ops', member: 'migration_set_state', variable: '' }],
      [],
      '',
    );
    const handlerQs = questions(handler);
    assert.ok(handlerQs.length >= 5, handlerQs.join('\n'));
    contains(byPrefix('kdoc-migration-handler'), [
      ...handlerQs,
      ...logicalLines(handler.join('\n')).filter((l) => /^(function_name\(\)|@|Wired as)/.test(l)),
    ]);
    // The skeleton's set_state handler asks what the quick fix asks; the DOC: overview the four migration questions.
    contains(byPrefix('vfio-variant-driver'), handlerQs);
    contains(byPrefix('kdoc-doc-migration'), questions(overviewDoc('driver', 'ops')));
    // Templates per role: read/write and release ask their own questions.
    const roleQs = (member: string, params: string[]) =>
      questions(handlerDoc(fn('function_name', params), [{ ops: 'file_operations', member, variable: '' }], [], ''));
    contains(byPrefix('kdoc-migration-read'), roleQs('read', ['filp', 'buf', 'len', 'pos']));
    contains(byPrefix('kdoc-migration-release'), roleQs('release', ['inode', 'filp']));

    const parents = [{ parent: 'parent', callees: ['parent_function'] }];
    contains(byPrefix('kdoc-parent-function'), logicalLines(parentFunctionDoc(fn('function_name', ['vdev']), parents, '').join('\n')));
    contains(byPrefix('vfio-parent-call-comment'), logicalLines(parentStatementComment(parents, '').join('\n')));
  });

  it('the driver skeleton parses without ERROR nodes, and the checker finds its handlers documented', () => {
    const text = byPrefix('vfio-variant-driver');
    for (const needle of [
      '.driver_managed_dma = true',
      'struct vfio_device_ops',
      'vfio_pci_core_ioctl',
      'struct vfio_migration_ops',
      'struct vfio_log_ops',
    ]) {
      assert.ok(text.includes(needle), needle);
    }
    const tree = createSourceFile('main.c', text, 1).parsed.tree;
    const errors = tree.rootNode.descendantsOfType('ERROR');
    assert.equal(errors.length, 0, errors.map((e) => `${e.startPosition.row + 1}: ${e.text.slice(0, 60)}`).join('\n'));
    assert.equal(tree.rootNode.hasError, false);

    const file = tmpFile('drivers/vfio/pci/acme/main.c', text);
    assert.equal(kernelDocWarnings(file), '');
    const root = path.resolve(path.dirname(file), '../../../..');
    const all = checkJson(['--all', 'drivers/vfio/pci/acme'], root);
    const handlers = all.filter((f) => f.kind === 'migration-handler');
    assert.deepEqual(handlers.map((h) => h.name).sort(), [
      'acme_vf_get_data_size',
      'acme_vf_get_device_state',
      'acme_vf_log_read_and_clear',
      'acme_vf_log_start',
      'acme_vf_log_stop',
      'acme_vf_set_device_state',
    ]);
    assert.ok(
      handlers.every((h) => h.documented && h.severity === 'none'),
      JSON.stringify(handlers),
    );
    // Nothing is left but the skeleton's own prompts, which doc-template-unfilled asks the author to answer.
    const left = runCli(['check', '--format', 'json', 'drivers/vfio/pci/acme'], root);
    assert.equal(left.status, 1);
    const rules = new Set((JSON.parse(left.stdout).findings as { rule: string }[]).map((f) => f.rule));
    assert.deepEqual([...rules], ['doc-template-unfilled']);
  });
});
