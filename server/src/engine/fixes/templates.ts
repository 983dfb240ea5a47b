/**
 * The comment templates the quick fixes insert. Handler and function templates
 * are kernel-doc (scripts/kernel-doc -Wall accepts them as inserted); comments on
 * statements are plain block comments, since kernel-doc is for declarations only.
 * The prompts are the questions of the vfio-pci variant driver acceptance document.
 */
import type { FunctionFact } from '../model/facts';

const WIDTH = 80;

const ROLE_SUMMARY: Record<string, string> = {
  migration_set_state: 'Move the device to a new migration state',
  migration_get_state: 'Report the current migration state',
  migration_get_data_size: 'Estimate the size of the migration data',
  log_start: 'Start dirty page tracking',
  log_stop: 'Stop dirty page tracking',
  log_read_and_clear: 'Report and clear dirty pages',
  read: 'Read device state from a migration data file',
  write: 'Write device state into a migration data file',
  unlocked_ioctl: 'Handle an ioctl on a migration data file',
  compat_ioctl: 'Handle a compat ioctl on a migration data file',
  release: 'Release a migration data file',
};

/**
 * The acceptance document's questions about migration data, as headings with
 * prompts. Handler kernel-doc and the driver's `DOC:` overview share them, and
 * the report (acceptance.ts) recognises an unanswered question by its prompt.
 */
export const ACCEPTANCE_PROMPTS = [
  {
    id: 'composition',
    heading: 'State composition:',
    title: 'State composition and consumption',
    prompt: 'TODO: how the device state is composed when saved and consumed when resumed.',
  },
  {
    id: 'hidden',
    heading: 'Not visible via vfio-pci:',
    title: 'Hidden from the user / managed by the PF',
    prompt: 'TODO: which portions are not otherwise available to the user through vfio-pci, and which part the PF driver manages.',
  },
  {
    id: 'parent',
    heading: 'Parent interface:',
    title: 'Interface to the parent driver',
    prompt: 'TODO: the interface to the parent (PF) driver that manages this state.',
  },
  {
    id: 'validation',
    heading: 'Validation:',
    title: 'Validation of userspace data',
    prompt: 'TODO: how data from userspace is validated before it reaches the device or the PF driver.',
  },
] as const;

export type AcceptancePrompt = (typeof ACCEPTANCE_PROMPTS)[number];

export interface HandlerRole {
  ops: string;
  member: string;
  variable: string;
}

export interface ParentCallGroup {
  parent: string;
  callees: string[];
}

/** Wraps `text` after `first` to WIDTH, continuation lines indented by two. */
function wrap(first: string, text: string, indent: string, lead: string): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line.endsWith(' ') || line === '' ? line + word : `${line} ${word}`;
    if ((indent + lead + candidate).replace(/\t/g, '        ').length > WIDTH && line.trim() !== first.trim()) {
      lines.push(line);
      line = `  ${word}`;
    } else line = candidate;
  }
  lines.push(line);
  return lines;
}

function parentLines(groups: ParentCallGroup[], indent: string, lead: string, summaries?: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const g of groups) {
    const callees = [...new Set(g.callees)];
    out.push(...wrap(`Parent calls (${g.parent}):`, callees.map((c) => `${c}()`).join(', ') + '.', indent, lead));
    // What each API does, from its kernel-doc in the kernel tree.
    for (const c of callees) {
      const s = summaries?.get(c);
      if (s) out.push(...wrap('-', safe(`${c}(): ${s}`), indent, lead));
    }
  }
  const parents = [...new Set(groups.map((g) => g.parent))].join(', ');
  out.push(...wrap('Request:', `TODO: what is asked of ${parents}, and for which device.`, indent, lead));
  out.push(...wrap('User input:', 'TODO: which userspace-controlled values reach the parent, and how they are validated.', indent, lead));
  out.push(...wrap('Scope:', 'TODO: why the effect stays within the assigned device.', indent, lead));
  return out;
}

