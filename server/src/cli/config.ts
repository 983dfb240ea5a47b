/** `.vfio-variant.json`: the CLI's settings file, found by walking up from the checked path. */
import * as fs from 'fs';
import * as path from 'path';
import { normalizeSettings, type Settings } from '../engine';

export const CONFIG_NAME = '.vfio-variant.json';

export function findConfig(start: string): string | undefined {
  let dir = path.resolve(start);
  try {
    if (!fs.statSync(dir).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    const candidate = path.join(dir, CONFIG_NAME);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function loadConfig(file: string, problems: string[]): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`${file}: ${(e as Error).message}`);
    return normalizeSettings(undefined);
  }
  const local: string[] = [];
  const settings = normalizeSettings(raw, local);
  problems.push(...local.map((p) => `${file}: ${p}`));
  if (settings.kernelTree && !path.isAbsolute(settings.kernelTree)) {
    settings.kernelTree = path.resolve(path.dirname(file), settings.kernelTree);
  }
  return settings;
}
