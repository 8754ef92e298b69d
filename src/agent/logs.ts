/**
 * Reading container logs as `kubectl logs` asks for them: the CRI log file of the current run (or
 * the previous one), `tailLines`, `sinceSeconds`/`sinceTime`, `timestamps`, `limitBytes`, and
 * `follow`, which keeps reading as the file grows until the container's run ends.
 */
import { createReadStream, existsSync, statSync, watch } from 'node:fs';
import type { Writable } from 'node:stream';
import { queryBool } from '../api/querybool.js';

export interface LogQuery {
  readonly follow: boolean;
  readonly tailLines?: number;
  readonly sinceMs?: number;
  readonly timestamps: boolean;
  readonly limitBytes?: number;
}

export function logQuery(q: URLSearchParams): LogQuery {
  const num = (k: string) => (q.get(k) !== null && q.get(k) !== '' ? Number(q.get(k)) : undefined);
  const sinceSeconds = num('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  const sinceMs = sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  const tailLines = num('tailLines');
  const limitBytes = num('limitBytes');
  return {
    follow: queryBool(q.get('follow')),
    timestamps: queryBool(q.get('timestamps')),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceMs !== undefined && !Number.isNaN(sinceMs) ? { sinceMs } : {}),
    ...(limitBytes !== undefined ? { limitBytes } : {}),
  };
}

/** One CRI log line → what the user sees (with the timestamp when asked). */
export function formatLine(line: string, q: LogQuery): string | undefined {
  const m = /^(\S+) (stdout|stderr) ([PF]) (.*)$/.exec(line);
  if (!m) return undefined;
  const [, time, , tag, text] = m as unknown as [string, string, string, string, string];
  if (q.sinceMs !== undefined && Date.parse(time) < q.sinceMs) return undefined;
  const body = tag === 'F' ? `${text}\n` : text;
  return q.timestamps ? `${time} ${body}` : body;
}

/** Writes the selected part of `file` to `out`; with `follow`, keeps going until `ended()`
 * resolves (the run is over) or `out` closes. */
export async function streamLog(file: string, q: LogQuery, out: Writable, ended: Promise<unknown>): Promise<void> {
  let written = 0;
  const emit = (s: string): boolean => {
    if (q.limitBytes !== undefined) {
      const room = q.limitBytes - written;
      if (room <= 0) return false;
      s = Buffer.from(s).subarray(0, room).toString();
    }
    written += Buffer.byteLength(s);
    out.write(s);
    return q.limitBytes === undefined || written < q.limitBytes;
  };
  let offset = 0;
  let partial = '';
  const readMore = async (): Promise<boolean> => {
    if (!existsSync(file)) return true;
    const size = statSync(file).size;
    if (size <= offset) return true;
    const chunks: Buffer[] = [];
    for await (const c of createReadStream(file, { start: offset, end: size - 1 })) chunks.push(c as Buffer);
    offset = size;
    const lines = (partial + Buffer.concat(chunks).toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const f = formatLine(l, q);
      if (f !== undefined && !emit(f)) return false;
    }
    return true;
  };
  if (q.tailLines !== undefined && existsSync(file)) {
    // Tail: only the last lines of what is there now.
    const all = (await readAll(file)).split('\n');
    offset = statSync(file).size;
    partial = all.pop() ?? '';
    const picked = all.map((l) => formatLine(l, q)).filter((x): x is string => x !== undefined);
    for (const f of picked.slice(Math.max(0, picked.length - q.tailLines))) if (!emit(f)) return;
  } else if (!(await readMore())) return;
  if (!q.follow) return;
  let done = false;
  void ended.then(() => (done = true));
  out.once('close', () => (done = true));
  const watcher = existsSync(file) ? watch(file) : undefined;
  try {
    while (!done) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 250);
        watcher?.once('change', () => {
          clearTimeout(t);
          resolve();
        });
      });
      if (!(await readMore())) return;
    }
    await readMore();
  } finally {
    watcher?.close();
  }
}

async function readAll(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(file)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