function paramLines(fn: FunctionFact, indent: string, lead: string): string[] {
  const out = fn.params.flatMap((p) => wrap(`@${p.name}:`, `TODO: describe ${p.name}.`, indent, lead));
  if (fn.variadic) out.push('@...: TODO: describe the variable arguments.');
  return out;
}

function render(indent: string, body: string[], kernelDoc: boolean): string[] {
  return [`${indent}/*${kernelDoc ? '*' : ''}`, ...body.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)), `${indent} */`];
}

/**
 * What each role is asked beyond what the code shows: the acceptance questions that
 * fit it (by id), and role questions. A `.release` handler is not asked how the device
 * state is composed; a set_state handler is asked about its arcs.
 */
const ROLE_QUESTIONS: Record<string, { acceptance: AcceptancePrompt['id'][]; questions: [string, string][] }> = {
  migration_set_state: {
    acceptance: ['parent'],
    questions: [
      ['Arcs:', 'TODO: what the device does on each arc, and which arcs are left for vfio_mig_get_next_state() to chain.'],
      ['On failure:', 'TODO: the state the device is left in when an arc fails.'],
    ],
  },
  migration_get_state: {
    acceptance: [],
    questions: [['Reads:', 'TODO: where the current state comes from, and what keeps it consistent.']],
  },
  migration_get_data_size: {
    acceptance: [],
    questions: [['Estimate:', 'TODO: how the size is computed, and whether it can change once the device is stopped.']],
  },
  log_start: {
    acceptance: ['parent', 'validation'],
    questions: [['Tracking:', 'TODO: which IOVA ranges and page size are tracked, and the limits on them.']],
  },
  log_stop: {
    acceptance: ['parent'],
    questions: [['Tracking:', 'TODO: what tracking state is torn down, and how a concurrent report is kept out.']],
  },
  log_read_and_clear: {
    acceptance: ['validation'],
    questions: [['Tracking:', 'TODO: how the IOVA range is checked, and how the dirty bitmap is filled.']],
  },
  read: { acceptance: ['composition', 'hidden'], questions: [] },
  write: { acceptance: ['composition', 'validation'], questions: [] },
  unlocked_ioctl: {
    acceptance: ['validation'],
    questions: [['Ioctls:', 'TODO: which ioctls are handled (VFIO_MIG_GET_PRECOPY_INFO, ...), and what they report.']],
  },
  compat_ioctl: { acceptance: ['validation'], questions: [['Ioctls:', 'TODO: which ioctls are handled, and what they report.']] },
  release: {
    acceptance: [],
    questions: [['In flight:', 'TODO: what happens to a transfer still in progress, and to the device state the file held.']],
  },
};

/** Every role question's prompt, for doc-template-unfilled to recognise. */
export const ROLE_PROMPTS: readonly string[] = [...new Set(Object.values(ROLE_QUESTIONS).flatMap((r) => r.questions.map((q) => q[1])))];

/** Facts derived from the code (derived.ts), already phrased, one paragraph each: kept as written. */
export interface DerivedFacts {
  paragraphs: { heading: string; text: string; items?: string[] }[];
}

/** Text that is safe inside a kernel-doc comment (no comment delimiters). */
function safe(text: string): string {
  return text.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *');
}

function derivedLines(facts: DerivedFacts | undefined, indent: string, lead: string): string[] {
  const out: string[] = [];
  for (const p of facts?.paragraphs ?? []) {
    out.push('', ...wrap(p.heading, safe(p.text), indent, lead));
    for (const item of p.items ?? []) out.push(...wrap('-', safe(item), indent, lead));
  }
  return out;
}

