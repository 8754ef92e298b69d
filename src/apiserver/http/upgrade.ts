/**
 * HTTP/1.1 requests with `Upgrade` (WebSocket, SPDY) for exec, attach and port-forward. Node
 * hands them to an `upgrade` listener as a bare socket; here each gets a response of its own and
 * runs through the same handler (authentication, authorization, audit, limits) as any request.
 * A handler that accepts the upgrade writes to the socket itself (podstream.ts); one that answers
 * with a Status ends the response, and the connection closes after it.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { lingerClose } from './linger.js';
import type { RequestListener } from './connectmethod.js';

export function onUpgrade(handler: RequestListener) {
  return (req: IncomingMessage, socket: Duplex): void => {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
    res.once('finish', () => lingerClose(socket));
    handler(req, res);
  };
}
