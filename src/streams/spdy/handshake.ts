/**
 * The HTTP side of a SPDY upgrade (apimachinery's httpstream handshake): the client lists the
 * stream protocols it speaks in `X-Stream-Protocol-Version` (best first); the server takes the
 * first it also speaks and names it in its 101, or refuses with 403 and the ones it accepts.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export const SPDY_UPGRADE = 'SPDY/3.1';
/** kubectl ≥1.31 port-forward: SPDY in WebSocket messages, this prefix on the subprotocol. */
export const SPDY_TUNNEL_PREFIX = 'SPDY/3.1+';

export function isSpdyUpgrade(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === SPDY_UPGRADE.toLowerCase();
}

/** The client's protocols, in its order (repeated headers and comma lists alike). */
export function clientProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['x-stream-protocol-version'];
  return (Array.isArray(raw) ? raw : [raw ?? '']).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function negotiate(req: IncomingMessage, supported: readonly string[]): string | undefined {
  return clientProtocols(req).find((p) => supported.includes(p));
}

/** Writes the 101 on the bare socket: the socket speaks SPDY from the next byte on. */
export function acceptUpgrade(socket: Duplex, protocol: string): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SPDY_UPGRADE}\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
}

/** apimachinery's refusal when no protocol is shared. */
export function negotiationFailure(req: IncomingMessage, supported: readonly string[]): { message: string; headers: Record<string, string> } {
  return {
    message: `unable to upgrade: unable to negotiate protocol: client supports [${clientProtocols(req).join(' ')}], server accepts [${supported.join(' ')}]`,
    headers: { 'X-Accepted-Stream-Protocol-Versions': supported.join(', ') },
  };
}
