/**
 * code-server (VS Code in the browser, installed by install-code-server.sh into
 * .tools/code-server) driven by playwright-core and Debian's Chromium.
 * Every process started here is killed by `close()`, also when a test fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from '../support/kernel';

export const CODE_SERVER_DIR = path.join(REPO, '.tools', 'code-server');
export const ENTRY = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.VFIO_VARIANT_CHROMIUM ?? '/usr/bin/chromium';
export const OUT = path.join(REPO, 'test-output', 'e2e');
/** HOME and XDG_* for code-server and Chromium: nothing is written to the user's home (code-server's config.yaml, ~/.config/chromium). */
export const HOME = path.join(OUT, 'home');

/** The environment of every process started here: its own HOME and XDG directories under test-output/e2e/home. */
export function isolatedEnv(): NodeJS.ProcessEnv {
  const dirs = {
    HOME,
    XDG_CONFIG_HOME: path.join(HOME, '.config'),
    XDG_DATA_HOME: path.join(HOME, '.local', 'share'),
    XDG_CACHE_HOME: path.join(HOME, '.cache'),
    XDG_STATE_HOME: path.join(HOME, '.local', 'state'),
    TMPDIR: path.join(OUT, 'tmp'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  return { ...process.env, ...dirs };
}

export function requireInstalled(): void {
  if (!fs.existsSync(ENTRY)) throw new Error(`code-server is not installed: run test/e2e/install-code-server.sh (${ENTRY} missing)`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install chromium`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function installExtension(vsix: string, extensionsDir: string, userDataDir: string): void {
  const r = spawnSync(
    process.execPath,
    [ENTRY, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'],
    {
      encoding: 'utf8',
      timeout: 120000,
      env: isolatedEnv(),
    },
  );
  if (r.status !== 0 || !/was successfully installed/.test(r.stdout)) {
    throw new Error(`installing ${vsix} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

export interface Session {
  page: Page;
  url: string;
  log: () => string;
  close: () => Promise<void>;
}

/** Starts code-server on a free loopback port for `folder` and opens it in Chromium. */
export async function openWorkbench(folder: string, userDataDir: string, extensionsDir: string): Promise<Session> {
  requireInstalled();
  const port = await freePort();
  let output = '';
  const server: ChildProcess = spawn(
    process.execPath,
    [
      ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      folder,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: isolatedEnv() },
  );
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  let browser: BrowserContext | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    if (server.exitCode === null && server.pid) {
      const exited = new Promise((r) => server.once('exit', r));
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-server.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      await exited;
      clearTimeout(t);
    }
  };
  try {
    await waitFor(async () => output.includes('HTTP server listening') || server.exitCode !== null, 60000, 'code-server to listen');
    if (server.exitCode !== null) throw new Error(`code-server exited ${server.exitCode}:\n${output}`);
    // A persistent context: the profile is a folder of ours (a plain launch() would make one in /tmp).
    const profile = path.join(OUT, 'chromium-profile');
    fs.rmSync(profile, { recursive: true, force: true });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      env: isolatedEnv() as Record<string, string>,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    return { page, url, log: () => output, close };
  } catch (e) {
    await close();
    throw e;
  }
}

export async function waitFor(pred: () => Promise<boolean> | boolean, timeoutMs: number, what: string, intervalMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
