/** Who must look: the maintainers, reviewers and lists of a set of entries. */
import type { FileSystemHost } from '../host';
import { MaintainersFile } from './file';
import { parsePeople } from './lines';
import { entriesFor } from './matching';
import { type MailingList, type MaintainersEntry, PENGUIN_CHIEF, type Person } from './types';

export interface Recipients {
  /** Maintainers and reviewers, deduplicated by name or address like get_maintainer.pl. */
  people: { person: Person; role: 'maintainer' | 'reviewer'; entry: string }[];
  lists: { list: MailingList; entry: string }[];
}

/**
 * What `get_maintainer.pl --nogit --nogit-fallback` prints for these files:
 * M: and R: people of each covering entry in order, then mailing lists
 * (subscribers-only lists and the chief penguin left out, as it does).
 */
export function recipientsFor(mf: MaintainersFile, files: string[], host: FileSystemHost): Recipients {
  const acc = newRecipients();
  for (const f of files) for (const m of entriesFor(mf, f, host)) addEntry(acc, m.entry);
  return acc.out;
}

export function newRecipients() {
  const names = new Set<string>();
  const addresses = new Set<string>();
  const listSeen = new Set<string>();
  const out: Recipients = { people: [], lists: [] };
  return { names, addresses, listSeen, out };
}

export function addEntry(acc: ReturnType<typeof newRecipients>, entry: MaintainersEntry, only?: 'maintainer' | 'reviewer'): void {
  for (const field of entry.fields) {
    if ((field.type === 'M' || field.type === 'R') && (!only || only === (field.type === 'M' ? 'maintainer' : 'reviewer'))) {
      for (const person of parsePeople(field.value)) {
        const name = person.name.toLowerCase();
        const address = person.address.toLowerCase();
        if (address === PENGUIN_CHIEF) continue;
        if ((name && acc.names.has(name)) || acc.addresses.has(address)) continue;
        if (name) acc.names.add(name);
        acc.addresses.add(address);
        acc.out.people.push({ person, role: field.type === 'M' ? 'maintainer' : 'reviewer', entry: entry.title });
      }
    } else if (field.type === 'L' && !only) {
      const lm = /^(\S+)\s*(.*)$/.exec(field.value);
      if (!lm || /subscribers-only/.test(lm[2]) || acc.listSeen.has(lm[1].toLowerCase())) continue;
      acc.listSeen.add(lm[1].toLowerCase());
      acc.out.lists.push({ list: { address: lm[1], note: lm[2] }, entry: entry.title });
    }
  }
}
