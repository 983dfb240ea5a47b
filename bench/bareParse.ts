/** The floor: a bare tree-sitter parse of every .c/.h file under a directory, nothing else. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRaw } from '../server/src/engine/cParser';

export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.[ch]$/.test(f)).map((f) => path.join(dir, f)).sort();
}

export function bareParse(dir: string): number {
  let n = 0;
  for (const f of sourceFiles(dir)) {
    parseRaw(fs.readFileSync(f, 'utf8'));
    n++;
  }
  return n;
}

if (require.main === module) console.log(bareParse(process.argv[2]));
