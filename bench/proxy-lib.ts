/** Pieces both proxy benchmarks use: the backend program, children that print a first line, wrk
 * (optionally inside a network namespace) and medians. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A tiny keep-alive HTTP server on `argv[1]` (port picked by the kernel, printed first). */
export const backendScript = `
const http = require('node:http');
const body = Buffer.from('hello from the backend\\n');
const s = http.createServer((q, r) => { r.setHeader('content-type', 'text/plain'); r.end(body); });
s.keepAliveTimeout = 60000;
s.listen(0, process.argv[1], () => console.log(s.address().port));
`;

export function child(cmd: string, args: string[]): { proc: ChildProcess; firstLine: Promise<string>; stop(): Promise<void> } {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    proc.once('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${err}`)));
  });
  firstLine.catch(() => undefined);
  return {
    proc,
    firstLine,
    stop: () => new Promise<void>((r) => {
      if (proc.exitCode !== null) return r();
      proc.once('exit', () => r());
      proc.kill('SIGTERM');
    }),
  };
}

export async function waitForPort(ip: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, ip);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${ip}:${port} never answered`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface WrkFigures {
  rps: number;
  p50: number;
  p99: number;
}

function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

export interface WrkOptions {
  readonly connections: number;
  readonly seconds: number;
  /** Run wrk through this, e.g. `['ip', 'netns', 'exec', 'NS']`. */
  readonly prefix?: readonly string[];
}

export function wrk(ip: string, port: number, o: WrkOptions): WrkFigures {
  const argv = [...(o.prefix ?? []), 'wrk', '-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency', `http://${ip}:${port}/`];
  const out = execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  if (/Non-2xx|Socket errors/.test(out)) console.log(out);
  return { rps, p50, p99 };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** HAProxy as a plain TCP proxy (the baseline): one frontend on `bind`, one server. Returns the
 * config file written into `dir`. */
export function haproxyConfig(dir: string, bind: string, server: string): string {
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, [
    'global', '  maxconn 4096', '  nbthread 1',
    'defaults', '  mode tcp', '  timeout connect 5s', '  timeout client 60s', '  timeout server 60s',
    'frontend f', `  bind ${bind}`, '  default_backend b',
    'backend b', '  balance roundrobin', `  server s1 ${server}`, '',
  ].join('\n'));
  return cfg;
}
