/**
 * `kubectl attach` on the node: the container's output from now on, followed until it ends,
 * read from its log file (stdout and stderr as the container wrote them, in order). Containers
 * here are not started with an open stdin, so an attach asking for stdin is refused by the
 * endpoint before it gets here.
 */
import { PassThrough } from 'node:stream';
import type { StreamProcess } from '../streams/index.js';
import { streamLog } from './logs.js';

export function attachTo(file: string, ended: Promise<unknown>): StreamProcess {
  const stdout = new PassThrough();
  const done = streamLog(file, { follow: true, timestamps: false, tailLines: 0 }, stdout, ended);
  return {
    stdout,
    exited: done.then(() => {
      stdout.end();
      return 0;
    }),
    kill: () => stdout.destroy(),
  };
}
