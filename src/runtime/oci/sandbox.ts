/**
 * A pod's sandbox without a pause container: its namespaces (namespaces.ts) wired by CNI
 * (loopback, then the bridge network), and the files every container of the pod mounts —
 * /etc/hosts with the pod's address, /etc/resolv.conf, /etc/hostname. What DEL needs later (the
 * CNI result, the port mappings) is written beside them, so a sandbox can be torn down from
 * disk alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../api/kinds.js';
import { resultAddress, type CniResult, type PortMapping } from './cni.js';
import { OciRuntimeError } from './errors.js';
import { hostAliasesBlock, hostNetworkHosts, hostResolvConf, podResolvConf, type ClusterDnsSettings } from '../shared/index.js';
import { createNamespaces, namespacePaths, removeNamespaces, type PidHolder } from './namespaces.js';
import { portMappings, type PodNetworks } from './network.js';
import type { SandboxFiles } from './spec.js';

export interface SandboxRecord {
  readonly id: string;
  readonly podUid: string;
  readonly podName: string;
  readonly ip: string;
  readonly dir: string;
  readonly portMappings: readonly PortMapping[];
  /** No CNI result under hostNetwork: the pod has the node's address and no network of its own. */
  readonly result: CniResult;
  readonly hostNetwork?: boolean;
  readonly pidHolder?: PidHolder;
}

const ifName = 'eth0';

export function sandboxFiles(dir: string): SandboxFiles {
  return { namespaces: namespacePaths(dir), hosts: path.join(dir, 'hosts'), resolvConf: path.join(dir, 'resolv.conf'), hostname: path.join(dir, 'hostname') };
}

function hostsFile(ip: string, hostname: string, aliases: string): string {
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    `${ip}\t${hostname}`,
    '',
  ].join('\n') + aliases;
}

export async function createSandbox(networks: PodNetworks | undefined, dir: string, pod: Pod, nodeIP: string, clusterDns?: ClusterDnsSettings): Promise<SandboxRecord> {
  const podUid = pod.metadata.uid ?? '';
  const podName = pod.metadata.name ?? '';
  const hostNetwork = pod.spec.hostNetwork === true;
  const hostname = pod.spec.hostname ?? podName;
  const id = `skiff-${randomBytes(6).toString('hex')}`;
  await mkdir(dir, { recursive: true });
  const made = await createNamespaces(dir, { net: !hostNetwork, ipc: pod.spec.hostIPC !== true, sharedPid: pod.spec.shareProcessNamespace === true && pod.spec.hostPID !== true });
  const ns = made.ns;
  // Under hostNetwork a container port is the node's port already: nothing to map.
  const mappings = hostNetwork ? [] : portMappings(pod);
  const attachment = { containerId: id, netns: ns.net, ifName, capabilityArgs: { portMappings: mappings } };
  let loopbackUp = false;
  try {
    let ip = nodeIP;
    let result: CniResult = {};
    if (!hostNetwork) {
      if (!networks) throw new OciRuntimeError('NoPodCIDR', 'the node has no pod CIDR yet');
      await networks.loopback.add({ ...attachment, ifName: 'lo' });
      loopbackUp = true;
      result = await networks.bridged(mappings.length > 0).add(attachment);
      const addr = resultAddress(result);
      if (!addr) throw new OciRuntimeError('NoAddress', `the CNI result for pod ${podName} has no address: ${JSON.stringify(result)}`);
      ip = addr;
    }
    const record: SandboxRecord = {
      id, podUid, podName, ip, dir, portMappings: mappings, result,
      ...(hostNetwork ? { hostNetwork } : {}), ...(made.pidHolder ? { pidHolder: made.pidHolder } : {}),
    };
    const files = sandboxFiles(dir);
    await Promise.all([
      writeFile(files.hosts, hostNetwork ? hostNetworkHosts(pod) : hostsFile(ip, hostname, hostAliasesBlock(pod))),
      writeFile(files.resolvConf, podResolvConf(pod, hostResolvConf(!hostNetwork, clusterDns), clusterDns)),
      writeFile(files.hostname, `${hostNetwork ? os.hostname() : hostname}\n`),
      writeFile(path.join(dir, 'sandbox.json'), JSON.stringify(record)),
    ]);
    return record;
  } catch (err) {
    if (loopbackUp) await networks?.loopback.del({ ...attachment, ifName: 'lo' }).catch(() => undefined);
    await removeNamespaces(dir, made.pidHolder);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** CNI DEL in reverse, then the namespaces and files; safe to repeat. */
export async function destroySandbox(networks: PodNetworks | undefined, record: SandboxRecord): Promise<void> {
  const ns = namespacePaths(record.dir);
  let first: unknown;
  if (!record.hostNetwork && networks) {
    // A namespace already gone is passed as none: plugins then release what is outside it.
    const netns = existsSync(ns.net) ? ns.net : '';
    const attachment = { containerId: record.id, netns, ifName, capabilityArgs: { portMappings: record.portMappings } };
    await networks.bridged(record.portMappings.length > 0).del(attachment, record.result).catch((e: unknown) => (first ??= e));
    await networks.loopback.del({ ...attachment, ifName: 'lo' }).catch((e: unknown) => (first ??= e));
  }
  await removeNamespaces(record.dir, record.pidHolder);
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
