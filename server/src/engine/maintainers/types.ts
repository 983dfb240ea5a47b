/** What MAINTAINERS holds, as the rest of the engine sees it: entries, people, lists, matches. */
export const ACCEPTANCE_DOC = 'Documentation/driver-api/vfio-pci-device-specific-driver-acceptance.rst';
export const VFIO_ENTRY = 'VFIO DRIVER';
/** get_maintainer.pl drops the chief penguin unless asked (--git-chief-penguins). */
export const PENGUIN_CHIEF = 'torvalds@linux-foundation.org';

export interface MaintainersLine {
  type: string;
  value: string;
  /** 0-based line in MAINTAINERS. */
  line: number;
}

export interface Person {
  name: string;
  address: string;
  /** As written in MAINTAINERS: `Name <address>`. */
  text: string;
}

export interface MailingList {
  address: string;
  /** `(moderated for non-subscribers)`, `(subscribers-only)`, ... */
  note: string;
}

export interface MaintainersEntry {
  title: string;
  /** 0-based line of the title. */
  line: number;
  /** 0-based line of the entry's last type line. */
  endLine: number;
  fields: MaintainersLine[];
  maintainers: Person[];
  reviewers: Person[];
  lists: MailingList[];
  status: string;
  profiles: string[];
}

export interface EntryMatch {
  entry: MaintainersEntry;
  /** get_maintainer.pl's pattern depth: higher is more specific. */
  depth: number;
  /** The F: or N: value that matched (the last one, as get_maintainer.pl keeps). */
  pattern: string;
  via: 'F' | 'N';
}
