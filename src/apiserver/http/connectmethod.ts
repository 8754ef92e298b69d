/**
 * HTTP/1.1 requests with the CONNECT method. Node hands them to a `connect` listener as a bare
 * socket and, without one, drops the connection unanswered; kube-apiserver routes CONNECT like any
 * other method it has no route for (405 on a served path, 404 elsewhere). So the request is given
 * a response of its own and served by the same handler, and the connection closes (lingering)
 * after the answer: nothing after a CONNECT's head is HTTP any more.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { lingerClose } from './linger.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The `connect` listener that serves CONNECT requests with `handler`. */
export function onConnectMethod(handler: RequestListener) {
  return (req: IncomingMessage, socket: Duplex): void => {
    socket.on('error', () => socket.destroy());
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
    // The socket stays assigned, so that its close is the response's `close` (what releases the
    // request's in-flight slot and idle-connection count).
    res.once('finish', () => lingerClose(socket));
    handler(req, res);
  };
}
