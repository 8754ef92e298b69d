/**
 * The end of a request for bookkeeping (in-flight seats, watcher counts): its response's `close`,
 * or its HTTP/1.1 connection's close, whichever comes first. The fuzz run (seed 29) found
 * responses that never emitted `close` although their connection was gone — non-resource GETs
 * pipelined on a connection the client dropped — and the seats they held filled the read-only
 * pool until every request got 429. A connection that is gone ends every request on it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What waits for each HTTP/1.1 connection's close: one listener per socket, however many
 * requests are pipelined on it. */
const waiting = new WeakMap<Socket, Set<() => void>>();

function onSocketClose(socket: Socket, fn: () => void): () => void {
  let set = waiting.get(socket);
  if (!set) {
    const fns = (set = new Set());
    waiting.set(socket, fns);
    socket.once('close', () => {
      waiting.delete(socket);
      for (const f of fns) f();
    });
  }
  const fns = set;
  fns.add(fn);
  return () => fns.delete(fn);
}

/** Calls `fn` once, when `res` closes or its HTTP/1.1 connection does. */
export function onRequestDone(req: IncomingMessage, res: ServerResponse, fn: () => void): void {
  let done = false;
  let forget = (): unknown => undefined;
  const once = () => {
    if (done) return;
    done = true;
    forget();
    fn();
  };
  res.once('close', once);
  const socket = (res as unknown as { stream?: unknown }).stream === undefined ? req.socket : undefined;
  if (!socket) return;
  if (socket.destroyed) once();
  else forget = onSocketClose(socket, once);
}
