#!/usr/bin/env node
/**
 * npm run package: builds the VS Code extension (.vsix).
 *
 * The extension is assembled in a staging directory (so vsce never walks the
 * repository, .kernel/ or node_modules/): esbuild bundles the client (vscode
 * external) and the language server (tree-sitter external: native N-API addons
 * cannot be bundled); tree-sitter, tree-sitter-c and node-gyp-build are copied
 * to dist/node_modules with their prebuilds for linux/darwin/win32 x64+arm64.
 * Then vsce packages the staging directory, and a smoke test unpacks the .vsix
 * and runs the server from it over stdio on examples/acme-vfio.
 *
 *   node scripts/package.mjs [--out FILE.vsix] [--no-verify]
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(REPO, 'package.json'));
const esbuild = require('esbuild');

const { values: args } = parseArgs({ options: { out: { type: 'string' }, 'no-verify': { type: 'boolean' } } });
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const out = path.resolve(args.out ?? path.join(REPO, `${manifest.name}-${manifest.version}.vsix`));

const NATIVE = ['tree-sitter', 'tree-sitter-c'];
const PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
/** Files of each runtime package the server needs (no sources, no build/ from a local compile). */
const RUNTIME_FILES = {
  'tree-sitter': ['package.json', 'index.js', 'LICENSE', 'prebuilds'],
  'tree-sitter-c': ['package.json', 'LICENSE', 'bindings/node/index.js', 'src/node-types.json', 'prebuilds'],
  'node-gyp-build': ['package.json', 'index.js', 'node-gyp-build.js', 'LICENSE'],
};
/** What the extension needs besides dist/ (package.json, README, LICENSE and CHANGELOG are added by name). */
const ASSETS = [
  'images/icon.png',
  'docs/rules',
  'docs/images',
  'snippets/kernel-doc.code-snippets',
  'syntaxes/kernel-doc.injection.tmLanguage.json',
  '.vscodeignore',
];

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, dereference: true });
}

function packageDir(name) {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/**
 * npm install compiles an addon into build/Release only when its prebuild does not
 * load on this machine. tree-sitter 0.25.1's Linux prebuilds need GLIBCXX_3.4.31
 * (GCC 13's libstdc++), which Debian 12 and Ubuntu 22.04 lack; the local build of
 * the same sources needs less, so it replaces the prebuild for this platform.
 */
function useLocalBuild(name, from, prebuildDir) {
  const release = path.join(from, 'build', 'Release');
  const built = fs.existsSync(release) ? fs.readdirSync(release).filter((f) => f.endsWith('.node')) : [];
  if (built.length !== 1) return;
  const target = fs.readdirSync(prebuildDir).find((f) => f.endsWith('.node'));
  fs.copyFileSync(path.join(release, built[0]), path.join(prebuildDir, target));
  console.log(`${name}: ${path.basename(prebuildDir)} prebuild replaced by the local build (the upstream one does not load here)`);
}

async function bundle(stage) {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'inline',
    logLevel: 'warning',
  };
  await esbuild.build({
    ...common,
    entryPoints: [path.join(REPO, 'client/src/extension.ts')],
    outfile: path.join(stage, 'dist/client/extension.js'),
    external: ['vscode'],
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(REPO, 'server/src/lsp/server.ts')],
    outfile: path.join(stage, 'dist/server/server.js'),
    external: NATIVE,
  });
  for (const [name, files] of Object.entries(RUNTIME_FILES)) {
    const from = packageDir(name);
    for (const f of files) {
      if (f === 'prebuilds') {
        for (const p of PLATFORMS) {
          const dir = path.join(from, 'prebuilds', p);
          if (!fs.existsSync(dir)) throw new Error(`${name} has no prebuild for ${p}`);
          copy(dir, path.join(stage, 'dist/node_modules', name, 'prebuilds', p));
        }
        useLocalBuild(name, from, path.join(stage, 'dist/node_modules', name, 'prebuilds', `${process.platform}-${process.arch}`));
      } else copy(path.join(from, f), path.join(stage, 'dist/node_modules', name, f));
    }
  }
}

