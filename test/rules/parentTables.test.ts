/** parent-call-undocumented on tables of parent functions and calls through them (model/parentTables.ts). */
import { ruleTester, VFIO_PRELUDE as P, type InvalidCase } from '../support/ruleTester';

/** Per-call findings (`parentCallFindings: "call"`): each entry and each call through a table at its own place. */
function perCall(cases: InvalidCase[]): InvalidCase[] {
  return cases.map((c) => ({ ...c, settings: { parentCallFindings: 'call', ...(c.settings as object | undefined) } }));
}

const ACME = `${P}#include <linux/acme/acme_vfmig.h>\n`;
const OPS = 'struct acme_ops {\n\tint (*pause)(void *pf, int vf);\n\tstruct {\n\t\tint (*load)(void *pf, int vf);\n\t} ggtt, fw;\n};\n';
const TABLE =
  'static const struct acme_ops acme_ops_real = {\n\t.pause = acme_vfmig_pause,\n\t.ggtt.load = acme_vfmig_ggtt_load,\n\t.fw = {\n\t\t.load = acme_vfmig_fw_load,\n\t},\n};\n';
const DOC = '/* Parent calls: PF-checked vf, no user data. */\n';

ruleTester('parent-call-undocumented', {
  valid: [
    {
      name: 'a documented table, and documented calls through it',
      files: {
        'main.c': `${ACME}${OPS}${DOC}${TABLE}static int f(struct acme_vdev *v, int vf)\n{\n\t/* Quiesce on the PF. */\n\treturn v->ops->pause(v->pf, vf);\n}\nstatic void probe(struct acme_vdev *v)\n{\n\t/* Wire the PF table. */\n\tv->ops = &acme_ops_real;\n}\n`,
      },
    },
    {
      name: "a mock table of the driver's own functions is not a parent interaction, nor calls through it",
      files: {
        'main.c': `${ACME}${OPS}static int mock_pause(void *pf, int vf)\n{\n\treturn 0;\n}\nstatic const struct acme_ops acme_ops_mock = {\n\t.pause = mock_pause,\n};\nstatic int f(struct acme_vdev *v, int vf)\n{\n\tv->ops = &acme_ops_mock;\n\treturn v->ops->pause(v->pf, vf);\n}\n`,
      },
    },
    {
      name: 'a member call on something that never holds a table',
      files: {
        'main.c': `${ACME}${OPS}${DOC}${TABLE}static int f(struct other *o)\n{\n\treturn o->ops->pause(o, 1);\n}\n`,
      },
    },
    {
      name: 'a mock table named so is a unit test stand-in, even filled with functions defined elsewhere',
      files: {
        'main.c': `${ACME}${OPS}#include "acme.h"\nstatic const struct acme_ops acme_ops_mock = {\n\t.pause = acme_test_pause,\n};\n`,
        'acme.h': 'int acme_test_pause(void *pf, int vf);\n',
      },
    },
    {
      name: 'a unit test that points the field at the mock table calls the mock, not the parent',
      files: {
        'main.c': `${ACME}${OPS}${DOC}${TABLE}static int mock_pause(void *pf, int vf)\n{\n\treturn 0;\n}\nstatic const struct acme_ops acme_ops_mock = {\n\t.pause = mock_pause,\n};\nstatic void probe(struct acme_vdev *v)\n{\n\tv->ops = &acme_ops_real;\n}\nstatic int test_pause(struct acme_vdev *v)\n{\n\tv->ops = &acme_ops_mock;\n\treturn v->ops->pause(v->pf, 1);\n}\n`,
      },
    },
    {
      name: "the function's doc comment names the member called",
      files: {
        'main.c': `${ACME}${OPS}${DOC}${TABLE}/* f() - quiesce: ops->pause() on the PF, vf checked there. */\nstatic int f(struct acme_vdev *v, int vf)\n{\n\tv->ops = &acme_ops_real;\n\treturn v->ops->pause(v->pf, vf);\n}\n`,
      },
    },
  ],
  invalid: perCall([
    {
      name: 'each entry of an undocumented table, nested members too; the fix comments the entry',
      files: { 'main.c': `${ACME}${OPS}${TABLE}` },
      errors: [
        { line: 11, name: 'acme_vfmig_pause', parent: 'acme', message: /in \.pause of table acme_ops_real/ },
        { line: 12, name: 'acme_vfmig_ggtt_load', parent: 'acme' },
        { line: 14, name: 'acme_vfmig_fw_load', parent: 'acme' },
      ],
      output:
        `${ACME}${OPS}static const struct acme_ops acme_ops_real = {\n` +
        '\t/*\n\t * Parent calls (acme): acme_vfmig_pause().\n\t * Request: TODO: what is asked of acme, and for which device.\n' +
        '\t * User input: TODO: which userspace-controlled values reach the parent,\n\t *   and how they are validated.\n' +
        '\t * Scope: TODO: why the effect stays within the assigned device.\n\t */\n' +
        '\t.pause = acme_vfmig_pause,\n\t.ggtt.load = acme_vfmig_ggtt_load,\n\t.fw = {\n\t\t.load = acme_vfmig_fw_load,\n\t},\n};\n',
    },
    {
      name: 'calls through the table, via a struct field, a local sub-table and a branch',
      files: {
        'main.c': `${ACME}${OPS}${DOC}${TABLE}static void probe(struct acme_vdev *v)\n{\n\tv->ops = &acme_ops_real;\n}\nstatic int f(struct acme_vdev *v, int vf, bool fw)\n{\n\tconst struct acme_sub *sub;\n\n\tv->ops->pause(v->pf, vf);\n\tsub = &v->ops->ggtt;\n\tsub->load(v->pf, vf);\n\tif (fw)\n\t\tsub = &v->ops->fw;\n\treturn sub->load(v->pf, vf);\n}\n`,
      },
      errors: [
        { line: 26, name: 'acme_vfmig_pause', message: /through v->ops->pause\(\)/ },
        { line: 28, name: 'acme_vfmig_ggtt_load' },
        { line: 31, name: 'acme_vfmig_ggtt_load' },
        { line: 31, name: 'acme_vfmig_fw_load' },
      ],
    },
    {
      name: 'a global pointer to the table, a member pointing at another table, an array of sub-tables',
      files: {
        'main.c':
          `${ACME}struct sub { int (*load)(void *pf, int vf); };\nstruct top { int (*pause)(void *pf, int vf); const struct sub *ggtt; };\n${DOC}` +
          'static const struct sub acme_ggtt = {\n\t.load = acme_vfmig_ggtt_load,\n};\n' +
          `${DOC}static const struct top acme_top = {\n\t.pause = acme_vfmig_pause,\n\t.ggtt = &acme_ggtt,\n};\n` +
          'static const struct top *pf_ops = &acme_top;\n' +
          'static int f(void *pf, int vf)\n{\n\tconst struct sub *subs[] = { pf_ops->ggtt };\n\n\tpf_ops->pause(pf, vf);\n\treturn subs[0]->load(pf, vf);\n}\n',
      },
      errors: [
        { line: 20, name: 'acme_vfmig_pause' },
        { line: 21, name: 'acme_vfmig_ggtt_load' },
      ],
    },
    {
      name: "a header stub for a parent function configured out is not the driver's own function",
      file: 'main.c',
      files: {
        'main.c': `${P}#include "pf.h"\nstruct ops { int (*pause)(void *pf); };\n${DOC}static const struct ops tbl = {\n\t.pause = wpf_pause,\n};\nstatic int f(struct vd *v)\n{\n\tv->ops = &tbl;\n\treturn v->ops->pause(v->pf);\n}\n`,
        'pf.h':
          '#ifndef PF_H\n#define PF_H\n#if IS_ENABLED(CONFIG_WPF)\nint wpf_pause(void *pf);\n#else\nstatic inline int wpf_pause(void *pf)\n{\n\treturn -ENODEV;\n}\n#endif\n#endif\n',
      },
      errors: [{ line: 12, name: 'wpf_pause' }],
    },
    {
      name: "a typedef'd table",
      files: {
        'main.c': `${ACME}typedef struct acme_ops acme_ops_t;\nstatic const acme_ops_t acme_tbl = {\n\t.pause = &acme_vfmig_pause,\n};\n`,
      },
      errors: [{ line: 6, name: 'acme_vfmig_pause', parent: 'acme' }],
    },
    {
      name: 'pdev->physfn is a PF lookup',
      files: {
        'main.c': `${ACME}static int f(struct pci_dev *pdev)\n{\n\tstruct pci_dev *pf = pdev->physfn;\n\n\treturn acme_vfmig_attach(pf);\n}\n`,
      },
      errors: [
        { line: 6, name: 'physfn', parent: 'acme' },
        { line: 8, name: 'acme_vfmig_attach', parent: 'acme' },
      ],
    },
  ]),
});
