/**
 * The end of a request for bookkeeping (in-flight seats, watcher counts): its response's `close`,
 * or the connection's close for an HTTP/1.1 request pipelined behind another — Node queues such a
 * response unattached to the socket and never closes it when the connection goes, so a seat
 * taken for it would be held for good (found by the fuzz run: pipelined `GET /version`s on a
 * connection the client dropped exhausted the read-only pool).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Calls `fn` once, when `res` closes or its HTTP/1.1 connection does. */
export function onRequestDone(req: IncomingMessage, res: ServerResponse, fn: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    socket?.removeListener('close', once);
    fn();
  };
  const socket = (res as unknown as { stream?: unknown }).stream === undefined ? req.socket : undefined;
  res.once('close', once);
  if (!socket) return;
  if (socket.destroyed) once();
  else socket.once('close', once);
}