function stageManifest(stage) {
  // The staged manifest describes the extension only: no scripts or dependencies
  // (they are bundled), so vsce has nothing to run or resolve.
  const m = { ...manifest };
  for (const k of ['scripts', 'dependencies', 'devDependencies', 'overrides', 'bin', 'private']) delete m[k];
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(m, null, 2) + '\n');
}

function vsce(stage) {
  const cli = path.join(packageDir('@vscode/vsce'), 'vsce');
  // No repository URL is published; README links stay relative to the installed extension.
  const r = spawnSync(
    process.execPath,
    [cli, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
    { cwd: stage, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`vsce package failed (${r.status})`);
}

/** Runs the server from the unpacked .vsix over stdio and waits for diagnostics on the example driver. */
async function verify() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-vsix-'));
  try {
    const unzip = spawnSync('unzip', ['-q', out, '-d', dir], { encoding: 'utf8' });
    if (unzip.status !== 0) throw new Error(`unzip failed: ${unzip.stderr || unzip.error}`);
    const server = path.join(dir, 'extension/dist/server/server.js');
    const example = path.join(REPO, 'examples/acme-vfio/main.c');
    const count = await diagnosticsFrom(server, example);
    if (count < 1) throw new Error('the packaged server published no diagnostics for examples/acme-vfio/main.c');
    console.log(
      `verified: the server in the .vsix loads tree-sitter from ${path.relative(dir, path.join(dir, 'extension/dist/node_modules'))} and reports ${count} findings on examples/acme-vfio/main.c`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function diagnosticsFrom(server, file) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let buf = Buffer.alloc(0);
    let stderr = '';
    const timer = setTimeout(() => done(new Error(`no diagnostics within 20 s\n${stderr}`)), 20000);
    const done = (err, value) => {
      clearTimeout(timer);
      proc.kill();
      if (err) reject(err);
      else resolve(value);
    };
    const send = (msg) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
      proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      proc.stdin.write(body);
    };
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code) => done(new Error(`server exited (${code})\n${stderr}`)));
    proc.stdout.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const head = buf.indexOf('\r\n\r\n');
        if (head < 0) return;
        const len = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, head).toString())?.[1]);
        if (buf.length < head + 4 + len) return;
        const msg = JSON.parse(buf.subarray(head + 4, head + 4 + len).toString('utf8'));
        buf = buf.subarray(head + 4 + len);
        if (msg.id === 1 && msg.result) {
          send({ method: 'initialized', params: {} });
          send({
            method: 'textDocument/didOpen',
            params: { textDocument: { uri: pathToFileURL(file).href, languageId: 'c', version: 1, text: fs.readFileSync(file, 'utf8') } },
          });
        } else if (msg.id !== undefined && msg.method) {
          send({ id: msg.id, result: msg.method === 'workspace/configuration' ? msg.params.items.map(() => ({})) : null });
        } else if (msg.method === 'textDocument/publishDiagnostics' && msg.params.uri === pathToFileURL(file).href) {
          done(undefined, msg.params.diagnostics.filter((x) => x.source === 'vfio-variant').length);
        }
      }
    });
    send({
      id: 1,
      method: 'initialize',
      params: { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 0 } },
    });
  });
}

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'vfio-variant-stage-'));
try {
  await bundle(stage);
  stageManifest(stage);
  for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md']) copy(path.join(REPO, f), path.join(stage, f));
  for (const a of ASSETS) if (fs.existsSync(path.join(REPO, a))) copy(path.join(REPO, a), path.join(stage, a));
  vsce(stage);
  console.log(`${path.relative(process.cwd(), out) || out}: ${(fs.statSync(out).size / 1024 / 1024).toFixed(2)} MiB`);
  if (!args['no-verify']) await verify();
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
