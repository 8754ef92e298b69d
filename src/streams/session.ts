/**
 * One exec/attach session on the node: a WebSocket speaking the channel protocol on one side,
 * a process's stdio (or a terminal) on the other. The process's end writes the error channel's
 * Status and closes the socket; the socket's end (a client gone mid-stream) kills the process,
 * so nothing is left behind either way.
 */
import type { Readable, Writable } from 'node:stream';
import type WebSocket from 'ws';
import { CHANNEL, decodeMessage, encodeMessage, exitStatus, failureStatus, parseResize, type StreamProtocol } from './channel.js';

/** What a session drives: a running command (exec) or a container's streams (attach). */
export interface StreamProcess {
  readonly stdin?: Writable | undefined;
  readonly stdout?: Readable | undefined;
  /** Absent with a terminal (its output is all on stdout). */
  readonly stderr?: Readable | undefined;
  resize?(cols: number, rows: number): void;
  /** The exit code once it ended. */
  readonly exited: Promise<number>;
  /** Ends it (the client went away). */
  kill(): void;
}

/**
 * How long after the handshake the first message waits. client-go (kubectl ≥1.30) reads the
 * socket in one goroutine and registers its streams in another; a message that arrives before
 * its stream is registered is dropped ("Unknown stream id"), and a close before then fails the
 * command ("closed all streams"). Nothing on the wire says the client is ready, so a command
 * that answers at once (a missing program, `echo`) is held back this long.
 */
export const FIRST_MESSAGE_DELAY_MS = 80;

export function runSession(ws: WebSocket, protocol: StreamProtocol, proc: StreamProcess): Promise<void> {
  let held: { channel: number; data: Buffer }[] | undefined = [];
  const write = (channel: number, data: Buffer): void => {
    if (ws.readyState !== ws.OPEN) return;
    const m = encodeMessage(protocol, channel, data);
    ws.send(m.data, { binary: m.binary });
  };
  const send = (channel: number, data: Buffer): void => {
    if (held) held.push({ channel, data });
    else write(channel, data);
  };
  const released = new Promise<void>((resolve) => setTimeout(() => {
    for (const m of held ?? []) write(m.channel, m.data);
    held = undefined;
    resolve();
  }, FIRST_MESSAGE_DELAY_MS).unref());
  // v4/v5 clients expect the output channels opened with an empty message (kubectl ignores it).
  let ended = false;
  ws.on('message', (raw: Buffer, isBinary: boolean) => {
    const m = decodeMessage(protocol, raw, isBinary);
    if (!m) return;
    if (m.channel === CHANNEL.stdin) {
      if (proc.stdin && !proc.stdin.destroyed) proc.stdin.write(m.data);
    } else if (m.channel === CHANNEL.resize) {
      const size = parseResize(m.data);
      if (size) proc.resize?.(size.cols, size.rows);
    } else if (m.channel === CHANNEL.close && m.data[0] === CHANNEL.stdin) {
      proc.stdin?.end();
    }
  });
  ws.on('error', () => undefined);
  ws.once('close', () => {
    if (!ended) proc.kill();
  });
  proc.stdin?.on('error', () => undefined);
  const drained: Promise<void>[] = [];
  for (const [stream, channel] of [[proc.stdout, CHANNEL.stdout], [proc.stderr, CHANNEL.stderr]] as const) {
    if (!stream) continue;
    stream.on('data', (chunk: Buffer | string) => send(channel, Buffer.from(chunk)));
    drained.push(new Promise((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    }));
  }
  return proc.exited.then(
    async (code) => {
      // Output already read goes out before the status (a pipe's end follows the exit closely).
      await Promise.race([Promise.all(drained), new Promise((r) => setTimeout(r, 500).unref())]);
      await released;
      ended = true;
      send(CHANNEL.error, Buffer.from(JSON.stringify(exitStatus(code))));
      ws.close(1000);
    },
    async (err: unknown) => {
      await released;
      ended = true;
      send(CHANNEL.error, Buffer.from(JSON.stringify(failureStatus(err instanceof Error ? err.message : String(err)))));
      ws.close(1000);
    },
  );
}
