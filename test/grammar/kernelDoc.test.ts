/**
 * The kernel-doc injection grammar, tokenized by the libraries VS Code itself uses
 * (vscode-textmate + vscode-oniguruma) on top of VS Code's own C grammar.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { ensureKernel, REPO } from '../support/kernel';

const INJECTION = path.join(REPO, 'syntaxes', 'kernel-doc.injection.tmLanguage.json');
const C_GRAMMAR = path.join(REPO, 'test', 'grammar', 'fixtures', 'c.tmLanguage.json');

interface Token {
  text: string;
  scopes: string[];
}

let grammar: vsctm.IGrammar;

async function loadC(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const contributed = manifest.contributes.grammars as { scopeName: string; path: string; injectTo: string[] }[];
  const files: Record<string, string> = { 'source.c': C_GRAMMAR };
  for (const g of contributed) files[g.scopeName] = path.resolve(REPO, g.path);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = files[scopeName];
      return file ? vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    // As VS Code does: the manifest's injectTo decides which grammars get the injection.
    getInjections: (scopeName) => contributed.filter((g) => g.injectTo.includes(scopeName)).map((g) => g.scopeName),
  });
  const g = await registry.loadGrammar('source.c');
  assert.ok(g);
  return g;
}

function tokenize(text: string): Token[][] {
  let stack = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The scopes of the token covering `needle` on the line that contains it (the nth such line). */
function scopesOf(lines: Token[][], source: string, lineNeedle: string, needle: string = lineNeedle): string[] {
  const idx = source.split('\n').findIndex((l) => l.includes(lineNeedle));
  assert.ok(idx >= 0, `no line with ${lineNeedle}`);
  const tok = lines[idx].find((t) => t.text.includes(needle)) ?? lines[idx].find((t) => needle.includes(t.text.trim()) && t.text.trim());
  assert.ok(tok, `no token for ${needle} in ${JSON.stringify(lines[idx])}`);
  return tok.scopes;
}

const has = (scopes: string[], prefix: string) => scopes.some((s) => s.startsWith(prefix));
const ours = (scopes: string[]) => scopes.some((s) => s.endsWith('.kernel-doc'));

// From Linux 6.12 drivers/vfio/pci/vfio_pci_core.c style, plus a template as vfio-variant inserts it.
const SOURCE = `/**
 * vfio_pci_core_register_device() - Register a vfio-pci variant device
 * @vdev: the core device, embedded in the driver's own struct
 * @ops.mmap: a member description
 *
 * Wired as vfio_migration_ops.migration_set_state in mlx5vf_pci_mig_ops.
 *
 * State composition: TODO: how the device state is composed when saved and
 *   consumed when resumed.
 * Not visible via vfio-pci: TODO: which portions are not otherwise available
 * Parent calls (mlx5_core): mlx5_core_query_vhca_state().
 * Uses @vdev and %VFIO_DEVICE_STATE_STOP with &struct vfio_device.
 *
 * Context: Process context; takes the state mutex.
 *
 * Return: 0 on success, -errno otherwise.
 */
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev);

/**
 * DOC: Migration data
 *
 * The stream carries the device header first.
 */

/**
 * struct acme_vf - an Acme VF
 * @core: vfio-pci core device
 */
struct acme_vf { int core; };

/*
 * plain() - Not kernel-doc
 * @vdev: not a parameter here
 * Return: nothing
 * State composition: TODO: nothing
 */
int plain(int vdev) { return vdev - 1; /* Return: @x */ }
`;

