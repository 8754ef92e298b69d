/** The Node object an agent registers and the status it keeps posting, as kubelet builds them. */
import type { Condition, Node } from '../api/kinds.js';
import { kubeTime } from '../api/time.js';

export interface NodeIdentity {
  readonly name: string;
  readonly address: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly capacity: Readonly<Record<string, string>>;
  readonly podCIDR?: string;
  readonly runtimeVersion: string;
  readonly kubeletPort?: number;
}

export const kubeletVersion = 'v1.32.0-skiff';

export function nodeConditions(now: string, prior?: readonly Condition[]): Condition[] {
  const make = (type: string, status: 'True' | 'False', reason: string, message: string): Condition => {
    const before = prior?.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: now,
      lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
      reason,
      message,
    };
  };
  return [
    make('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    make('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    make('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    make('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function nodeStatus(id: NodeIdentity, prior?: readonly Condition[]): NonNullable<Node['status']> {
  return {
    capacity: { ...id.capacity },
    allocatable: { ...id.capacity },
    conditions: nodeConditions(kubeTime(), prior),
    addresses: [
      { type: 'InternalIP', address: id.address },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '',
      osImage: 'skiff',
      containerRuntimeVersion: id.runtimeVersion,
      kubeletVersion,
      kubeProxyVersion: kubeletVersion,
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
  };
}

export function nodeObject(id: NodeIdentity): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: {
        'kubernetes.io/hostname': id.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
        ...id.labels,
      },
    },
    spec: id.podCIDR ? { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR] } : {},
    status: nodeStatus(id),
  };
}
