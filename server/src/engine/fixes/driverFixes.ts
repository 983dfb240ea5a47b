/**
 * Quick fixes of the driver-level rules: a template entry in MAINTAINERS (an edit
 * to another file than the diagnostic's, shown afterwards) and a `DOC:` overview
 * above the vfio_migration_ops struct.
 */
import * as path from 'path';
import type { DriverModel } from '../model/driver';
import { declarationStart, type MaintainersItem, type OverviewItem } from '../model/driverChecks';
import type { TextEdit } from './edits';
import { entryByTitle, VFIO_ENTRY } from '../maintainers/maintainers';
import { commentsAbove, insertionPoint } from '../model/sourceFile';
import { ACCEPTANCE_PROMPTS, overviewDoc } from './templates';

/** The lines of a new MAINTAINERS entry for the driver directory. */
export function maintainersTemplate(item: MaintainersItem): string[] {
  const vfio = entryByTitle(item.maintainers, VFIO_ENTRY);
  const lists = vfio?.lists.length ? vfio.lists.map((l) => l.address) : ['kvm@vger.kernel.org'];
  return [
    item.suggestedTitle,
    'M:\tTODO Your Name <you@example.com>',
    ...lists.map((l) => `L:\t${l}`),
    'S:\tMaintained',
    `F:\t${item.relDir}/`,
  ];
}

export function maintainersEdit(item: MaintainersItem): { edit: TextEdit; line: number } {
  const mf = item.maintainers;
  const line = Math.min(item.insertLine, mf.lineStarts.length - 1);
  const offset = mf.lineStarts[line];
  // Before an entry's title: the entry, then the blank line that separates entries.
  const atEnd = line >= mf.lineStarts.length - 1 && offset >= mf.text.length;
  const lines = maintainersTemplate(item);
  const newText = atEnd ? mf.eol + lines.join(mf.eol) + mf.eol : lines.join(mf.eol) + mf.eol + mf.eol;
  return { edit: { path: mf.path, offset, length: 0, newText, at: { line, character: 0 } }, line: atEnd ? line + 1 : line };
}

/** The line the `DOC:` block goes above: the ops declaration, above any comments already on it. */
function overviewLine(item: OverviewItem): number {
  const start = declarationStart(item.file, item.line);
  const above = commentsAbove(item.file, start);
  return above.length ? above[above.length - 1].startLine : start;
}

export function overviewEdit(model: DriverModel, item: OverviewItem): TextEdit {
  const file = item.file;
  const line = overviewLine(item);
  const missing = item.docBlockCount
    ? ACCEPTANCE_PROMPTS.filter((q) => item.questions.find((r) => r.id === q.id)?.state === 'missing')
    : ACCEPTANCE_PROMPTS;
  const lines = [...overviewDoc(path.basename(model.dir), item.opsVariable, missing), ''];
  return { path: file.path, offset: insertionPoint(file, line), length: 0, newText: lines.join(file.lines.eol) + file.lines.eol };
}
