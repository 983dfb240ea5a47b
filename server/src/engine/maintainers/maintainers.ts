/**
 * MAINTAINERS: parsing and matching a file path to entries with the rules of
 * scripts/get_maintainer.pl, so that "who must look" agrees with the tool
 * reviewers run themselves:
 *
 *  - an entry is a title line followed by `X:` type lines (blank and `#` lines
 *    are skipped, as get_maintainer.pl's reader does);
 *  - `F:`/`X:` values become regexes the way get_maintainer.pl converts them
 *    (`.` literal, `*` -> `.*`, `?` -> `.`), anchored at the start only; a value
 *    without a trailing `/` must also have as many `/` as the path (so globs do
 *    not reach into subdirectories), one with a trailing `/` matches everything
 *    below; a value naming an existing directory gets the `/` appended;
 *  - `X:` matching the path excludes the whole entry; `N:` is a regex (Perl /x)
 *    matched anywhere in the path;
 *  - entries are ordered by pattern depth (number of `/`, +1 when the value does
 *    not end in `/`, -1 when it starts with `*`), deepest first; `N:` counts 0.
 *
 * The text is read as far as a question needs (MaintainersFile): a check
 * reads a few hundred of its ~25,000 lines.
 *
 * Plain TypeScript: the MAINTAINERS text and directory checks come through the host.
 *
 * The code lives beside this file: types.ts (what the engine sees), lines.ts
 * (readers of MAINTAINERS lines), patterns.ts (F:/X:/N: values as regexes),
 * file.ts (the text and its entries), matching.ts (a file's entries),
 * recipients.ts (who must look) and loading.ts (finding MAINTAINERS in a tree).
 */
export { ACCEPTANCE_DOC, VFIO_ENTRY } from './types';
export type { EntryMatch, MailingList, MaintainersEntry, MaintainersLine, Person } from './types';
export { parsePeople } from './lines';
export { MaintainersFile, parseMaintainers } from './file';
export { acceptanceEntry, entriesFor, entriesForFiles, entryByTitle, insertionLine, ownEntries } from './matching';
export { addEntry, newRecipients, recipientsFor, type Recipients } from './recipients';
export { MaintainersIndex, treeRelative, type MaintainersLocation } from './loading';
