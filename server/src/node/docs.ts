/** Files shipped with the tool: rule pages (docs/rules/<id>.md) and package.json, found from the code's location. */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';

let root: string | undefined;

/** The install root: the nearest ancestor of this module holding package.json (works compiled or bundled). */
export function installRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'docs', 'rules'))) return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return (root = path.resolve(__dirname, '..', '..', '..', '..'));
}

export function toolVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(installRoot(), 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const urls = new Map<string, string>();

/** URL of a rule's page (or of the rules index when `ruleId` is empty). Asked for every diagnostic of every publish. */
export function docsUrl(ruleId: string): string {
  let url = urls.get(ruleId);
  if (!url) urls.set(ruleId, (url = pathToFileURL(path.join(installRoot(), 'docs', 'rules', ruleId ? `${ruleId}.md` : 'README.md')).href));
  return url;
}
