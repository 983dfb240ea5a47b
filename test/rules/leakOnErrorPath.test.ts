import { ruleTester, VFIO_PRELUDE as P } from '../support/ruleTester';

ruleTester('leak-on-error-path', {
  valid: [
    {
      name: 'freed on the early return and at the end',
      files: {
        'main.c': `${P}static int f(int n)\n{\n\tu32 *a = kcalloc(n, 4, GFP_KERNEL);\n\n\tif (!a)\n\t\treturn -ENOMEM;\n\tif (n > 8) {\n\t\tkfree(a);\n\t\treturn -EINVAL;\n\t}\n\tuse(a);\n\tkfree(a);\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'stored in a field, an out-parameter, returned',
      files: {
        'main.c': `${P}static int f(struct dev *d, int n)\n{\n\tvoid *a = kzalloc(n, GFP_KERNEL);\n\n\tif (!a)\n\t\treturn -ENOMEM;\n\td->buf = a;\n\treturn 0;\n}\nstatic int g(void **out)\n{\n\tvoid *a = vzalloc(8);\n\n\tif (!a)\n\t\treturn -ENOMEM;\n\t*out = a;\n\treturn 0;\n}\nstatic void *h(void)\n{\n\tvoid *a = kvzalloc(8, GFP_KERNEL);\n\n\treturn a;\n}\n`,
      },
    },
    {
      name: 'handed to a list or another function',
      files: {
        'main.c': `${P}static int f(struct mig *m)\n{\n\tstruct buf *b = kzalloc(sizeof(*b), GFP_KERNEL);\n\n\tif (!b)\n\t\treturn -ENOMEM;\n\tlist_add_tail(&b->node, &m->list);\n\tif (m->x)\n\t\treturn -EINVAL;\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'goto to the unwind label that frees',
      files: {
        'main.c': `${P}static int f(int n)\n{\n\tvoid *a = kzalloc(n, GFP_KERNEL);\n\tint ret;\n\n\tif (!a)\n\t\treturn -ENOMEM;\n\tret = g(n);\n\tif (ret)\n\t\tgoto out;\n\tret = h(n);\nout:\n\tkfree(a);\n\treturn ret;\n}\n`,
      },
    },
    {
      name: 'the debugfs_lookup() reference dropped with dput()',
      files: {
        'main.c': `${P}static void f(struct dentry *root, struct device *dev)\n{\n\tstruct dentry *d = debugfs_lookup("migration", root);\n\n\tdebugfs_create_devm_seqfile(dev, "data", d, show);\n\tdput(d);\n}\n`,
      },
    },
    {
      name: 'devm memory and __free() locals release themselves',
      files: {
        'main.c': `${P}static int f(struct device *dev, int n)\n{\n\tvoid *a = devm_kzalloc(dev, n, GFP_KERNEL);\n\tvoid *b __free(kfree) = kzalloc(n, GFP_KERNEL);\n\n\tif (!a || !b)\n\t\treturn -ENOMEM;\n\tif (n > 4)\n\t\treturn -EINVAL;\n\treturn 0;\n}\n`,
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'main.c': `${P}static int f(int n)\n{\n\tvoid *a = kzalloc(n, GFP_KERNEL);\n\n\tif (!a)\n\t\treturn -ENOMEM;\n\tif (n > 8)\n\t\t/* vfio-variant: ignore leak-on-error-path -- test */\n\t\treturn -EINVAL;\n\tkfree(a);\n\treturn 0;\n}\n`,
      },
    },
  ],
  invalid: [
    {
      name: 'kcalloc() leaked on an early return -EINVAL',
      files: {
        'main.c': `${P}static int f(struct dev *d, int n)\n{\n\tu32 *regions;\n\tint i;\n\n\tregions = kcalloc(n, sizeof(*regions), GFP_KERNEL);\n\tif (!regions)\n\t\treturn -ENOMEM;\n\tfor (i = 0; i < n; i++) {\n\t\tif (regions[i] > d->max) {\n\t\t\tdev_err(d->dev, "bad region %u\\n", regions[i]);\n\t\t\treturn -EINVAL;\n\t\t}\n\t}\n\tkfree(regions);\n\treturn 0;\n}\n`,
      },
      errors: [{ line: 14, name: 'regions', message: /kcalloc\(\) on line 8 .*leaks.*kfree\(\)/ }],
      output: `${P}static int f(struct dev *d, int n)\n{\n\tu32 *regions;\n\tint i;\n\n\tregions = kcalloc(n, sizeof(*regions), GFP_KERNEL);\n\tif (!regions)\n\t\treturn -ENOMEM;\n\tfor (i = 0; i < n; i++) {\n\t\tif (regions[i] > d->max) {\n\t\t\tdev_err(d->dev, "bad region %u\\n", regions[i]);\n\t\t\tkfree(regions);\n\t\t\treturn -EINVAL;\n\t\t}\n\t}\n\tkfree(regions);\n\treturn 0;\n}\n`,
    },
    {
      name: 'a debugfs_lookup() reference never dput()',
      files: {
        'main.c': `${P}static void f(struct dentry *root, struct device *dev)\n{\n\tstruct dentry *mig;\n\n\tmig = debugfs_lookup("migration", root);\n\tdebugfs_create_devm_seqfile(dev, "data", mig, show);\n\tdebugfs_create_devm_seqfile(dev, "state", mig, show);\n}\n`,
      },
      errors: [{ line: 7, name: 'mig', message: /debugfs_lookup\(\).*dput\(\)/ }],
      output: `${P}static void f(struct dentry *root, struct device *dev)\n{\n\tstruct dentry *mig;\n\n\tmig = debugfs_lookup("migration", root);\n\tdebugfs_create_devm_seqfile(dev, "data", mig, show);\n\tdebugfs_create_devm_seqfile(dev, "state", mig, show);\n\tdput(mig);\n}\n`,
    },
    {
      name: 'pci_get_domain_bus_and_slot() reference leaked on an early return',
      files: {
        'main.c': `${P}static int f(int dom, int bus, int fn)\n{\n\tstruct pci_dev *pf = pci_get_domain_bus_and_slot(dom, bus, fn);\n\n\tif (!pf)\n\t\treturn -ENODEV;\n\tif (!pf->is_physfn) return -EINVAL;\n\tpci_dev_put(pf);\n\treturn 0;\n}\n`,
      },
      errors: [{ line: 9, name: 'pf', message: /pci_dev_put\(\)/ }],
      output: null,
    },
  ],
});
