/**
 * Closing an HTTP/1.1 connection gracefully after an early answer (a parser-level 400/431, a
 * 401/413 sent before the request body has arrived): the client may still be sending, and a
 * socket closed with unread bytes in its receive buffer resets the connection, which makes many
 * clients drop the answer they have not read yet and report "connection reset" or EPIPE instead.
 * So the answer is flushed and the write side half-closed, what the client still sends is read
 * and thrown away for a short while, and only then is the socket destroyed (Go's net/http does the
 * same with its close-write-and-wait before closing). HTTP/2 needs none of this: a stream is
 * reset on its own while the connection stays.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a half-closed connection keeps draining before it is destroyed. */
export const LINGER_MS = 1000;
/** How much a lingering connection reads and discards at most before it is destroyed. */
export const LINGER_MAX_BYTES = 4 * 1024 * 1024;

const lingering = new WeakSet<Duplex>();

/**
 * Ends `socket` after `last` (if given) is flushed, drains what still arrives, and destroys it once
 * the peer has closed its side, after {@link LINGER_MS}, or after {@link LINGER_MAX_BYTES}.
 */
export function lingerClose(socket: Duplex, last?: string | Buffer): void {
  if (socket.destroyed) return;
  if (lingering.has(socket)) return;
  lingering.add(socket);
  // Whoever read the socket (Node's HTTP parser) is done with it: what comes now is discarded.
  socket.removeAllListeners('data');
  socket.removeAllListeners('timeout');
  socket.on('error', () => socket.destroy());
  let drained = 0;
  socket.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER_MAX_BYTES) socket.destroy();
  });
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // The peer closed its side: nothing more to drain once the answer is out.
  socket.once('end', () => {
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  });
  socket.resume();
  if (last === undefined) socket.end();
  else socket.end(last);
}

/**
 * Makes Node's HTTP/1.1 server linger instead of closing at once when it closes the connection
 * after the current response (`Connection: close`): for an answer sent while the request's body
 * is still arriving.
 */
export function lingerAfterResponse(socket: Duplex): void {
  const s = socket as Duplex & { destroySoon?: () => void };
  if (s.destroyed || typeof s.destroySoon !== 'function') return;
  s.destroySoon = () => lingerClose(socket);
}

/** Whether the request's body has been announced but not (all) read. */
function bodyPending(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = Number(req.headers['content-length'] ?? 0);
  return req.headers['transfer-encoding'] !== undefined || length > 0;
}

/**
 * For an answer sent before the request's body has arrived (401, 403, 413, 429…): on HTTP/1.1 the
 * connection is closed after the answer, gracefully, rather than reading a body nobody wants to
 * its end. HTTP/2 resets just the stream.
 */
export function closeIfBodyPending(req: IncomingMessage, res: ServerResponse): void {
  if ((res as unknown as { stream?: unknown }).stream !== undefined || res.headersSent) return;
  if (!bodyPending(req)) return;
  res.setHeader('Connection', 'close');
  const socket = res.socket ?? req.socket;
  if (socket) lingerAfterResponse(socket);
}
