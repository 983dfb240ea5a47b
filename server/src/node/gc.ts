/**
 * A full garbage collection on demand. tree-sitter's native trees are freed only
 * when V8 finalizes their JS objects, and V8 never learns their native size, so
 * without this a long editing session keeps hundreds of superseded trees alive.
 * `--expose-gc` is switched on at run time: the server is started by clients we do
 * not control.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    }
  }
  gc();
}
