import { fixableText, suppressionFix } from '../fixes/edits';
import type { DriverModel } from '../model/driver';
import type { SourceFile } from '../model/sourceFile';
import { CHAIN_TO_CORE, DEVICE_OPS, FALLBACK_PCI_OPS_MEMBERS, VFIO_H, VFIO_PCI_SOURCE } from '../tables/vfioOps';
import type { Rule } from './rule';

interface Data {
  kind: 'missing' | 'chain';
  members: string[];
  source: 'kernel' | 'builtin';
  core?: string[];
}

/** `.member = value` designators of the initializer `{ ... }` that starts at or after `from` in `code`. */
function designators(code: string, from: number): string[] {
  const open = code.indexOf('{', from);
  if (open < 0) return [];
  let depth = 0;
  let end = code.length;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) {
      end = i;
      break;
    }
  }
  return [...code.slice(open, end).matchAll(/(?:^|[{,\s])\.\s*([A-Za-z_]\w*)\s*=/g)].map((m) => m[1]);
}

const referenceCache = new WeakMap<DriverModel, { members: string[]; source: 'kernel' | 'builtin' }>();

/** The members vfio-pci's own vfio_pci_ops sets in the driver's kernel tree (only those its vfio.h declares), or the table. */
function referenceMembers(model: DriverModel): { members: string[]; source: 'kernel' | 'builtin' } {
  let ref = referenceCache.get(model);
  if (ref) return ref;
  const text = model.kernel?.read(VFIO_PCI_SOURCE);
  const at = text ? new RegExp(`struct\\s+${DEVICE_OPS}\\s+vfio_pci_ops\\s*=`).exec(text) : null;
  if (text && at) {
    let members = designators(text, at.index);
    const header = model.kernel?.read(VFIO_H);
    const decl = header ? new RegExp(`struct\\s+${DEVICE_OPS}\\s*\\{([\\s\\S]*?)\\n\\};`).exec(header) : null;
    if (decl) members = members.filter((m) => new RegExp(`\\b${m}\\b`).test(decl[1]));
    ref = { members, source: 'kernel' };
  } else ref = { members: [...FALLBACK_PCI_OPS_MEMBERS], source: 'builtin' };
  referenceCache.set(model, ref);
  return ref;
}

/** Whether `fnName` calls one of `targets`, directly or through the driver's own functions (a few levels deep). */
function chains(model: DriverModel, fnName: string, targets: readonly string[], depth = 0, seen = new Set<string>()): boolean {
  if (targets.includes(fnName)) return true;
  if (depth > 4 || seen.has(fnName)) return false;
  seen.add(fnName);
  for (const file of model.files) {
    if (!file.facts.functions.some((f) => f.name === fnName)) continue;
    for (const c of file.facts.calls) {
      if (c.fn !== fnName) continue;
      if (targets.includes(c.callee) || chains(model, c.callee, targets, depth + 1, seen)) return true;
    }
    return false;
  }
  return false;
}

function definedInDriver(model: DriverModel, name: string): boolean {
  return model.files.some((f) => f.facts.functions.some((fn) => fn.name === name));
}

/** A variant driver's vfio_device_ops misses what vfio-pci core's own ops set, or does not chain to core. */
export const opsIncomplete: Rule = {
  meta: {
    id: 'ops-incomplete',
    type: 'problem',
    defaultSeverity: 'warning',
    description:
      "A variant driver's vfio_device_ops must set every member vfio-pci's own ops set in the same kernel tree (iommufd attach/detach, match, request, ...), and custom init/release/open_device/close_device must chain to vfio_pci_core.",
    docs: 'docs/rules/ops-incomplete.md',
    fixable: false,
  },
  create(context) {
    const model = context.model;
    for (const file of model.files) {
      for (const ops of file.facts.opsInits) {
        if (ops.structType !== DEVICE_OPS) continue;
        const ref = referenceMembers(model);
        const start = file.lines.lineStart(ops.line);
        const present = new Set(designators(file.parsed.code, start));
        const missing = ref.members.filter((m) => !present.has(m));
        const at = { file, line: ops.line, column: ops.column, name: ops.variable };
        if (missing.length) {
          const from =
            ref.source === 'kernel'
              ? `vfio_pci_ops in this tree's ${VFIO_PCI_SOURCE}`
              : 'vfio_pci_ops (built-in Linux 6.12 list: no kernel tree found)';
          context.report({
            ...at,
            message:
              `${ops.variable} does not set ${missing.map((m) => `.${m}`).join(', ')}, which ${from} sets: the vfio core then ` +
              'refuses or mishandles those operations for this device (variant ops must provide what vfio-pci core needs).',
            data: { kind: 'missing', members: missing, source: ref.source } satisfies Data,
          });
        }
        for (const m of ops.members) {
          const core = CHAIN_TO_CORE[m.member];
          if (!core || !definedInDriver(model, m.fn) || chains(model, m.fn, core)) continue;
          context.report({
            file,
            line: m.line,
            column: m.column,
            name: m.fn,
            message:
              `${m.fn}() implements .${m.member} of ${ops.variable} but never calls ${core.join('() or ')}(), so vfio-pci core's ` +
              `own ${m.member} work is skipped (a variant driver's .${m.member} must chain to vfio_pci_core).`,
            data: { kind: 'chain', members: [m.member], source: 'builtin', core: [...core] } satisfies Data,
          });
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file: SourceFile | undefined = model.files.find((f) => f.path === finding.path);
    if (!file || !fixableText(file)) return [];
    return [suppressionFix(file, this.meta.id, finding.anchorLine, finding.name)];
  },
  explain(finding) {
    const data = finding.data as Data | undefined;
    if (data?.kind === 'chain') {
      return (
        `**.${data.members[0]} does not chain to vfio-pci core**\n\nvfio-pci core keeps per-device state (config space ` +
        'emulation, interrupts, reset, the VGA/IGD quirks, the iommufd binding) that its own callbacks set up and tear down. ' +
        `A custom \`.${data.members[0]}\` must call \`${data.core?.join('()` or `')}()\` (directly or through a helper), or that ` +
        'state leaks or is never initialised.'
      );
    }
    return (
      '**vfio_device_ops incomplete**\n\nThe vfio core calls these members for every vfio-pci device: without ' +
      '`.bind_iommufd`/`.attach_ioas`/`.detach_ioas` the device cannot be used through iommufd (or detach fails), without ' +
      '`.match` VF-token matching breaks, without `.request` the device cannot be asked back from userspace. The list is ' +
      `read from the kernel tree's \`${VFIO_PCI_SOURCE}\` (\`vfio_pci_ops\`) so it follows the kernel version` +
      (data?.source === 'builtin' ? '; no kernel tree was found, so a built-in Linux 6.12 list was used.' : '.')
    );
  },
};
