/**
 * The CLI's output, written synchronously to the file descriptor: complete
 * before the process exits (however slow the reader), and without node's
 * stream machinery, which the first touch of process.stdout loads (~2 ms of a
 * ~190 ms check).
 */
import * as fs from 'fs';

let pause: Int32Array | undefined;

export function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length;) {
    try {
      done += fs.writeSync(fd, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return; // the reader has gone (`| head`): nothing more to say
      if (code !== 'EAGAIN') throw e;
      // A non-blocking pipe that is full: wait a millisecond for the reader.
      Atomics.wait((pause ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, 1);
    }
  }
}