describe('kernel-doc injection grammar (vscode-textmate + vscode-oniguruma on VS Code 1.100 C grammar)', () => {
  let lines: Token[][];
  before(async () => {
    grammar = await loadC();
    lines = tokenize(SOURCE);
  });

  it('the manifest injects it into C and C++ and the selector names the scope VS Code gives /** */', () => {
    const g = JSON.parse(fs.readFileSync(INJECTION, 'utf8'));
    assert.match(g.injectionSelector, /L:comment\.block\.documentation\.c\b/);
    assert.match(g.injectionSelector, /L:comment\.block\.documentation\.cpp\b/);
    // VS Code's C grammar really scopes doc comments like that.
    assert.ok(has(scopesOf(lines, SOURCE, 'Migration data'), 'comment.block.documentation.c'));
  });

  it('colours the name line: function name and summary', () => {
    const name = scopesOf(lines, SOURCE, 'Register a vfio-pci', 'vfio_pci_core_register_device');
    assert.ok(name.includes('entity.name.function.kernel-doc'), name.join(' '));
    assert.ok(name.includes('comment.block.documentation.c'));
    assert.ok(scopesOf(lines, SOURCE, 'Register a vfio-pci').includes('markup.heading.summary.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, 'struct acme_vf -', 'acme_vf').includes('entity.name.type.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, 'struct acme_vf -', 'struct').includes('storage.type.kernel-doc'));
  });

  it('colours @param: names (also @member.field:) and their colon', () => {
    const p = scopesOf(lines, SOURCE, '@vdev: the core', '@vdev');
    assert.ok(p.includes('variable.parameter.kernel-doc'), p.join(' '));
    const tok = lines[SOURCE.split('\n').findIndex((l) => l.includes('@vdev: the core'))].find((t) =>
      t.scopes.includes('variable.parameter.kernel-doc'),
    )!;
    assert.equal(tok.text, '@vdev');
    assert.ok(scopesOf(lines, SOURCE, '@ops.mmap:', '@ops.mmap').includes('variable.parameter.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, '@core: vfio', '@core').includes('variable.parameter.kernel-doc'));
  });

  it('colours DOC:, Context:, Return: and the DOC title', () => {
    assert.ok(scopesOf(lines, SOURCE, 'DOC: Migration', 'DOC').includes('keyword.other.section.doc.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, 'DOC: Migration', 'Migration data').includes('entity.name.section.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, 'Context: Process', 'Context').includes('keyword.other.section.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, 'Return: 0 on', 'Return').includes('keyword.other.section.kernel-doc'));
  });

  it('colours the acceptance prompts the templates insert, and TODO:', () => {
    for (const [line, word] of [
      ['State composition:', 'State composition'],
      ['Not visible via vfio-pci:', 'Not visible via vfio-pci'],
      ['Wired as', 'Wired as'],
      ['Parent calls (mlx5_core)', 'Parent calls (mlx5_core)'],
    ]) {
      assert.ok(scopesOf(lines, SOURCE, line, word).includes('keyword.control.prompt.vfio-variant.kernel-doc'), word);
    }
    assert.ok(scopesOf(lines, SOURCE, 'State composition:', 'TODO').includes('keyword.other.todo.vfio-variant.kernel-doc'));
  });

  it('colours inline kernel-doc markup in prose: @param, %CONST, &struct', () => {
    assert.ok(scopesOf(lines, SOURCE, 'Uses @vdev', '@vdev').includes('variable.parameter.reference.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, 'Uses @vdev', '%VFIO_DEVICE_STATE_STOP').includes('constant.other.reference.kernel-doc'));
    assert.ok(scopesOf(lines, SOURCE, 'Uses @vdev', '&struct vfio_device').includes('entity.name.type.reference.kernel-doc'));
  });

  it('leaves plain /* */ comments and code untouched', () => {
    const start = SOURCE.split('\n').findIndex((l) => l.startsWith('/*') && !l.startsWith('/**') && l.length === 2);
    for (const line of lines.slice(start)) for (const t of line) assert.ok(!ours(t.scopes), `${t.text}: ${t.scopes.join(' ')}`);
    const decl = SOURCE.split('\n').findIndex((l) => l.startsWith('int vfio_pci_core_register_device'));
    for (const t of lines[decl]) assert.ok(!ours(t.scopes), `${t.text}: ${t.scopes.join(' ')}`);
    // The host grammar still scopes it as a plain block comment.
    assert.ok(scopesOf(lines, SOURCE, 'plain() - Not', 'plain').includes('comment.block.c'));
  });

  it('marks every @param: line of the kernel-doc in real 6.12 sources (vfio.h, vfio_pci_config.c)', () => {
    let params = 0;
    for (const rel of ['include/linux/vfio.h', 'drivers/vfio/pci/vfio_pci_config.c']) {
      const text = fs.readFileSync(path.join(ensureKernel(), rel), 'utf8');
      const toks = tokenize(text);
      text.split('\n').forEach((l, i) => {
        if (!/^\s*\* @[\w.]+:/.test(l) || !toks[i].some((t) => t.scopes.includes('comment.block.documentation.c'))) return;
        params++;
        assert.ok(
          toks[i].some((t) => t.scopes.includes('variable.parameter.kernel-doc')),
          `${rel}:${i + 1}: ${l}`,
        );
      });
    }
    assert.ok(params >= 30, String(params));
  });
});
