/**
 * What `skiff up` prints for joining another node: an address another machine can reach (the API
 * listens on all interfaces) or how to get one (`--listen`), the skiff program by a path that works
 * from any directory, and the runtime when it is not the default.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const skiffMain = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

/** The absolute path of the repository's bin/skiff when there is one, else node and main.js. */
export function skiffProgram(main = skiffMain): string {
  const bin = path.resolve(path.dirname(main), '..', '..', '..', 'bin', 'skiff');
  return existsSync(bin) ? bin : `${process.execPath} ${main}`;
}

function loopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '::1' || host === '[::1]';
}

/** The first non-internal IPv4 address of this machine. */
export function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

export interface JoinHintOptions {
  /** `--listen` as given (host:port). */
  readonly listen: string;
  /** The URL the server serves on (loopback when it listens on all interfaces). */
  readonly url: string;
  readonly token: string;
  readonly caCert: string;
  readonly runtime: string;
  readonly external?: string | undefined;
}

export function joinHint(o: JoinHintOptions): string {
  const u = new URL(o.url);
  const listenHost = o.listen.slice(0, o.listen.lastIndexOf(':'));
  const everywhere = listenHost === '0.0.0.0' || listenHost === '' || listenHost === '::' || listenHost === '[::]';
  let note = '';
  if (everywhere && o.external) u.hostname = o.external;
  else if (loopback(u.hostname)) note = `  (${u.hostname} is this machine only: to join from another machine, start skiff up with --listen 0.0.0.0:${u.port} or --listen ADDRESS:${u.port})\n`;
  const runtime = o.runtime === 'process' ? '' : ` --runtime ${o.runtime}`;
  const server = u.toString().replace(/\/$/, '');
  return `join another machine or process as a node (give each its own --data-dir and --node-name):\n` +
    `  ${skiffProgram()} agent --server ${server} --token ${o.token} --ca-cert ${o.caCert}${runtime} --data-dir DIR\n` + note;
}

/** Why `--runtime oci` needs root, or undefined when it has it. */
export function ociNeedsRoot(runtime: string, uid = process.getuid?.()): string | undefined {
  if (runtime !== 'oci' || uid === 0) return undefined;
  return 'the oci runtime needs root: it creates network namespaces, a bridge and iptables rules for pods and runs runc; ' +
    'run it as root (sudo), or use --runtime process (the default), which needs no root';
}
