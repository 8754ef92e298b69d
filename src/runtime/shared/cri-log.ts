/**
 * Writes a container's stdout and stderr to one file in the CRI log format kubelet reads
 * (`<RFC3339Nano> <stream> <P|F> <text>`), which the agent's `logs` reader parses. Output is
 * split on newlines; a partial line waits for its end, and a partial line longer than
 * `maxLineBytes` is written as `P` chunks (as containerd does at 16 KiB) so memory stays bounded.
 * Lines are written synchronously, once per chunk read from the container: a line read from the
 * pipe is on disk before the agent reads on, so an agent killed outright loses none it had read
 * (an asynchronous stream would hold them in memory, and the adopting agent reads on after them).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

export type LogStream = 'stdout' | 'stderr';

/** Wall-clock time with nanosecond digits (microsecond precision from the monotonic clock). */
export function rfc3339Nano(): string {
  const t = performance.timeOrigin + performance.now();
  const ms = Math.floor(t);
  const micros = Math.floor((t - ms) * 1000);
  const iso = new Date(ms).toISOString(); // 2026-01-02T03:04:05.123Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}000Z`;
}

export class CriLogWriter {
  private fd: number | undefined;
  /** Finished lines of the chunk being written, flushed in one write at its end. */
  private batch: Buffer[] = [];
  private readonly pending: Record<LogStream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly pendingBytes: Record<LogStream, number> = { stdout: 0, stderr: 0 };

  constructor(file: string, private readonly maxLineBytes = 16 * 1024) {
    // Owner-only: a container's output may hold anything it printed (tokens, passwords).
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.fd = openSync(file, 'a', 0o600);
  }

  write(stream: LogStream, chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.append(stream, chunk.subarray(start, nl));
      this.emit(stream, 'F');
      start = nl + 1;
    }
    this.append(stream, chunk.subarray(start));
    this.flush();
  }

  private flush(): void {
    if (this.fd === undefined) this.batch = [];
    if (!this.batch.length || this.fd === undefined) return;
    const data = Buffer.concat(this.batch);
    this.batch = [];
    try {
      for (let off = 0; off < data.length;) off += writeSync(this.fd, data, off);
    } catch {
      // A full disk must not crash the agent; the container keeps running without its log.
    }
  }

  /** Adds to the unfinished line, writing a `P` chunk each time it reaches the limit. */
  private append(stream: LogStream, part: Buffer): void {
    let start = 0;
    while (start < part.length) {
      const end = Math.min(part.length, start + this.maxLineBytes - this.pendingBytes[stream]);
      this.pending[stream].push(part.subarray(start, end));
      this.pendingBytes[stream] += end - start;
      start = end;
      if (this.pendingBytes[stream] >= this.maxLineBytes) this.emit(stream, 'P');
    }
  }

  private emit(stream: LogStream, tag: 'P' | 'F'): void {
    const text = Buffer.concat(this.pending[stream]);
    this.pending[stream] = [];
    this.pendingBytes[stream] = 0;
    this.batch.push(Buffer.from(`${rfc3339Nano()} ${stream} ${tag} `), text, Buffer.from('\n'));
  }

  /** Writes what is left of unfinished lines and closes the file. */
  close(): Promise<void> {
    for (const s of ['stdout', 'stderr'] as const) if (this.pending[s].length) this.emit(s, 'F');
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return Promise.resolve();
  }
}
