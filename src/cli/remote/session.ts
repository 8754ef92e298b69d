/**
 * The client side of `pods/exec` and `pods/attach` over WebSocket, as kubectl speaks it: offers
 * `v5.channel.k8s.io` then `v4.channel.k8s.io`, copies stdin to channel 0 (and, on v5, closes it
 * with the close message when input ends, so `cat`/`tar xf -` see their end), channels 1 and 2
 * to stdout/stderr, terminal sizes to channel 4, and reads the exit status on channel 3.
 */
import type { Readable, Writable } from 'node:stream';
import WebSocket from 'ws';
import type { ClientConfig } from '../../client/index.js';
import { errorFrom, tlsOf } from '../../client/index.js';
import { CHANNEL } from '../../streams/index.js';

export interface SessionIO {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  /** The terminal's size now, for `-t` (sent first and whenever `onResize` fires). */
  readonly size?: () => { cols: number; rows: number } | undefined;
  readonly onResize?: (listener: () => void) => () => void;
}

interface StatusShape {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** Runs one session on `path` (…/exec?… or …/attach?…); resolves with the exit code. */
export function runRemote(config: ClientConfig, path: string, io: SessionIO): Promise<number> {
  const url = new URL(path, config.server);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  const ws = new WebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
    ...tlsOf(config),
    headers: config.token ? { Authorization: `Bearer ${config.token}` } : {},
  });
  return new Promise<number>((resolve, reject) => {
    let status: StatusShape | undefined;
    let stopResize: (() => void) | undefined;
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        reject(errorFrom(res.statusCode ?? 0, parsed, text));
        ws.terminate();
      });
    });
    ws.on('error', (err) => reject(err));
    const send = (channel: number, data: Buffer, done?: () => void): void => {
      if (ws.readyState !== WebSocket.OPEN) return done?.();
      ws.send(Buffer.concat([Buffer.of(channel), data]), () => done?.());
    };
    const sendSize = (): void => {
      const s = io.size?.();
      if (s) send(CHANNEL.resize, Buffer.from(JSON.stringify({ Width: s.cols, Height: s.rows })));
    };
    ws.on('open', () => {
      sendSize();
      stopResize = io.onResize?.(sendSize);
      const stdin = io.stdin;
      if (!stdin) return;
      stdin.on('data', (chunk: Buffer | string) => {
        // One message in flight at a time: a large copy never piles up in memory.
        stdin.pause();
        send(CHANNEL.stdin, Buffer.from(chunk), () => stdin.resume());
      });
      stdin.once('end', () => {
        if (ws.protocol === 'v5.channel.k8s.io') send(CHANNEL.close, Buffer.of(CHANNEL.stdin));
      });
    });
    ws.on('message', (raw: Buffer) => {
      if (raw.length === 0) return;
      const channel = raw[0]!, data = raw.subarray(1);
      if (channel === CHANNEL.stdout) io.stdout?.write(data);
      else if (channel === CHANNEL.stderr) io.stderr?.write(data);
      else if (channel === CHANNEL.error && data.length) {
        try {
          status = JSON.parse(data.toString('utf8')) as StatusShape;
        } catch {
          status = { status: 'Failure', message: data.toString('utf8') };
        }
      }
    });
    ws.on('close', () => {
      stopResize?.();
      io.stdin?.pause();
      if (!status || status.status === 'Success') return resolve(0);
      if (status.reason === 'NonZeroExitCode') {
        const code = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message);
        return resolve(Number.isInteger(code) ? code : 1);
      }
      reject(errorFrom(status.code ?? 500, { kind: 'Status', ...status }, status.message ?? ''));
    });
  });
}
