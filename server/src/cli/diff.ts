import { createTwoFilesPatch } from 'diff';

/** `--fix-dry-run` output: a unified diff of one file. */
export function unifiedDiff(file: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
}
