/**
 * Idle connections: a TLS connection (HTTP/1.1 socket or HTTP/2 session) that has no request in
 * progress — none sent yet, headers never finished, or the last one answered — is closed after
 * the idle timeout. A request in progress keeps its connection however quiet it is, so a watch
 * with no events (and no bookmarks) or a log follow of a silent container is never cut; socket
 * inactivity timers could not tell those from an abandoned connection.
 */
import type { IncomingMessage } from 'node:http';

interface Connection {
  active: number;
  readonly timer: NodeJS.Timeout;
}

export class IdleConnections {
  private readonly conns = new WeakMap<object, Connection>();

  constructor(private readonly timeoutMs: number) {}

  /** Starts watching a new connection; `close` is called once it has been idle too long. */
  add(key: object, close: () => void): void {
    const c: Connection = {
      active: 0,
      timer: setTimeout(() => {
        if (c.active === 0) close();
      }, this.timeoutMs),
    };
    c.timer.unref();
    this.conns.set(key, c);
  }

  /** Forgets a closed connection. */
  remove(key: object): void {
    const c = this.conns.get(key);
    if (c) clearTimeout(c.timer);
    this.conns.delete(key);
  }

  /** Marks a request in progress on its connection until its response closes. */
  track(req: IncomingMessage, onClose: (listener: () => void) => void): void {
    const key = connectionOf(req);
    const c = key && this.conns.get(key);
    if (!c) return;
    c.active++;
    onClose(() => {
      c.active--;
      // The timer may have fired during the request (and done nothing): re-arm it from now.
      if (c.active === 0) c.timer.refresh();
    });
  }
}

/** The HTTP/2 session of a request, or its HTTP/1.1 socket. */
export function connectionOf(req: IncomingMessage): object | undefined {
  const stream = (req as unknown as { stream?: { session?: object } }).stream;
  return stream?.session ?? req.socket;
}
