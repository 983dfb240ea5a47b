import { ruleTester, VFIO_PRELUDE as P, type InvalidCase } from '../support/ruleTester';

const MLX5 = `${P}#include <linux/mlx5/driver.h>\n`;

/** The per-call mode (`parentCallFindings: "call"`): one finding at each call site. */
function perCall(cases: InvalidCase[]): InvalidCase[] {
  return cases.map((c) => ({ ...c, settings: { parentCallFindings: 'call', ...(c.settings as object | undefined) } }));
}

ruleTester('parent-call-undocumented', {
  valid: [
    {
      name: 'comment directly above the statement',
      files: {
        'main.c': `${MLX5}static int f(struct mlx5_core_dev *mdev)\n{\n\t/* Ask the PF for this VF's state size. */\n\treturn mlx5_cmd_exec(mdev);\n}\n`,
      },
    },
    {
      name: 'comment above the enclosing if documents calls in its body',
      files: {
        'main.c': `${MLX5}static void f(void *m, int x)\n{\n\t/* Tear down the PF-side tracker. */\n\tif (x)\n\t\tmlx5_core_destroy_mkey(m, x);\n}\n`,
      },
    },
    {
      name: 'call in an if condition, comment above the if',
      files: {
        'main.c': `${MLX5}static int f(void *m)\n{\n\t// PF firmware query, VF-scoped.\n\tif (mlx5_cmd_exec(m))\n\t\treturn -1;\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'call in a declaration initializer spanning lines',
      files: {
        'main.c': `${MLX5}static int f(struct pci_dev *pdev)\n{\n\t/* Borrow the PF core device. */\n\tstruct mlx5_core_dev *mdev =\n\t\tmlx5_vf_get_core_dev(pdev);\n\treturn !mdev;\n}\n`,
      },
    },
    {
      name: "the enclosing function's doc comment names the callee",
      files: {
        'main.c': `${MLX5}/**\n * f() - query\n * @m: dev\n *\n * Uses mlx5_cmd_exec() on the PF.\n */\nstatic int f(void *m)\n{\n\tint ret;\n\n\tret = mlx5_cmd_exec(m);\n\treturn ret;\n}\n`,
      },
    },
    {
      name: 'functions defined in the driver directory are not parent calls, even with a parent-like name',
      files: {
        'main.c': `${MLX5}#include "cmd.h"\nstatic int f(void *m)\n{\n\treturn mlx5vf_cmd_query(m) + mlx5_local_helper(m);\n}\n`,
        'cmd.c': `#include "cmd.h"\nint mlx5_local_helper(void *m)\n{\n\treturn 0;\n}\nint mlx5vf_cmd_query(void *m)\n{\n\treturn 1;\n}\n`,
      },
    },
    {
      name: 'generic kernel APIs stay generic even when given the PF device',
      files: {
        'main.c': `${P}static void f(struct pci_dev *pdev)\n{\n\t/* Map on the PF, which does the DMA. */\n\tstruct device *pf_dev = &pci_physfn(pdev)->dev;\n\n\tdma_map_single(pf_dev, NULL, 0, 0);\n\tmutex_lock(&lock);\n\tkfree(pf_dev);\n}\n`,
      },
    },
    {
      name: 'calls through function pointers and ALL-CAPS macros are skipped',
      files: {
        'main.c': `${MLX5}static int f(int (*cb)(void *), void *m)\n{\n\tint (*op)(void *) = cb;\n\n\tMLX5_SET(foo, m, x, 1);\n\treturn cb(m) + op(m);\n}\n`,
      },
    },
    {
      name: 'an inline suppression comment',
      files: {
        'main.c': `${MLX5}static int f(void *m)\n{\n\t/* vfio-variant: ignore parent-call-undocumented -- init path, reviewed in v3 */\n\treturn mlx5_cmd_exec(m);\n}\n`,
      },
    },
    {
      name: 'the ignore setting',
      files: { 'main.c': `${MLX5}static int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n` },
      settings: { ignore: ['mlx5_cmd_*'] },
    },
    {
      name: 'a directory that is not a vfio driver',
      files: { 'main.c': '#include <linux/mlx5/driver.h>\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n' },
    },
    {
      name: 'other vfio drivers (platform, mdev, fsl-mc) are not vfio-pci variant drivers',
      files: {
        'vfio_fsl_mc.c': '#include <linux/vfio.h>\n#include <linux/fsl/mc.h>\nstatic int f(void *d)\n{\n\treturn fsl_mc_obj_reset(d);\n}\n',
      },
    },
    {
      name: 'vfio-pci core itself is not a variant driver',
      files: { 'vfio_pci_core.c': `${P}int vfio_pci_core_register_device(void *v)\n{\n\treturn !pci_physfn(v);\n}\n` },
    },
    {
      name: 'calls inside #define bodies are text, not code',
      files: { 'main.c': `${MLX5}#define MAX_SZ (BIT(__mlx5_bit_sz(foo, bar)) - 1)\nstatic int f(void)\n{\n\treturn MAX_SZ;\n}\n` },
    },
  ],
  invalid: [
    ...perCall([
      {
        name: 'an undocumented call into mlx5_core',
        files: { 'main.c': `${MLX5}static int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n` },
        errors: [{ line: 6, name: 'mlx5_cmd_exec', parent: 'mlx5_core', message: /mlx5_core/ }],
      },
      {
        name: 'a blank line between comment and statement breaks the link',
        files: { 'main.c': `${MLX5}static int f(void *m)\n{\n\t/* PF query. */\n\n\treturn mlx5_cmd_exec(m);\n}\n` },
        errors: [{ line: 8, name: 'mlx5_cmd_exec' }],
      },
      {
        name: 'a trailing comment on the line above does not document the call',
        files: { 'main.c': `${MLX5}static int f(void *m)\n{\n\tint x = 0; /* not a doc */\n\treturn mlx5_cmd_exec(m) + x;\n}\n` },
        errors: [{ line: 7, name: 'mlx5_cmd_exec' }],
      },
      {
        name: 'PF lookups are parent interactions, named after the parent they reach',
        files: {
          'main.c': `${P}#include <linux/pds/pds_common.h>\nstatic int f(struct pci_dev *pdev)\n{\n\tvoid *pf = pci_physfn(pdev);\n\n\treturn pds_client_register(pf, "x");\n}\n`,
        },
        errors: [
          { line: 6, name: 'pci_physfn', parent: 'pds_core' },
          { line: 8, name: 'pds_client_register', parent: 'pds_core' },
        ],
      },
      {
        name: "a parent found from the driver's #include of another driver's header",
        files: {
          'main.c': `${P}#include <linux/acme/acme_vfmig.h>\nstatic int f(void *pf, int vf)\n{\n\tif (acme_vfmig_suspend(pf, vf))\n\t\treturn -EIO;\n\treturn acme_vfmig_resume(pf, vf);\n}\n`,
        },
        errors: [
          { line: 6, name: 'acme_vfmig_suspend', parent: 'acme' },
          { line: 8, name: 'acme_vfmig_resume', parent: 'acme' },
        ],
      },
      {
        name: 'a parent found by data flow from a PF lookup, through a struct field',
        files: {
          'main.c': `${P}static int probe(struct pci_dev *pdev, struct zvdev *z)\n{\n\tz->pf = pci_iov_get_pf_drvdata(pdev, &zeta_pf_driver);\n\treturn 0;\n}\nstatic int run(struct zvdev *z)\n{\n\treturn zpf_freeze_vf(z->pf, z->vf_id);\n}\n`,
        },
        errors: [
          { line: 5, name: 'pci_iov_get_pf_drvdata' },
          { line: 10, name: 'zpf_freeze_vf' },
        ],
      },
      {
        name: 'a prototype the driver declares but never defines belongs to a companion driver',
        file: 'main.c',
        files: {
          'main.c': `${P}#include "acme.h"\nstatic int f(void *pf)\n{\n\treturn acme_companion_freeze(pf) + acme_local(pf);\n}\nint acme_local(void *pf)\n{\n\treturn 0;\n}\n`,
          'acme.h': 'int acme_companion_freeze(void *pf);\nint acme_local(void *pf);\n',
        },
        errors: [{ line: 6, name: 'acme_companion_freeze' }],
      },
      {
        name: 'extra parents from settings',
        files: { 'main.c': `${P}static int f(void *pf)\n{\n\treturn octo_mbox_send(pf, 3);\n}\n` },
        settings: { extraParents: { octeon_ep: ['octo_mbox_*'] } },
        errors: [{ line: 5, name: 'octo_mbox_send', parent: 'octeon_ep' }],
      },
      {
        name: 'a function doc comment that does not name the callee does not document it',
        files: { 'main.c': `${MLX5}/* Does things. */\nstatic int f(void *m)\n{\n\treturn mlx5_cmd_exec(m);\n}\n` },
        errors: [{ line: 7, name: 'mlx5_cmd_exec' }],
      },
      {
        name: 'calls inside kernel loop macros and under __user annotations are found',
        files: {
          'main.c': `${MLX5}static long f(struct x *m, char __user *buf)\n{\n\tstruct y *e;\n\n\tlist_for_each_entry(e, &m->list, node) {\n\t\tmlx5_core_destroy_mkey(m->mdev, e->mkey);\n\t}\n\treturn 0;\n}\n`,
        },
        errors: [{ line: 9, name: 'mlx5_core_destroy_mkey' }],
      },
    ]),
    {
      name: 'by default, one finding per function at its name, with every call site related',
      files: {
        'main.c': `${MLX5}static int f(void *m, void *db)\n{\n\tif (mlx5_cmd_exec(m))\n\t\treturn -EIO;\n\tmlx5_db_free(m, db);\n\treturn 0;\n}\n`,
      },
      errors: [
        { line: 4, name: 'f', message: /^undocumented calls into parent driver mlx5_core in f\(\): mlx5_cmd_exec\(\), mlx5_db_free\(\)$/ },
      ],
      output: `${MLX5}/**\n * f() - TODO: summarize what this function does\n * @m: TODO: describe m.\n * @db: TODO: describe db.\n *\n * Parent calls (mlx5_core): mlx5_cmd_exec(), mlx5_db_free().\n * Request: TODO: what is asked of mlx5_core, and for which device.\n * User input: TODO: which userspace-controlled values reach the parent, and how\n *   they are validated.\n * Scope: TODO: why the effect stays within the assigned device.\n *\n * Return: TODO: describe the return value.\n */\nstatic int f(void *m, void *db)\n{\n\tif (mlx5_cmd_exec(m))\n\t\treturn -EIO;\n\tmlx5_db_free(m, db);\n\treturn 0;\n}\n`,
    },
    {
      name: 'a kernel-doc that names one callee but not the other says which it leaves out; the fix comments the statement',
      files: {
        'main.c': `${MLX5}/**\n * f() - tear down\n * @m: dev\n *\n * Asks mlx5_core to run mlx5_cmd_exec() for this VF only.\n */\nstatic void f(void *m)\n{\n\tmlx5_cmd_exec(m);\n\tmlx5_db_free(m, 0);\n}\n`,
      },
      errors: [{ line: 10, name: 'f', message: /^the kernel-doc of f\(\) does not mention mlx5_db_free\(\) \(mlx5_core\)$/ }],
      output: `${MLX5}/**\n * f() - tear down\n * @m: dev\n *\n * Asks mlx5_core to run mlx5_cmd_exec() for this VF only.\n */\nstatic void f(void *m)\n{\n\tmlx5_cmd_exec(m);\n\t/*\n\t * Parent calls (mlx5_core): mlx5_db_free().\n\t * Request: TODO: what is asked of mlx5_core, and for which device.\n\t * User input: TODO: which userspace-controlled values reach the parent,\n\t *   and how they are validated.\n\t * Scope: TODO: why the effect stays within the assigned device.\n\t */\n\tmlx5_db_free(m, 0);\n}\n`,
    },
  ],
});
