/**
 * Parser-level rejections of HTTP/1.1 requests (Node's `clientError`: a malformed request line,
 * bad or oversized headers, a request that timed out before it was read): the request never
 * reaches the router, so the answer is written straight to the socket — a minimal HTTP/1.1
 * response with a `Status` body, then the connection is closed gracefully (linger.ts) so that a
 * client still sending reads the answer instead of a reset. (On HTTP/2 the same rejections are
 * stream or session errors; the protocol leaves no place for a body.)
 */
import type { Duplex } from 'node:stream';
import { ApiError, BadRequestError, RequestHeaderFieldsTooLargeError } from '../../api/errors.js';
import { statusOf } from './status.js';
import { lingerClose } from './linger.js';

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

/** The API error for a parser error code (`HPE_*`, `ERR_HTTP_REQUEST_TIMEOUT`). */
export function clientErrorStatus(err: NodeJS.ErrnoException): ApiError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new RequestHeaderFieldsTooLargeError();
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'Timeout', 'the request was not received in time');
    default:
      return new BadRequestError(`malformed HTTP request: ${err.code ?? err.message}`);
  }
}

/** The response bytes for a parser-level rejection. */
export function clientErrorResponse(err: NodeJS.ErrnoException): string {
  const e = clientErrorStatus(err);
  const body = JSON.stringify(statusOf(e));
  return (
    `HTTP/1.1 ${e.code} ${reasonPhrases[e.code] ?? 'Bad Request'}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  );
}

type HttpSocket = Duplex & {
  _httpMessage?: { headersSent?: boolean };
  parser?: { incoming?: { complete?: boolean } | null } | null;
};

/** Whether the client closed its side in the middle of a request whose head had arrived (a body
 * cut short): the client went away, and there is no one to tell. */
function endedMidBody(err: NodeJS.ErrnoException, socket: HttpSocket): boolean {
  const incoming = socket.parser?.incoming;
  return err.code === 'HPE_INVALID_EOF_STATE' && incoming !== undefined && incoming !== null && incoming.complete !== true;
}

/** The `clientError` listener: answers where the socket still can, and always closes it. */
export function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const s = socket as HttpSocket;
  const inResponse = s._httpMessage?.headersSent === true;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable || inResponse || endedMidBody(err, s)) {
    socket.destroy();
    return;
  }
  lingerClose(socket, clientErrorResponse(err));
}
