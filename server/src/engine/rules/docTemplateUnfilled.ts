import { ACCEPTANCE_PROMPTS, ROLE_PROMPTS } from '../fixes/templates';
import type { CommentFact } from '../model/facts';
import { isSuppression } from '../model/sourceFile';
import type { Rule } from './rule';

/**
 * Every prompt our templates (fixes/templates.ts), quick fixes and snippets write, as patterns over a
 * comment's text with its line breaks and ` * ` leaders folded to single spaces.
 * `doc-template-unfilled` recognises these, never the word TODO on its own: an
 * author's own "TODO" sentence is theirs. Snippets are checked against this list.
 */
const NAME = String.raw`[\w.>-]+`;
export const TEMPLATE_PROMPTS: readonly { pattern: RegExp; asks: string }[] = [
  ...ACCEPTANCE_PROMPTS.map((q) => ({ pattern: literal(q.prompt), asks: q.title.toLowerCase() })),
  { pattern: new RegExp(String.raw`TODO: what is asked of [^,]+, and for which device\.`), asks: 'what is asked of the parent' },
  {
    pattern: literal('TODO: which userspace-controlled values reach the parent, and how they are validated.'),
    asks: 'which userspace values reach the parent',
  },
  { pattern: literal('TODO: why the effect stays within the assigned device.'), asks: 'why the effect stays within the device' },
  { pattern: new RegExp(String.raw`TODO: describe ${NAME}\.`), asks: 'a parameter description' },
  { pattern: literal('TODO: describe the variable arguments.'), asks: 'a parameter description' },
  { pattern: literal('TODO: process context; which locks are held or taken.'), asks: 'the context and locks' },
  { pattern: literal('TODO: describe the return value.'), asks: 'the return value' },
  { pattern: literal('TODO: summarize what this function does'), asks: 'a summary' },
  { pattern: literal('TODO: why no review note is needed here'), asks: 'the reason for the suppression' },
  ...ROLE_PROMPTS.map((p) => ({ pattern: literal(p), asks: p.replace(/^TODO: /, '').split(/[,.]/)[0] })),
  // Facts the code could not show (fixes/derivedText.ts).
  { pattern: literal('TODO: list the arcs.'), asks: 'the state arcs' },
  { pattern: literal('TODO: say what bounds them.'), asks: 'the bounds on *pos and len' },
  { pattern: literal('TODO: say what serializes it.'), asks: 'the locking' },
  { pattern: literal('TODO: say what it releases.'), asks: 'what it releases' },
  { pattern: literal('TODO: say why a concurrent reset is safe.'), asks: 'why a concurrent reset is safe' },
  // kernel-doc-invalid's fixes (fixes/kernelDoc.ts).
  { pattern: literal('TODO: short description'), asks: 'a short description' },
  { pattern: new RegExp(String.raw`TODO: what ${NAME}\(\) returns, and when`), asks: 'the return value' },
  // Snippets only.
  { pattern: literal('TODO: what the function does, in more detail.'), asks: 'a description' },
  {
    pattern: literal('TODO: what the migration data stream of this driver carries, in which order, and how its format is versioned.'),
    asks: 'the stream layout',
  },
  { pattern: literal('TODO: move the device from vf->mig_state to next_state.'), asks: 'the state transitions' },
  { pattern: literal('TODO: the checks that bound them.'), asks: 'the bounds on *pos and len' },
  { pattern: literal('TODO: the lock that protects the file.'), asks: 'the locking' },
  { pattern: literal('TODO: what it releases.'), asks: 'what it releases' },
  { pattern: literal('TODO: the lock it takes, and whether reset takes it too.'), asks: 'the locking' },
];

function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** Where one of our prompts starts in a comment: offset into the comment's text. */
interface PromptHit {
  offset: number;
  asks: string;
}

/** The comment's text with line breaks and their ` * ` leaders folded to one space, and a map back to offsets. */
function fold(text: string): { folded: string; origin: number[] } {
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || text[i] === '\r') {
      let j = i;
      while (j < text.length && /[\s*]/.test(text[j]) && !(text[j] === '*' && text[j + 1] === '/')) j++;
      if (!folded.endsWith(' ')) {
        folded += ' ';
        origin.push(i);
      }
      i = j - 1;
      continue;
    }
    folded += text[i];
    origin.push(i);
  }
  return { folded, origin };
}

function promptsIn(c: CommentFact): PromptHit[] {
  if (!c.text.includes('TODO')) return [];
  const { folded, origin } = fold(c.text);
  const hits: PromptHit[] = [];
  for (const p of TEMPLATE_PROMPTS) {
    const re = new RegExp(p.pattern.source, 'g');
    for (let m = re.exec(folded); m; m = re.exec(folded)) hits.push({ offset: origin[m.index], asks: p.asks });
  }
  return hits.sort((a, b) => a.offset - b.offset);
}

/** A doc comment that still holds a prompt our quick fixes, --fix or snippets inserted. */
export const docTemplateUnfilled: Rule = {
  meta: {
    id: 'doc-template-unfilled',
    type: 'documentation',
    defaultSeverity: 'warning',
    description: 'A comment inserted from our templates still holds an unanswered prompt: reviewers read the answer, not the question.',
    docs: 'docs/rules/doc-template-unfilled.md',
    fixable: false,
  },
  create(context) {
    for (const file of context.model.files) {
      for (const c of file.facts.comments) {
        // A suppression's reason prompt belongs to the suppression, which is checked where it stands.
        const hits = promptsIn(c);
        if (!hits.length) continue;
        const suppression = isSuppression(c);
        for (const h of hits) {
          if (suppression && h.asks !== 'the reason for the suppression') continue;
          const at = file.lines.positionAt(c.start + h.offset);
          const lineEnd = file.lines.lineText(at.line).length;
          context.report({
            file,
            line: at.line,
            column: at.character,
            endColumn: Math.max(at.character + 1, lineEnd),
            name: 'TODO',
            message: `unanswered template prompt: ${h.asks}`,
            anchorLine: c.startLine,
            data: h.asks,
          });
        }
      }
    }
  },
  explain(finding) {
    return (
      `**Unanswered template prompt** (${String(finding.data)})\n\n` +
      'This `TODO:` was written by a vfio-variant-assist template. The comment counts as documentation for the ' +
      'presence rules, but reviewers read what it says: replace the prompt with the answer. Prompts you write in ' +
      'your own words are never reported.'
    );
  },
};
