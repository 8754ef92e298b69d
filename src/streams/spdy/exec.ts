/**
 * `kubectl exec` and `attach` over SPDY (kubelet's remotecommand server): the client opens one
 * stream per role — `streamtype` error, stdin, stdout, stderr, resize — and the session starts
 * once all the ones its query asked for are there. Output streams end with FIN when the
 * process's pipes end; then the error stream carries the outcome (a Status in JSON from v4 on,
 * a plain message before), and the connection closes. The client going away kills the process.
 */
import { PassThrough, type Readable } from 'node:stream';
import { exitStatus, failureStatus, parseResize } from '../channel.js';
import type { StreamProcess } from '../session.js';
import type { SpdyConnection, SpdyStream } from './connection.js';

/** Protocols of exec and attach over SPDY, best first (kubelet's list). */
export const EXEC_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;

export interface ExecStreamsWanted {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** How long the client has to open its streams (kubelet's stream creation timeout). */
const STREAM_WAIT_MS = 30_000;

function expectedStreams(protocol: string, want: ExecStreamsWanted): number {
  const resize = want.tty && (protocol === 'v4.channel.k8s.io' || protocol === 'v3.channel.k8s.io');
  return 1 + Number(want.stdin) + Number(want.stdout) + Number(want.stderr && !want.tty) + Number(resize);
}

function waitForStreams(conn: SpdyConnection, count: number): Promise<Map<string, SpdyStream>> {
  return new Promise((resolve) => {
    const got = new Map<string, SpdyStream>();
    const done = (): void => {
      clearTimeout(timer);
      conn.off('stream', onStream);
      conn.off('close', done);
      resolve(got);
    };
    const onStream = (s: SpdyStream): void => {
      const type = s.header('streamtype') ?? '';
      if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type) || got.has(type)) return s.reset();
      s.reply();
      got.set(type, s);
      if (got.size >= count) done();
    };
    const timer = setTimeout(done, STREAM_WAIT_MS);
    conn.on('stream', onStream);
    conn.once('close', done);
  });
}

function ended(stream: Readable | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

export async function runSpdyExec(conn: SpdyConnection, protocol: string, want: ExecStreamsWanted, proc: StreamProcess): Promise<void> {
  // Output is held from now on: Node discards a child's unread pipes when it exits, which a
  // short command does before the client has opened its streams.
  const held = { stdout: proc.stdout?.pipe(new PassThrough()), stderr: proc.stderr?.pipe(new PassThrough()) };
  const streams = await waitForStreams(conn, expectedStreams(protocol, want));
  if (conn.isClosed) {
    proc.kill();
    return;
  }
  conn.once('close', () => proc.kill());
  const errorStream = streams.get('error');
  const stdin = streams.get('stdin');
  if (stdin) {
    if (proc.stdin) {
      proc.stdin.on('error', () => undefined);
      stdin.pipe(proc.stdin);
    } else stdin.resume();
  }
  const resize = streams.get('resize');
  if (resize) {
    let buffered = '';
    resize.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const size = parseResize(Buffer.from(line));
        if (size) proc.resize?.(size.cols, size.rows);
      }
    });
  }
  const outputs: Promise<void>[] = [];
  for (const [source, name] of [[held.stdout, 'stdout'], [held.stderr, 'stderr']] as const) {
    const target = streams.get(name);
    if (!source) {
      target?.end();
      continue;
    }
    if (target) source.pipe(target);
    else source.resume();
    outputs.push(ended(source));
  }
  let status: Record<string, unknown>;
  try {
    const code = await proc.exited;
    // Output already read goes out before the status (a pipe's end follows the exit closely).
    await Promise.race([Promise.all(outputs), new Promise((r) => setTimeout(r, 500).unref())]);
    status = exitStatus(code);
  } catch (err) {
    status = failureStatus(err instanceof Error ? err.message : String(err));
  }
  for (const name of ['stdout', 'stderr'] as const) {
    const s = streams.get(name);
    if (s && !s.writableEnded) s.end();
  }
  if (errorStream) {
    if (protocol === 'v4.channel.k8s.io') errorStream.write(JSON.stringify(status));
    else if (status['status'] !== 'Success') errorStream.write(String(status['message']));
    errorStream.end();
  }
  conn.close();
}
