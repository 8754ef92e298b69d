/** Node and pod helpers for scheduler tests: a node with allocatable, a Ready condition, labels
 * and taints; NodeInfos with pods already placed; PodInfo from the shared pod builder. */
import type { Node, Pod, Taint } from '../../src/api/kinds.js';
import { NodeInfo } from '../../src/scheduler/nodeinfo.js';
import { podInfoOf, type PodInfo } from '../../src/scheduler/podinfo.js';
import { containerBuilder, nodeBuilder, podBuilder, type PodBuilder } from '../helpers/builders.js';

export class SchedNodeBuilder {
  private readonly b;
  private readonly alloc: Record<string, string> = { cpu: '4', memory: '8Gi', pods: '110' };
  private ready: 'True' | 'False' | 'Unknown' | undefined = 'True';
  private readonly taintList: Taint[] = [];
  constructor(name: string) {
    this.b = nodeBuilder(name);
  }
  allocatable(r: Record<string, string>): this {
    Object.assign(this.alloc, r);
    return this;
  }
  labels(l: Record<string, string>): this {
    this.b.labels(l);
    return this;
  }
  taint(key: string, value: string | undefined, effect: Taint['effect']): this {
    this.taintList.push({ key, ...(value !== undefined ? { value } : {}), effect });
    return this;
  }
  unschedulable(): this {
    this.b.set('spec.unschedulable', true);
    return this;
  }
  /** undefined: no Ready condition at all. */
  readyStatus(s: 'True' | 'False' | 'Unknown' | undefined): this {
    this.ready = s;
    return this;
  }
  build(): Node {
    if (this.taintList.length) this.b.set('spec.taints', this.taintList);
    this.b.set('status.allocatable', { ...this.alloc });
    this.b.set('status.capacity', { ...this.alloc });
    if (this.ready) this.b.set('status.conditions', [{ type: 'Ready', status: this.ready, reason: 'KubeletReady' }]);
    return this.b.build() as Node;
  }
}

export function schedNode(name = 'node-1'): SchedNodeBuilder {
  return new SchedNodeBuilder(name);
}

let uid = 0;

/** A pod with a uid (the cache keys assumptions by it) from the shared builder. */
export function pod(b: PodBuilder = podBuilder()): Pod {
  const p = b.build() as Pod;
  p.metadata.uid ??= `uid-${++uid}`;
  return p;
}

/** A pod whose one container requests `r`. */
export function podRequesting(name: string, r: Record<string, string>): Pod {
  return pod(podBuilder(name).containers(containerBuilder('app').requests(r)));
}

export function info(p: Pod): PodInfo {
  return podInfoOf(p);
}

/** A NodeInfo for `node` with `pods` already on it. */
export function nodeInfo(node: Node, ...pods: Pod[]): NodeInfo {
  const ni = new NodeInfo(node.metadata.name ?? '');
  ni.setNode(node);
  for (const p of pods) ni.addPod(podInfoOf({ ...p, spec: { ...p.spec, nodeName: ni.name } }));
  return ni;
}
