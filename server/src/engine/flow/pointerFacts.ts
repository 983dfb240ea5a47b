/**
 * Pointer facts as the pointer analysis (pointers.ts) keeps them: one string per fact
 * about a place, the state per flow node, the driver environment it runs in, and the
 * parsing of a fact back into its parts.
 */
/**
 * A fact about a place, as a string (cheap to join and compare):
 * `alloc:<family>:<allocator>:<line>`, `ref:<release>:<acquirer>:<line>`,
 * `maybe-err:<api>:<line>`, `is-err`, `freed:<free>:<line>`, `null`.
 */
export type PtrFact = string;
export type PtrState = ReadonlyMap<string, ReadonlySet<PtrFact>>;

export interface PointerEnv {
  /** Functions whose result is ERR_PTR() on failure, never NULL: kernel APIs and the driver's own. */
  errPtrFunctions: ReadonlySet<string>;
}

export interface ParsedFact {
  kind: 'alloc' | 'ref' | 'maybe-err' | 'is-err' | 'freed' | 'null';
  /** alloc: the family; ref: the release. */
  detail?: string;
  /** The call that produced the fact. */
  callee?: string;
  /** 0-based line of that call. */
  line?: number;
}

export function parseFact(f: PtrFact): ParsedFact {
  const parts = f.split(':');
  switch (parts[0]) {
    case 'alloc':
    case 'ref':
      return { kind: parts[0], detail: parts[1], callee: parts[2], line: Number(parts[3]) };
    case 'maybe-err':
    case 'freed':
      return { kind: parts[0], callee: parts[1], line: Number(parts[2]) };
    default:
      return { kind: parts[0] as ParsedFact['kind'] };
  }
}

export function factsOf(state: PtrState | undefined, place: string, kind: ParsedFact['kind']): ParsedFact[] {
  const set = state?.get(place);
  if (!set) return [];
  const out: ParsedFact[] = [];
  for (const f of set) if (f === kind || f.startsWith(`${kind}:`)) out.push(parseFact(f));
  return out;
}
