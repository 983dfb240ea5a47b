/**
 * Does the driver's documentation answer the acceptance questions about
 * migration data? Read from `DOC:` kernel-doc blocks and the handlers' doc
 * comments. Kept honest on purpose:
 *
 *  - a question's heading (`State composition:`, ...) answers it only when real
 *    text follows; the template's `TODO:` prompt is "asked, not answered";
 *  - any paragraph containing `TODO` is ignored, and so are the lines the
 *    templates generate from code (`Wired as ...`, `Parent calls (...)`,
 *    `@param:`, the `name() - summary` line): they restate facts, not answers;
 *  - elsewhere a paragraph answers a question only when it matches every
 *    keyword family of that question (e.g. validation needs a checking word
 *    *and* a word for userspace data), and the report says it was recognised
 *    by keywords, quoting the sentence, so a reader can judge.
 */
import type { CommentFact } from './facts';
import type { SourceFile } from './sourceFile';
import { ACCEPTANCE_PROMPTS, type AcceptancePrompt } from '../fixes/templates';

export type QuestionId = AcceptancePrompt['id'];

/** Keyword families: a paragraph must match each regex of its question. */
const FAMILIES: Record<QuestionId, RegExp[]> = {
  composition: [
    /\b(?:state|data|stream|image|blob|payload)\b/i,
    /\b(?:compos\w*|consist\w*|layout|format\w*|header|preamble|sections?|chunks?|records?|serializ\w*|consum\w*|saved?|saving|restor\w*|resum\w*|stop[- ]?copy|pre[- ]?copy|split)\b/i,
  ],
  hidden: [
    /\b(?:not (?:otherwise )?(?:available|visible|exposed|accessible)|hidden|internal|opaque|invisible|shadow\w*|managed by the (?:PF|parent)|(?:PF|parent)[- ]managed|maintained by the (?:\w+ )?(?:PF|parent)|owned by the (?:PF|parent)|firmware)\b/i,
  ],
  parent: [
    /\b(?:PF|parent|physical function|firmware|owner device|admin(?:istration)?)\b/i,
    /\b(?:interface|commands?|calls?|requests?|mailbox\w*|queues?|virtqueue|API|ops|messages?)\b/i,
  ],
  validation: [
    /\b(?:validat\w*|sanit\w*|checks?|checked|checking|verif\w*|bounds?|reject\w*|compatib\w*|magic|versions?|-EINVAL|untrusted|malicious)\b/i,
    /\b(?:user\w*|input|migration data|stream|resum\w*|written|writes?|incoming|data)\b/i,
  ],
};

export interface DocSource {
  file: SourceFile;
  comment: CommentFact;
  /** `DOC: title` for overview blocks, `fn()` for a handler's comment. */
  label: string;
  kind: 'doc-block' | 'handler';
}

export interface Evidence {
  source: DocSource;
  /** 0-based line in the file. */
  line: number;
  excerpt: string;
  how: 'section' | 'keywords';
}

export type QuestionState = 'answered' | 'prompt-only' | 'missing';

export interface QuestionResult {
  id: QuestionId;
  title: string;
  heading: string;
  state: QuestionState;
  evidence: Evidence[];
  /** Where the question is asked but not answered (template prompt still in place). */
  prompts: { source: DocSource; line: number }[];
}

const DOC_TITLE = /^\s*\*?\s*DOC:\s*(.*)$/m;

/** The `DOC:` kernel-doc blocks of the driver's files. */
export function docBlocks(files: SourceFile[]): DocSource[] {
  const out: DocSource[] = [];
  for (const file of files) {
    for (const c of file.facts.comments) {
      if (!c.kernelDoc) continue;
      const m = DOC_TITLE.exec(c.text.split('\n').slice(0, 3).join('\n'));
      if (m) out.push({ file, comment: c, label: `DOC: ${m[1].trim()}`, kind: 'doc-block' });
    }
  }
  return out;
}

interface Paragraph {
  line: number;
  lines: string[];
  heading?: AcceptancePrompt;
}

/** Comment body split into paragraphs; a known heading or kernel-doc section starts a new one. */
function paragraphs(c: CommentFact): Paragraph[] {
  const raw = c.text.split('\n');
  const out: Paragraph[] = [];
  let cur: Paragraph | undefined;
  raw.forEach((l, i) => {
    const text = l
      .replace(/^\s*\/\*+!?/, '')
      .replace(/\*+\/\s*$/, '')
      .replace(/^\s*\*(?!\/) ?/, '')
      .replace(/^\s*\/\/+ ?/, '')
      .trimEnd();
    const line = c.startLine + i;
    if (text.trim() === '') {
      cur = undefined;
      return;
    }
    const heading = ACCEPTANCE_PROMPTS.find((q) => text.trim().toLowerCase().startsWith(q.heading.toLowerCase()));
    const section = /^\s*(?:@[\w.]+|[A-Z][\w ]{0,30}):/.test(text) && !/^\s*https?:/.test(text);
    if (!cur || heading || section) {
      cur = { line, lines: [], heading };
      out.push(cur);
    }
    cur.lines.push(text.trim());
  });
  return out;
}

/** Lines the templates generate from code, which say nothing a reviewer asked. */
const GENERATED = /^(?:Wired as\b|Parent calls \(|@[\w.]+:|DOC:|Context:|Return:|[A-Za-z_]\w*\(\) - )/;

export function assessQuestions(sources: DocSource[]): QuestionResult[] {
  const results: QuestionResult[] = ACCEPTANCE_PROMPTS.map((q) => ({
    id: q.id,
    title: q.title,
    heading: q.heading,
    state: 'missing',
    evidence: [],
    prompts: [],
  }));
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const source of sources) {
    for (const p of paragraphs(source.comment)) {
      const text = p.lines.join(' ');
      if (p.heading) {
        const r = byId.get(p.heading.id)!;
        const rest = text.slice(p.heading.heading.length).trim();
        if (/^TODO\b/i.test(rest) || rest.split(/\s+/).filter(Boolean).length < 3) r.prompts.push({ source, line: p.line });
        else r.evidence.push({ source, line: p.line, excerpt: excerpt(rest), how: 'section' });
        continue;
      }
      if (/\bTODO\b/.test(text) || GENERATED.test(p.lines[0])) continue;
      for (const r of results) {
        const families = FAMILIES[r.id];
        if (!families.every((re) => re.test(text))) continue;
        // Quote the sentence that carries the question's most specific keywords.
        const sentences = text.split(/(?<=[.!?])\s+/);
        const best = sentences.find((x) => families.every((re) => re.test(x))) ?? sentences.find((x) => families[0].test(x)) ?? text;
        r.evidence.push({ source, line: p.line, excerpt: excerpt(best), how: 'keywords' });
      }
    }
  }
  for (const r of results) r.state = r.evidence.length ? 'answered' : r.prompts.length ? 'prompt-only' : 'missing';
  return results;
}

/** The first sentence, at most ~160 characters. */
function excerpt(text: string): string {
  const sentence = /^(.+?[.!?])(?:\s|$)/.exec(text)?.[1] ?? text;
  return sentence.length > 160 ? `${sentence.slice(0, 157).trimEnd()}...` : sentence;
}
