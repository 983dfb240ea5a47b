import { fixableText, insertLines, quickFix, suppressionFix } from '../fixes/edits';
import type { SourceFile } from '../model/sourceFile';
import type { Rule } from './rule';

const PCI_DRIVER = 'pci_driver';

interface Data {
  member: 'driver_managed_dma' | 'err_handler';
  /** Where the member line goes (above the initializer's closing brace), and its indent; absent: no safe fix. */
  insertAbove?: number;
  indent?: string;
}

const LINES: Record<Data['member'], string> = {
  driver_managed_dma: '.driver_managed_dma = true,',
  err_handler: '.err_handler = &vfio_pci_core_err_handlers,',
};

/** The `{ ... }` initializer starting at or after `from` in `code`: its text and the offset of its closing brace. */
function initializer(code: string, from: number): { body: string; close: number } | undefined {
  const open = code.indexOf('{', from);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return { body: code.slice(open + 1, i), close: i };
  }
  return undefined;
}

/** A variant driver's struct pci_driver without `.driver_managed_dma = true` or an `.err_handler`. */
export const pciDriverIncomplete: Rule = {
  meta: {
    id: 'pci-driver-incomplete',
    type: 'problem',
    defaultSeverity: 'warning',
    description:
      "A vfio-pci variant driver's struct pci_driver must set .driver_managed_dma = true and an .err_handler (vfio_pci_core_err_handlers or the driver's own).",
    docs: 'docs/rules/pci-driver-incomplete.md',
    fixable: true,
  },
  create(context) {
    for (const file of context.model.files) {
      for (const drv of file.facts.opsInits) {
        if (drv.structType !== PCI_DRIVER) continue;
        const init = initializer(file.parsed.code, file.lines.lineStart(drv.line));
        if (!init) continue;
        const dma = /\.\s*driver_managed_dma\s*=\s*([^,}]+)/.exec(init.body);
        const closeLine = file.lines.positionAt(init.close).line;
        const firstMember = /\n([ \t]*)\./.exec(init.body);
        const indent = firstMember?.[1] ?? '\t';
        const simple = file.lines.lineText(closeLine).trim().startsWith('}');
        const fix = simple ? { insertAbove: closeLine, indent } : {};
        const at = { file, line: drv.line, column: drv.column, name: drv.variable };
        if (!dma || !/^(?:true|1)$/.test(dma[1].trim())) {
          context.report({
            ...at,
            message:
              `${drv.variable} does not set .driver_managed_dma = true, so the PCI core lets the kernel's DMA API own the ` +
              "device's IOMMU domain and vfio cannot attach it safely (a vfio-pci driver manages DMA for userspace itself).",
            data: { member: 'driver_managed_dma', ...(dma ? {} : fix) } satisfies Data,
          });
        }
        if (!/\.\s*err_handler\s*=/.test(init.body)) {
          context.report({
            ...at,
            message:
              `${drv.variable} has no .err_handler, so AER errors on the device are not reported to userspace through ` +
              "vfio's error eventfd and recovery is refused (vfio-pci drivers use vfio_pci_core_err_handlers or wrap it).",
            data: { member: 'err_handler', ...fix } satisfies Data,
          });
        }
      }
    }
  },
  fixes(finding, { model }) {
    const file: SourceFile | undefined = model.files.find((f) => f.path === finding.path);
    const data = finding.data as Data | undefined;
    if (!file || !data || !fixableText(file)) return [];
    const fixes = [];
    if (data.insertAbove !== undefined) {
      fixes.push(
        quickFix(
          file,
          `Add ${LINES[data.member]} to ${finding.name}`,
          [insertLines(file, data.insertAbove, [`${data.indent ?? '\t'}${LINES[data.member]}`])],
          true,
        ),
      );
    }
    fixes.push(suppressionFix(file, this.meta.id, finding.anchorLine, finding.name));
    return fixes;
  },
  explain(finding) {
    const data = finding.data as Data | undefined;
    return data?.member === 'err_handler'
      ? '**No PCI error handler**\n\nWithout `.err_handler`, PCI AER recovery of the device cannot notify the VMM (vfio-pci ' +
          "core signals the user's error eventfd from `vfio_pci_core_aer_err_detected()`); use `&vfio_pci_core_err_handlers` " +
          'or a wrapper that calls it.'
      : '**driver_managed_dma not set**\n\nA driver that hands the device to userspace manages its DMA itself; ' +
          '`.driver_managed_dma = true` tells the driver core not to claim the default DMA domain for it, so the vfio/iommufd ' +
          'ownership checks see the device as user-owned. Without it binding fails or the IOMMU isolation assumptions break.';
  },
};
