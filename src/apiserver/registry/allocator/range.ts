/**
 * The ranges services draw from: an IPv4 CIDR for cluster IPs (`--service-cluster-ip-range`) and a
 * port range for node ports (`--service-node-port-range`). A range maps offsets to values and back,
 * so allocators work on integers and never on address text.
 */

/** A contiguous set of allocatable values addressed by offset `0 … size-1`. */
export interface AllocationRange {
  /** How many offsets exist (some may be unusable: network and broadcast addresses). */
  readonly size: number;
  /** As the user wrote it, for messages: `127.10.0.0/16`, `30000-32767`. */
  readonly text: string;
  /** The value at an offset, as stored in keys and objects. */
  valueAt(offset: number): string;
  /** The offset of a value, or undefined when the value is not in the range (or not usable). */
  offsetOf(value: string): number | undefined;
  /** Offsets dynamic allocation skips but a request may name (the `kubernetes` service's IP). */
  reserved(offset: number): boolean;
}

export class ServiceRangeError extends Error {
  override name = 'ServiceRangeError';
}

function ipv4ToInt(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const b = Number(p);
    if (b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/**
 * An IPv4 CIDR such as `127.10.0.0/16`. As in Kubernetes, the network address and (for prefixes
 * up to /30) the broadcast address are never handed out; the first usable address is kept for the
 * `kubernetes` service, so dynamic allocation starts after it.
 */
export function parseCidr(text: string): AllocationRange {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text.trim());
  const addr = m ? ipv4ToInt(m[1]!) : undefined;
  const bits = m ? Number(m[2]) : NaN;
  if (!m || addr === undefined || !(bits >= 0 && bits <= 32)) {
    throw new ServiceRangeError(`invalid service cluster IP range "${text}": want an IPv4 CIDR such as 127.10.0.0/16`);
  }
  const size = 2 ** (32 - bits);
  if (size > 2 ** 20) throw new ServiceRangeError(`service cluster IP range "${text}" is too large (at most a /12)`);
  const base = addr - (addr % size);
  // /31 and /32 have no network or broadcast address to skip.
  const first = bits <= 30 ? 1 : 0;
  const last = bits <= 30 ? size - 2 : size - 1;
  return {
    size,
    text: `${intToIpv4(base)}/${bits}`,
    valueAt: (offset) => intToIpv4(base + offset),
    offsetOf(value) {
      const n = ipv4ToInt(value);
      if (n === undefined) return undefined;
      const off = n - base;
      return off >= first && off <= last ? off : undefined;
    },
    reserved: (offset) => offset < first || offset > last || (offset === first && last > first),
  };
}

/** A node port range: `30000-32767`, `30000+2767` (base+extra, as Kubernetes takes it) or one port. */
export function parsePortRange(text: string): AllocationRange {
  const t = text.trim();
  const m = /^(\d{1,5})(?:([-+])(\d{1,5}))?$/.exec(t);
  let lo = NaN;
  let hi = NaN;
  if (m) {
    lo = Number(m[1]);
    hi = m[2] === undefined ? lo : m[2] === '-' ? Number(m[3]) : lo + Number(m[3]);
  }
  if (!m || !(lo >= 1 && hi <= 65535 && lo <= hi)) {
    throw new ServiceRangeError(`invalid service node port range "${text}": want MIN-MAX within 1-65535, such as 30000-32767`);
  }
  return {
    size: hi - lo + 1,
    text: `${lo}-${hi}`,
    valueAt: (offset) => String(lo + offset),
    offsetOf(value) {
      if (!/^\d+$/.test(value)) return undefined;
      const n = Number(value);
      return n >= lo && n <= hi ? n - lo : undefined;
    },
    reserved: () => false,
  };
}

export const defaultServiceClusterIpRange = '127.10.0.0/16';
export const defaultServiceNodePortRange = '30000-32767';
