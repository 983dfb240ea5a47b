/** The engine's modules form no import cycle (type-only imports are erased, so the compiled JS is what counts). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..', 'server', 'src', 'engine');

function graph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.js')) files.push(p);
    }
  };
  walk(ROOT);
  const g = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/require\("(\.[^"]+)"\)/g)) {
      const t = path.resolve(path.dirname(f), m[1]);
      deps.push(fs.existsSync(`${t}.js`) ? `${t}.js` : path.join(t, 'index.js'));
    }
    g.set(f, deps);
  }
  return g;
}

it('no import cycles among engine modules', () => {
  const g = graph();
  assert.ok(g.size > 50, `${g.size} modules`);
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[] = [];
  const visit = (v: string, trail: string[]) => {
    state.set(v, 'active');
    for (const w of g.get(v) ?? []) {
      if (state.get(w) === 'active') cycles.push([...trail.slice(trail.indexOf(w)), v, w].map((x) => path.relative(ROOT, x)).join(' -> '));
      else if (!state.has(w)) visit(w, [...trail, v]);
    }
    state.set(v, 'done');
  };
  for (const v of g.keys()) if (!state.has(v)) visit(v, []);
  assert.deepEqual(cycles, []);
});
