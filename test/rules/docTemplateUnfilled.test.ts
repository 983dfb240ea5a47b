import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  handlerDoc,
  overviewDoc,
  parentFunctionDoc,
  parentStatementComment,
  suppressionComment,
} from '../../server/src/engine/fixes/templates';
import type { FunctionFact } from '../../server/src/engine/model/facts';
import { TEMPLATE_PROMPTS } from '../../server/src/engine/rules/docTemplateUnfilled';
import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

const MLX5 = `${P}#include <linux/mlx5/driver.h>\n`;

ruleTester('doc-template-unfilled', {
  valid: [
    {
      name: 'an answered template',
      files: {
        'main.c': `${MLX5}/**\n * f() - query the VF state size\n * @m: the PF core device\n *\n * Request: the VF's state size, for this VF only.\n */\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n`,
      },
    },
    {
      name: "an author's own TODO, even one shaped like ours",
      files: {
        'main.c': `${P}/* TODO: handle PRE_COPY once the firmware supports it. */\n/* TODO: describe why we retry. TODO: what is asked of nobody */\nstatic int f(void)\n{\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'prompts in a directory that is not a variant driver',
      files: { 'main.c': '/**\n * f() - TODO: summarize what this function does\n */\nstatic int f(void)\n{\n\treturn 0;\n}\n' },
    },
    {
      name: 'a suppression with a reason prompt above the comment',
      files: {
        'main.c': `${P}/* vfio-variant: ignore doc-template-unfilled -- answered in the cover letter */\n/**\n * f() - TODO: summarize what this function does\n */\nstatic int f(void)\n{\n\treturn 0;\n}\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'prompts of a parent-call template, one finding each at its line, wrapped prompts included',
      files: {
        'main.c': `${MLX5}static int f(void *m)\n{\n\t/*\n\t * Parent calls (mlx5_core): mlx5_cmd_exec().\n\t * Request: TODO: what is asked of mlx5_core, and for which device.\n\t * User input: TODO: which userspace-controlled values reach the parent, and\n\t *   how they are validated.\n\t * Scope: the VF's own state only.\n\t */\n\treturn mlx5_cmd_exec(m);\n}\n`,
      },
      errors: [
        { line: 8, name: 'TODO', message: /what is asked of the parent/ },
        { line: 9, name: 'TODO', message: /userspace values/ },
      ],
      output: null,
    },
    {
      name: 'handler kernel-doc: summary, parameter, acceptance question and return prompts',
      files: {
        'main.c': `${P}/**\n * f() - TODO: summarize what this function does\n * @vdev: TODO: describe vdev.\n *\n * State composition: TODO: how the device state is composed when saved and\n *   consumed when resumed.\n *\n * Return: TODO: describe the return value.\n */\nstatic int f(struct vfio_device *vdev)\n{\n\treturn 0;\n}\n`,
      },
      errors: [
        { line: 4, name: 'TODO', message: /summary/ },
        { line: 5, name: 'TODO', message: /parameter/ },
        { line: 7, name: 'TODO', message: /state composition/ },
        { line: 10, name: 'TODO', message: /return value/ },
      ],
      output: null,
    },
    {
      name: "a suppression's unanswered reason",
      files: {
        'main.c': `${MLX5}static int f(void *m)\n{\n\t/* vfio-variant: ignore parent-call-undocumented -- TODO: why no review note is needed here */\n\treturn mlx5_cmd_exec(m);\n}\n`,
      },
      errors: [{ line: 6, name: 'TODO', message: /reason for the suppression/ }],
      output: null,
    },
  ],
});

describe('doc-template-unfilled knows every prompt we write', () => {
  const fold = (s: string) => s.replace(/\$\{\d+:|\}/g, '').replace(/\s*\n\s*\*?\s*/g, ' ');
  const unrecognised = (text: string) => {
    const folded = fold(text);
    const out: string[] = [];
    for (let i = folded.indexOf('TODO:'); i >= 0; i = folded.indexOf('TODO:', i + 1)) {
      const rest = folded.slice(i);
      if (!TEMPLATE_PROMPTS.some((p) => new RegExp(`^(?:${p.pattern.source})`).test(rest))) out.push(rest.slice(0, 60));
    }
    return out;
  };
  it('every TODO: prompt of the snippets', () => {
    const snippets = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../snippets/kernel-doc.code-snippets'), 'utf8'));
    const bodies = Object.values(snippets as Record<string, { body: string[] }>).map((s) => s.body.join('\n'));
    assert.ok(bodies.length > 3);
    assert.deepEqual(bodies.flatMap(unrecognised), []);
  });
  it('every TODO: prompt of the quick-fix templates', () => {
    const fn = { name: 'f', params: [{ name: 'vdev' }], variadic: true, returnsValue: true } as unknown as FunctionFact;
    const wiring = [{ ops: 'vfio_migration_ops', member: 'migration_set_state', variable: 'ops' }];
    const parents = [{ parent: 'mlx5_core', callees: ['mlx5_cmd_exec'] }];
    const texts = [
      handlerDoc(fn, wiring, parents, '\t'),
      parentFunctionDoc(fn, parents, ''),
      parentStatementComment(parents, '\t\t'),
      overviewDoc('acme', 'acme_mig_ops'),
      suppressionComment('parent-call-undocumented', ''),
    ].map((lines) => lines.join('\n'));
    assert.deepEqual(texts.flatMap(unrecognised), []);
    assert.ok(texts.every((t) => t.includes('TODO:')));
  });
});
