/**
 * The VS Code extension as shipped: the manifest wires what exists, and
 * `scripts/package.mjs` builds a .vsix whose bundled server loads tree-sitter
 * from inside the unpacked package (the script itself checks that by running it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/engine/rules';
import { REPO } from '../support/kernel';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));

describe('extension manifest', () => {
  it('declares activation, trust, commands, snippets and grammar that exist', () => {
    assert.equal(manifest.main, './dist/client/extension.js');
    assert.deepEqual(manifest.activationEvents, ['onLanguage:c']);
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.ok(trust.restrictedConfigurations.includes('vfioVariant.kernelTree'));
    for (const s of trust.restrictedConfigurations) assert.ok(configProperties(manifest)[s], s);
    const commands = manifest.contributes.commands.map((c: { command: string; category: string }) => {
      assert.equal(c.category, 'VFIO');
      return c.command;
    });
    // Every contributed command is registered by the client, and vice versa.
    const client = fs.readFileSync(path.join(REPO, 'client/src/extension.ts'), 'utf8');
    const registered = [...client.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual([...commands].sort(), [...registered].sort());
    for (const s of manifest.contributes.snippets) assert.ok(fs.existsSync(path.join(REPO, s.path)), s.path);
    for (const g of manifest.contributes.grammars) assert.ok(fs.existsSync(path.join(REPO, g.path)), g.path);
    assert.ok(fs.existsSync(path.join(REPO, manifest.icon)));
  });

  it('every setting has a markdown description; per-rule severities name real rules with their defaults', () => {
    const props = configProperties(manifest) as Record<string, { markdownDescription?: string }>;
    for (const [k, v] of Object.entries(props)) assert.ok((v.markdownDescription ?? '').length > 30, k);
    for (const k of ['enable', 'extraParents', 'ignore', 'kernelTree', 'maxFileSize', 'severity', 'trace.server'])
      assert.ok(props[`vfioVariant.${k}`], k);
    const severity = configProperties(manifest)['vfioVariant.severity'];
    for (const [id, schema] of Object.entries(severity.properties as Record<string, { default: string }>)) {
      const rule = RULES.find((r) => r.meta.id === id);
      assert.ok(rule, `${id} is not a rule`);
      assert.equal(schema.default, rule.meta.defaultSeverity, id);
    }
  });

  it('client code never reaches into the server sources (but the protocol module), and the server never imports vscode', () => {
    const files = (dir: string): string[] =>
      fs
        .readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(REPO, dir, f));
    for (const f of files('server/src')) assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /from 'vscode'|require\('vscode'\)/, f);
    // Only the shared protocol module (request names and shapes), which itself imports nothing.
    for (const f of files('client/src')) assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /from '\.\.\/\.\.\/server\/(?!src\/protocol')/, f);
    assert.doesNotMatch(fs.readFileSync(path.join(REPO, 'server/src/protocol.ts'), 'utf8'), /^import /m);
  });
});

describe('npm run package', () => {
  it('builds a .vsix with the bundles, prebuilds for six platforms, and a server that runs from it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-pkg-'));
    const out = path.join(dir, 'test.vsix');
    try {
      const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/package.mjs'), '--out', out], { cwd: REPO, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /verified: the server in the .vsix loads tree-sitter/);
      const list = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' }).stdout.split('\n');
      for (const f of [
        'extension/package.json',
        'extension/dist/client/extension.js',
        'extension/dist/server/server.js',
        'extension/images/icon.png',
        'extension/LICENSE.txt',
        'extension/changelog.md',
        'extension/readme.md',
        'extension/snippets/kernel-doc.code-snippets',
        'extension/syntaxes/kernel-doc.injection.tmLanguage.json',
        'extension/docs/rules/parent-call-undocumented.md',
      ]) {
        assert.ok(list.includes(f), `${f} missing`);
      }
      for (const pkg of ['tree-sitter', 'tree-sitter-c']) {
        for (const p of ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64']) {
          assert.ok(
            list.some((f) => f.startsWith(`extension/dist/node_modules/${pkg}/prebuilds/${p}/`) && f.endsWith('.node')),
            `${pkg} ${p}`,
          );
        }
      }
      // Nothing from the repository's development side leaks in.
      assert.ok(
        !list.some((f) => /(^|\/)(out|test|\.kernel|server\/src|client\/src)\//.test(f) || f.includes('/node_modules/typescript/')),
      );
      assert.ok(fs.statSync(out).size < 10 * 1024 * 1024);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The settings of every configuration section (`contributes.configuration` may be one object or a list). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function configProperties(manifest: { contributes: { configuration: unknown } }): Record<string, any> {
  const sections = ([] as { properties: Record<string, unknown> }[]).concat(manifest.contributes.configuration as never);
  return Object.assign({}, ...sections.map((c) => c.properties));
}
