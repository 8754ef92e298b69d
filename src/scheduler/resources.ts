/**
 * Resource amounts as plain numbers for the hot path: cpu in millicores, everything else in whole
 * units (bytes, pods, devices), as kube-scheduler's `framework.Resource` keeps them. Quantities are
 * parsed once per pod or node object (BigInt parsing is too slow to repeat per decision), and the
 * few distinct strings a cluster uses are memoised.
 */
import { quantityOf } from '../api/quantity.js';

/** Requests or allocatable amounts; `scalar` holds every resource other than cpu/memory/pods. */
export interface Resources {
  milliCpu: number;
  memory: number;
  pods: number;
  /** Extended and other resources (`nvidia.com/gpu`, `ephemeral-storage`, `hugepages-2Mi`). */
  scalar: Map<string, number> | undefined;
}

export function emptyResources(): Resources {
  return { milliCpu: 0, memory: 0, pods: 0, scalar: undefined };
}

const memo = new Map<string, number>();
const memoLimit = 4096;

/** A quantity as a number: millis for cpu, whole units otherwise; 0 when malformed. */
export function amount(resource: string, value: unknown): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  if (text === '') return 0;
  const cpu = resource === 'cpu';
  const key = cpu ? `m:${text}` : text;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const q = quantityOf(text);
  const n = q ? (cpu ? q.milliValue() : q.value()) : 0;
  if (memo.size >= memoLimit) memo.clear();
  memo.set(key, n);
  return n;
}

/** Adds one resource list (`{cpu: '100m', memory: '1Gi'}`) into `into`. */
export function addList(into: Resources, list: Readonly<Record<string, unknown>> | undefined): void {
  if (!list) return;
  for (const name in list) {
    const n = amount(name, list[name]);
    addOne(into, name, n);
  }
}

export function addOne(into: Resources, name: string, n: number): void {
  if (name === 'cpu') into.milliCpu += n;
  else if (name === 'memory') into.memory += n;
  else if (name === 'pods') into.pods += n;
  else {
    into.scalar ??= new Map();
    into.scalar.set(name, (into.scalar.get(name) ?? 0) + n);
  }
}

/** `into = max(into, other)` per resource: an init container runs alone, so a pod needs the most
 * any one of them asks for, not their sum. */
export function maxInto(into: Resources, other: Resources): void {
  into.milliCpu = Math.max(into.milliCpu, other.milliCpu);
  into.memory = Math.max(into.memory, other.memory);
  into.pods = Math.max(into.pods, other.pods);
  if (other.scalar) {
    for (const [k, v] of other.scalar) {
      into.scalar ??= new Map();
      into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
    }
  }
}

/** `into += sign·other` for all resources. */
export function addResources(into: Resources, other: Resources, sign: 1 | -1 = 1): void {
  into.milliCpu += sign * other.milliCpu;
  into.memory += sign * other.memory;
  into.pods += sign * other.pods;
  if (other.scalar) {
    for (const [k, v] of other.scalar) {
      into.scalar ??= new Map();
      into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
    }
  }
}
