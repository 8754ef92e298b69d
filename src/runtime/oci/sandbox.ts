/**
 * A pod's sandbox without a pause container: its namespaces (namespaces.ts) wired by CNI
 * (loopback, then the bridge network), and the files every container of the pod mounts —
 * /etc/hosts with the pod's address, /etc/resolv.conf, /etc/hostname. What DEL needs later (the
 * CNI result, the port mappings) is written beside them, so a sandbox can be torn down from
 * disk alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pod } from '../../api/kinds.js';
import { resultAddress, type CniResult, type PortMapping } from './cni.js';
import { OciRuntimeError } from './errors.js';
import { createNamespaces, namespacePaths, removeNamespaces } from './namespaces.js';
import { portMappings, type PodNetworks } from './network.js';
import type { SandboxFiles } from './spec.js';

export interface SandboxRecord {
  readonly id: string;
  readonly podUid: string;
  readonly podName: string;
  readonly ip: string;
  readonly dir: string;
  readonly portMappings: readonly PortMapping[];
  readonly result: CniResult;
}

const ifName = 'eth0';

export function sandboxFiles(dir: string): SandboxFiles {
  return { namespaces: namespacePaths(dir), hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv.conf'), hostname: path.join(dir, 'hostname') };
}

/** The host's resolver configuration, unless it only names loopback resolvers (a local stub such
 * as systemd-resolved's), which a pod cannot reach from its own network namespace. */
function resolvConf(): string {
  for (const file of ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const servers = [...text.matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]!);
    if (servers.some((s) => !s.startsWith('127.') && s !== '::1')) return text;
  }
  return 'nameserver 8.8.8.8\n';
}

function hostsFile(ip: string, hostname: string): string {
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${ip}\t${hostname}`,
    '',
  ].join('\n');
}

export async function createSandbox(networks: PodNetworks, dir: string, pod: Pod): Promise<SandboxRecord> {
  const podUid = pod.metadata.uid ?? '';
  const podName = pod.metadata.name ?? '';
  const hostname = pod.spec.hostname ?? podName;
  const id = `skiff-${randomBytes(6).toString('hex')}`;
  await mkdir(dir, { recursive: true });
  const ns = await createNamespaces(dir);
  const mappings = portMappings(pod);
  const attachment = { containerId: id, netns: ns.net, ifName, capabilityArgs: { portMappings: mappings } };
  let loopbackUp = false;
  try {
    await networks.loopback.add({ ...attachment, ifName: 'lo' });
    loopbackUp = true;
    const result = await networks.bridged(mappings.length > 0).add(attachment);
    const ip = resultAddress(result);
    if (!ip) throw new OciRuntimeError('NoAddress', `the CNI result for pod ${podName} has no address: ${JSON.stringify(result)}`);
    const record: SandboxRecord = { id, podUid, podName, ip, dir, portMappings: mappings, result };
    const files = sandboxFiles(dir);
    await Promise.all([
      writeFile(files.hosts, hostsFile(ip, hostname)),
      writeFile(files.resolvConf, resolvConf()),
      writeFile(files.hostname, `${hostname}\n`),
      writeFile(path.join(dir, 'sandbox.json'), JSON.stringify(record)),
    ]);
    return record;
  } catch (err) {
    if (loopbackUp) await networks.loopback.del({ ...attachment, ifName: 'lo' }).catch(() => undefined);
    await removeNamespaces(dir);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** CNI DEL in reverse, then the namespaces and files; safe to repeat. */
export async function destroySandbox(networks: PodNetworks, record: SandboxRecord): Promise<void> {
  const ns = namespacePaths(record.dir);
  // A namespace already gone is passed as none: plugins then release what is outside it.
  const netns = existsSync(ns.net) ? ns.net : '';
  const attachment = { containerId: record.id, netns, ifName, capabilityArgs: { portMappings: record.portMappings } };
  let first: unknown;
  await networks.bridged(record.portMappings.length > 0).del(attachment, record.result).catch((e: unknown) => (first ??= e));
  await networks.loopback.del({ ...attachment, ifName: 'lo' }).catch((e: unknown) => (first ??= e));
  await removeNamespaces(record.dir);
  if (first) throw first;
}

/** A sandbox as written by createSandbox, for teardown after a restart. */
export async function readSandbox(dir: string): Promise<SandboxRecord | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'sandbox.json'), 'utf8')) as SandboxRecord;
  } catch {
    return undefined;
  }
}
