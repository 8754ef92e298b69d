/**
 * A container's `resources` as cgroup settings, with kubelet's formulas: cpu shares from the
 * request (milliCPU × 1024 / 1000, at least 2 — also for a container without a request), a CFS
 * quota from the limit (milliCPU × period / 1000 over a 100 ms period, at least 1 ms), the memory
 * limit in bytes.
 */
import type { Container } from '../../api/kinds.js';
import { Quantity } from '../../api/quantity.js';
import { BundleError } from './errors.js';

export const cpuPeriod = 100_000;
const minShares = 2;
const maxShares = 262_144;
const minQuota = 1000;

export interface CgroupResources {
  readonly cpuShares: number;
  readonly cpuQuota?: number;
  readonly cpuPeriod?: number;
  readonly memoryLimit?: number;
}

function quantity(v: string | undefined, what: string): Quantity | undefined {
  if (v === undefined) return undefined;
  const q = Quantity.tryParse(String(v));
  if (!q) throw new BundleError(`${what}: invalid quantity ${JSON.stringify(v)}`);
  return q;
}

export function milliCpuToShares(milli: number): number {
  if (milli === 0) return minShares;
  return Math.min(maxShares, Math.max(minShares, Math.floor((milli * 1024) / 1000)));
}

export function milliCpuToQuota(milli: number, period = cpuPeriod): number {
  if (milli === 0) return 0;
  return Math.max(minQuota, Math.floor((milli * period) / 1000));
}

export function cgroupResources(container: Container): CgroupResources {
  const req = container.resources?.requests ?? {};
  const lim = container.resources?.limits ?? {};
  // As API defaulting does: a limit without a request is also the request.
  const cpuReq = quantity(req['cpu'] ?? lim['cpu'], 'resources.requests.cpu');
  const cpuLim = quantity(lim['cpu'], 'resources.limits.cpu');
  const memLim = quantity(lim['memory'], 'resources.limits.memory');
  const quota = cpuLim ? milliCpuToQuota(cpuLim.milliValue()) : 0;
  return {
    cpuShares: milliCpuToShares(cpuReq?.milliValue() ?? 0),
    ...(quota > 0 ? { cpuQuota: quota, cpuPeriod } : {}),
    ...(memLim && memLim.value() > 0 ? { memoryLimit: memLim.value() } : {}),
  };
}
