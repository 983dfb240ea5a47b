/**
 * The floors: a bare tree-sitter parse of every .c/.h file under a directory, and a bare
 * incremental reparse. As a process (`node out/bench/bareParse.js DIR`) it loads only
 * tree-sitter and tree-sitter-c: nothing of the engine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Parser = require('tree-sitter');
import C = require('tree-sitter-c');

type Tree = Parser.Tree;
let parser: Parser | undefined;

/** The same call the engine makes (syntax/cParser.ts), without masking. */
function parseRaw(text: string, old?: Tree): Tree {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(C as unknown as Parser.Language);
  }
  return parser.parse(text, old, { bufferSize: Math.max(32 * 1024, text.length * 2 + 1024) });
}

export function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.[ch]$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

export function bareParse(dir: string): number {
  let n = 0;
  for (const f of sourceFiles(dir)) {
    parseRaw(fs.readFileSync(f, 'utf8'));
    n++;
  }
  return n;
}

/** tree-sitter alone keeping a tree up to date: edit + incremental parse, no masking, no facts. */
export class BareIncremental {
  private tree: Tree;

  constructor(private text: string) {
    this.tree = parseRaw(text);
  }

  /** Applies a change at `offset` (remove `removed` characters, insert `inserted`); returns the ms of edit + reparse. */
  change(offset: number, removed: number, inserted: string): number {
    const before = this.text;
    this.text = before.slice(0, offset) + inserted + before.slice(offset + removed);
    const point = (t: string, o: number) => {
      const lineStart = t.lastIndexOf('\n', o - 1) + 1;
      let row = 0;
      for (let i = t.indexOf('\n'); i >= 0 && i < lineStart; i = t.indexOf('\n', i + 1)) row++;
      return { row, column: o - lineStart };
    };
    const edit = {
      startIndex: offset,
      oldEndIndex: offset + removed,
      newEndIndex: offset + inserted.length,
      startPosition: point(before, offset),
      oldEndPosition: point(before, offset + removed),
      newEndPosition: point(this.text, offset + inserted.length),
    };
    const t0 = performance.now();
    this.tree.edit(edit);
    this.tree = parseRaw(this.text, this.tree);
    return performance.now() - t0;
  }
}

if (require.main === module) console.log(bareParse(process.argv[2]));