/** kernel-doc for a migration handler. `description` keeps an existing plain comment's text. */
export function handlerDoc(
  fn: FunctionFact,
  roles: HandlerRole[],
  parents: ParentCallGroup[],
  indent: string,
  description: string[] = [],
  facts?: DerivedFacts,
  summaries?: ReadonlyMap<string, string>,
): string[] {
  const lead = ' * ';
  const first = roles[0];
  const summary = ROLE_SUMMARY[first.member] ?? `Migration handler for ${first.ops}.${first.member}`;
  const wired = [...new Set(roles.map((r) => `${r.ops}.${r.member}${r.variable ? ` in ${r.variable}` : ''}`))].join(', ');
  const members = [...new Set(roles.map((r) => r.member))];
  const known = members.filter((m) => ROLE_QUESTIONS[m]);
  const acceptance = known.length
    ? ACCEPTANCE_PROMPTS.filter((q) => known.some((m) => ROLE_QUESTIONS[m].acceptance.includes(q.id)))
    : ACCEPTANCE_PROMPTS;
  const questions = [...new Map(known.flatMap((m) => ROLE_QUESTIONS[m].questions).map((q) => [q.join(' '), q])).values()];
  const asked = [
    ...acceptance.flatMap((q) => wrap(q.heading, q.prompt, indent, lead)),
    ...questions.flatMap(([h, q]) => wrap(h, q, indent, lead)),
  ];
  const body = [
    `${fn.name}() - ${summary}`,
    ...paramLines(fn, indent, lead),
    '',
    ...(description.length ? [...description, ''] : []),
    ...wrap('Wired as', `${wired}.`, indent, lead),
    ...derivedLines(facts, indent, lead),
    ...(asked.length ? ['', ...asked] : []),
    ...(parents.length ? ['', ...parentLines(parents, indent, lead, summaries)] : []),
    '',
    'Context: TODO: process context; which locks are held or taken.',
    ...(fn.returnsValue ? ['', 'Return: TODO: describe the return value.'] : []),
  ];
  return render(indent, body, true);
}

/** kernel-doc for a function that talks to the parent driver (not a handler). */
export function parentFunctionDoc(
  fn: FunctionFact,
  parents: ParentCallGroup[],
  indent: string,
  summaries?: ReadonlyMap<string, string>,
): string[] {
  const lead = ' * ';
  const body = [
    `${fn.name}() - TODO: summarize what this function does`,
    ...paramLines(fn, indent, lead),
    '',
    ...parentLines(parents, indent, lead, summaries),
    ...(fn.returnsValue ? ['', 'Return: TODO: describe the return value.'] : []),
  ];
  return render(indent, body, true);
}

/** Plain block comment above one statement that calls the parent driver. */
export function parentStatementComment(parents: ParentCallGroup[], indent: string, summaries?: ReadonlyMap<string, string>): string[] {
  return render(indent, parentLines(parents, indent, ' * ', summaries), false);
}

export function suppressionComment(rule: string, indent: string): string[] {
  return [`${indent}/* vfio-variant: ignore ${rule} -- TODO: why no review note is needed here */`];
}

/** The text of a plain comment, without its markers, as description lines. */
export function commentBody(text: string): string[] {
  const inner = text.startsWith('//') ? text.replace(/^\/\/+ ?/gm, '') : text.replace(/^\/\*+/, '').replace(/\*+\/$/, '');
  const lines = inner.split(/\r?\n/).map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  while (lines.length && lines[0].trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  // A line that looks like a kernel-doc section or parameter would change the comment's meaning.
  return lines.map((l) => l.replace(/^(\s*)([@]|(?:description|context|returns?|notes?|examples?)\s*:)/i, '$1- $2'));
}

/** Wraps free text to WIDTH without a hanging indent. */
function paragraph(text: string, indent: string, lead: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && (indent + lead + candidate).replace(/\t/g, '        ').length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A `DOC:` overview of the driver's migration data, inserted above its
 * vfio_migration_ops struct; asks the questions in `prompts` (all by default).
 */
export function overviewDoc(
  driver: string,
  opsVariable: string,
  prompts: readonly AcceptancePrompt[] = ACCEPTANCE_PROMPTS,
  indent = '',
): string[] {
  const lead = ' * ';
  const body = [
    `DOC: ${driver} migration overview`,
    '',
    ...paragraph(
      `The migration data of ${driver} (struct vfio_migration_ops ${opsVariable}), as reviewers of ` +
        'vfio-pci variant drivers ask for it.',
      indent,
      lead,
    ),
    ...prompts.flatMap((q) => ['', ...wrap(q.heading, q.prompt, indent, lead)]),
  ];
  return render(indent, body, true);
}
