/** Migration and dirty-tracking: the ops tables and what the code says about the handlers. */
import { LOG_OPS, MIGRATION_OPS, type DriverModel } from '../model/driver';
import { stateArcs } from '../model/derived';
import { handlerFacts } from '../fixes/derivedText';
import { type ReportDerived, type ReportOps, at } from './model';

export function derivedOf(model: DriverModel): ReportDerived {
  const setState = model.handlers.find((h) => h.wiring.some((w) => w.member === 'migration_set_state'));
  const arcs = (setState ? stateArcs(model, setState) : []).map((a) => ({
    from: a.from,
    to: a.to,
    where: a.where,
    at: at(model.files.find((f) => f.facts.functions.some((fn) => fn.name === a.where))?.path ?? setState!.file.path, a.line),
    parentCalls: a.parentCalls.map((c) => `${c.callee}() (${c.parent})`),
  }));
  const handlers = model.handlers.map((h) => ({ name: h.fn.name, facts: handlerFacts(model, h).paragraphs })).filter((h) => h.facts.length);
  const text: string[] = [];
  for (const h of handlers) {
    text.push(`${h.name}():`);
    for (const p of h.facts) {
      text.push(`  ${p.heading} ${p.text}`);
      for (const i of p.items ?? []) text.push(`    - ${i}`);
    }
  }
  const node = (s: string) => (s === 'any' ? 'ANY' : s);
  const mermaid = [
    'stateDiagram-v2',
    ...arcs.map((a) => {
      const parents = new Map<string, number>();
      for (const c of a.parentCalls) {
        const p = /\(([^)]+)\)$/.exec(c)?.[1] ?? '';
        parents.set(p, (parents.get(p) ?? 0) + 1);
      }
      const label = [...parents].map(([p, n]) => `${n} ${p} call${n > 1 ? 's' : ''}`).join(', ');
      return `    ${node(a.from)} --> ${node(a.to)}${label ? ` : ${label}` : ''}`;
    }),
  ].join('\n');
  return { arcs, handlers, text: text.join('\n'), mermaid };
}

export function opsOf(model: DriverModel): ReportOps[] {
  const out = new Map<string, ReportOps>();
  for (const f of model.files) {
    for (const o of f.facts.opsInits) {
      if (o.structType !== MIGRATION_OPS && o.structType !== LOG_OPS) continue;
      out.set(`${o.structType}\0${o.variable}`, {
        type: o.structType,
        variable: o.variable,
        at: at(f.path, o.line),
        members: o.members.map((m) => ({ member: m.member, handler: m.fn })),
      });
    }
  }
  // file_operations of migration data files and run-time assignments, as the handlers' wiring shows them.
  for (const h of model.handlers) {
    for (const w of h.wiring) {
      const key = `${w.ops}\0${w.variable}`;
      if (out.has(key) && out.get(key)!.members.some((m) => m.member === w.member)) continue;
      const ops = out.get(key) ?? {
        type: w.ops,
        variable: w.variable || '(assigned at run time)',
        at: at(w.file.path, w.line),
        members: [],
      };
      ops.members.push({ member: w.member, handler: h.fn.name });
      out.set(key, ops);
    }
  }
  return [...out.values()];
}
