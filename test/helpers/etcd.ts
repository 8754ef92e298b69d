/**
 * A real etcd server for tests, on free loopback ports with its data in a fresh temp dir. Used by
 * the storage suite (conformance, durability) and by API-server tests that run on etcd.
 * A missing etcd binary is an error, never a skip: `./scripts/test` installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './serverprocess.js';
import os from 'node:os';
import path from 'node:path';

export interface EtcdServer {
  /** Datastore URL for skiff: `etcd://127.0.0.1:PORT`. */
  readonly url: string;
  /** Client endpoint for etcd clients: `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly dataDir: string;
  /** Stops etcd (SIGTERM) and removes the data dir if this helper created it. */
  stop(): Promise<void>;
  /** Kills etcd with SIGKILL (a crash); the data dir stays for `restart()`. */
  kill(): Promise<void>;
  /** Starts etcd again on the same ports and data dir (after `kill()`), once it answers. */
  restart(): Promise<void>;
}

export interface StartEtcdOptions {
  /** Use this data dir (kept on stop) instead of a fresh temp dir (removed on stop). */
  readonly dataDir?: string;
}

const etcdBinary = process.env['SKIFF_ETCD'] ?? '/usr/bin/etcd';
const running = new Set<ChildProcess>();

// A test process that dies must not leave etcd servers behind.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdServer> {
  if (!existsSync(etcdBinary)) {
    throw new Error(`etcd not found at ${etcdBinary}: install Debian's etcd-server (./scripts/test does) or set SKIFF_ETCD`);
  }
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'skiff-etcd-'));
  let lastError: unknown;
  // Free ports are found by binding and releasing them; another process can grab one in between,
  // so a start that fails is retried on fresh ports.
  for (let attempt = 0; attempt < 3; attempt++) {
    const clientPort = await freePort();
    const peerPort = await freePort();
    try {
      let child = await launch(dataDir, clientPort, peerPort);
      const endpoint = `http://127.0.0.1:${clientPort}`;
      return {
        url: `etcd://127.0.0.1:${clientPort}`,
        endpoint,
        dataDir,
        async stop() {
          await terminate(child, 'SIGTERM');
          if (ownDir) rmSync(dataDir, { recursive: true, force: true });
        },
        async kill() {
          await terminate(child, 'SIGKILL');
        },
        async restart() {
          await terminate(child, 'SIGKILL');
          child = await launch(dataDir, clientPort, peerPort);
        },
      };
    } catch (err) {
      lastError = err;
    }
  }
  if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  throw new Error(`etcd did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/** Spawns etcd and resolves once its /health answers true; rejects if it exits first. */
async function launch(dataDir: string, clientPort: number, peerPort: number): Promise<ChildProcess> {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCD_')) env[k] = v;
  const child = spawn(
    etcdBinary,
    [
      '--name=default',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      '--initial-cluster-state=new',
      '--logger=zap',
      '--log-level=error',
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      reject(new Error(`etcd exited (${signal ?? code}) before answering: ${stderr.trim()}`));
    });
    child.once('error', (err) => reject(err));
  });
  exited.catch(() => undefined); // observed below; a later exit is not an error here
  const deadline = Date.now() + 20_000;
  for (;;) {
    const healthy = await Promise.race([health(client), exited]);
    if (healthy) return child;
    if (Date.now() > deadline) {
      await terminate(child, 'SIGKILL');
      throw new Error(`etcd on ${client} not healthy after 20s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function health(client: string): Promise<boolean> {
  try {
    const res = await fetch(`${client}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return res.ok && body.health === 'true';
  } catch {
    return false;
  }
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
  running.delete(child);
}
