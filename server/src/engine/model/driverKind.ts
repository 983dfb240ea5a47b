/**
 * Whether a directory is a vfio-pci variant driver, decided from its files' text
 * before anything is parsed.
 */

/**
 * Whether `text` defines function `name`: a line `type ... name(params) {`, as
 * /^[A-Za-z_][\w \t*]*\bname\s*\([^;{)]*\)\s*\{/m would say, checked only at the
 * places the name occurs (that regex tried every line: a third of an edit's time).
 */
function definesFunction(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    let lineStart = i;
    while (lineStart > 0 && !LINE_BREAK.test(text[lineStart - 1])) lineStart--;
    if (i === lineStart || !DEFINITION_HEAD.test(text.slice(lineStart, i))) continue;
    DEFINITION_TAIL.lastIndex = i + name.length;
    if (DEFINITION_TAIL.test(text)) return true;
  }
  return false;
}
const LINE_BREAK = /[\n\r\u2028\u2029]/;
/** What precedes the name on its line: a type, ending in a non-word character. */
const DEFINITION_HEAD = /^[A-Za-z_][\w \t*]*[ \t*]$/;
const DEFINITION_TAIL = /\s*\([^;{)]*\)\s*\{/y;
const USES_PCI_CORE = /#\s*include\s*<linux\/vfio_pci_core\.h>|\bvfio_pci_core_\w+\s*\(/;

export interface DriverKind {
  ok: boolean;
  reason: string;
}

/**
 * A vfio-pci variant driver builds on vfio-pci core and is not vfio-pci core or
 * vfio core itself. Decided on the text alone, before anything is parsed, so a
 * directory that cannot matter costs a few regex scans.
 */
/** What one file says about the kind of its directory; cheap to cache per file version. */
export interface SourceTraits {
  definesPciCore: boolean;
  definesVfioCore: boolean;
  usesPciCore: boolean;
}

export function sourceTraits(text: string): SourceTraits {
  return {
    definesPciCore: definesFunction(text, 'vfio_pci_core_register_device'),
    definesVfioCore: definesFunction(text, 'vfio_register_group_dev'),
    // Both spellings contain the literal: a native search rules most files out before the regex runs.
    usesPciCore: text.includes('vfio_pci_core') && USES_PCI_CORE.test(text),
  };
}

export function classifySources(
  sources: readonly { path: string; text: string }[],
  traitsOf: (s: { path: string; text: string }) => SourceTraits = (s) => sourceTraits(s.text),
): DriverKind {
  if (sources.length && sources.every((s) => s.path.endsWith('.h'))) return { ok: false, reason: 'only headers here: not a driver' };
  const traits = sources.map(traitsOf);
  if (traits.some((t) => t.definesPciCore)) return { ok: false, reason: 'this directory is vfio-pci core itself, not a variant driver' };
  if (traits.some((t) => t.definesVfioCore)) return { ok: false, reason: 'this directory is the vfio core itself, not a driver' };
  // Other vfio drivers (platform, mdev, fsl-mc, ...) are out of scope.
  if (!traits.some((t) => t.usesPciCore)) {
    return { ok: false, reason: 'not a vfio-pci variant driver (nothing here uses <linux/vfio_pci_core.h>)' };
  }
  return { ok: true, reason: 'vfio-pci variant driver' };
}
