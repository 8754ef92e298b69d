/**
 * A request body the client stopped sending: it reset the connection or stream, or closed its
 * side before the declared length arrived. Nobody is left to read an answer, so this is neither a
 * 400 to write nor a server error to log — the error boundary drops the request quietly.
 */
import type { IncomingMessage } from 'node:http';

export class ClientWentAwayError extends Error {
  constructor(cause?: unknown) {
    super('the client went away while sending the request body', { cause });
    this.name = 'ClientWentAwayError';
  }
}

/** Codes with which Node reports a body cut short (HTTP/1.1 `aborted`, an HTTP/2 stream reset,
 * a stream destroyed before its end). */
const brokenCodes: ReadonlySet<string> = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_HTTP2_STREAM_ERROR', 'ERR_HTTP2_STREAM_CANCEL', 'ERR_HTTP2_INVALID_STREAM']);

/** Whether `err`, met while reading `req`'s body, means the client went away. */
export function isBrokenBody(req: IncomingMessage, err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && brokenCodes.has(code)) || req.destroyed || (req as IncomingMessage & { aborted?: boolean }).aborted === true;
}

/** Reads the whole body of `req` chunk by chunk (`onChunk` may throw to stop, e.g. over a size
 * limit); a body cut short rejects with {@link ClientWentAwayError}. */
export async function readChunks(req: IncomingMessage, onChunk: (chunk: Buffer) => void): Promise<void> {
  let refused: { err: unknown } | undefined;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      try {
        onChunk(chunk);
      } catch (err) {
        refused = { err };
        break;
      }
    }
  } catch (err) {
    if (isBrokenBody(req, err)) throw new ClientWentAwayError(err);
    throw err;
  }
  if (refused) throw refused.err;
  // The stream ended, but short of what the client announced.
  if (!req.complete) throw new ClientWentAwayError();
}
