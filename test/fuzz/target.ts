/** The server under fuzz: `skiff up` started as a process on a fresh data dir, as users run it,
 * or a running server given by address (and optionally its kubeconfig and pid). */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { freePort } from '../helpers/serverprocess.js';
import { skiffMain } from '../helpers/paths.js';
import type { Endpoint } from './wire.js';

export interface Target {
  readonly endpoint: Endpoint;
  /** The admin's bearer token, when known. */
  readonly token: string | undefined;
  /** The server's process id, when known (for RSS). */
  readonly pid: number | undefined;
  /** Why the process is gone, or undefined while it runs (always undefined for an address). */
  exited(): string | undefined;
  /** The last lines the process wrote to stderr. */
  stderrTail(): string;
  stop(): Promise<void>;
}

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users: { user: { token?: string } }[];
}

function readKubeconfig(file: string): { url: string; ca: string | undefined; token: string | undefined } {
  const cfg = parseYaml(readFileSync(file, 'utf8')) as Kubeconfig;
  const cluster = cfg.clusters[0]!.cluster;
  const caData = cluster['certificate-authority-data'];
  // The admin kubeconfig authenticates by client certificate; the admin's bearer token is in
  // the data dir beside it.
  return { url: cluster.server, ca: caData ? Buffer.from(caData, 'base64').toString() : undefined, token: cfg.users[0]?.user.token ?? adminTokenBeside(file) };
}

function adminTokenBeside(kubeconfig: string): string | undefined {
  try {
    const tokens = JSON.parse(readFileSync(path.join(path.dirname(kubeconfig), 'tokens.json'), 'utf8')) as { token: string; role?: string }[];
    return tokens.find((t) => t.role === 'admin')?.token;
  } catch {
    return undefined;
  }
}

function endpointOf(url: string, ca: string | undefined): Endpoint {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443), ca, url: u.origin };
}

/** A server someone else runs. */
export function givenTarget(address: string, kubeconfig: string | undefined, pid: number | undefined): Target {
  const kc = kubeconfig ? readKubeconfig(kubeconfig) : undefined;
  const url = /^https?:\/\//.test(address) ? address : `https://${address}`;
  const alive = () => {
    if (pid === undefined) return undefined;
    try {
      process.kill(pid, 0);
      return undefined;
    } catch {
      return `process ${pid} is gone`;
    }
  };
  return { endpoint: endpointOf(url, kc?.ca), token: kc?.token, pid, exited: alive, stderrTail: () => '', stop: async () => undefined };
}

/** `skiff up` on a fresh data dir and a free port, on a random loopback address block. */
export async function startSkiffUp(): Promise<Target> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-fuzz-'));
  const port = await freePort();
  const block = 30 + Math.floor(Math.random() * 220);
  const child: ChildProcess = spawn(process.execPath, [skiffMain, 'up', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--address-block', String(block)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, SKIFF_LOG_LEVEL: process.env['SKIFF_LOG_LEVEL'] ?? 'warn' },
  });
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-20_000)));
  let exit: string | undefined;
  child.on('exit', (code, signal) => (exit = `skiff up exited (code ${code}, signal ${signal})`));
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  const deadline = Date.now() + 60_000;
  while (!(existsSync(kubeconfig) && tail.includes('cluster ready'))) {
    if (exit) throw new Error(`${exit}: ${tail}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`skiff up did not start: ${tail}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const kc = readKubeconfig(kubeconfig);
  return {
    endpoint: endpointOf(kc.url, kc.ca),
    token: kc.token,
    pid: child.pid,
    exited: () => exit,
    stderrTail: () => tail,
    async stop() {
      if (!exit) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(t);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The resident set size of `pid` in bytes, or undefined if it cannot be read. */
export function rssOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
