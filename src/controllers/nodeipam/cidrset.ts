/**
 * The subnets of a cluster CIDR handed to nodes (kube-controller-manager's `cidrset`): the
 * `--cluster-cidr` split into blocks of `--node-cidr-mask-size`, addressed by index, each free or
 * used. Allocation goes round from the last one handed out, as Kubernetes does, so a subnet just
 * released (its node deleted) is not reused at once while routes to it may still linger.
 */

export class CidrError extends Error {
  override name = 'CidrError';
}

/** The subnets of one IPv4 cluster CIDR. */
export class CidrSet {
  /** Network address of the cluster CIDR, as an unsigned 32-bit number. */
  private readonly base: number;
  private readonly clusterBits: number;
  readonly maskSize: number;
  /** How many node subnets the cluster CIDR holds. */
  readonly size: number;
  private readonly used: Uint8Array;
  private usedCount = 0;
  private next = 0;

  constructor(clusterCidr: string, maskSize: number) {
    const { addr, bits } = parseIPv4Cidr(clusterCidr);
    if (!Number.isInteger(maskSize) || maskSize < bits || maskSize > 32) {
      throw new CidrError(`node CIDR mask size ${maskSize} must be between the cluster CIDR's prefix /${bits} and 32`);
    }
    // Kubernetes refuses more than 2^16 node subnets; so do we (the bitmap stays small).
    if (maskSize - bits > 16) throw new CidrError(`cluster CIDR ${clusterCidr} split into /${maskSize} gives more than 65536 node subnets`);
    this.clusterBits = bits;
    this.base = addr - (addr % 2 ** (32 - bits));
    this.maskSize = maskSize;
    this.size = 2 ** (maskSize - bits);
    this.used = new Uint8Array(this.size);
  }

  get text(): string {
    return `${intToIPv4(this.base)}/${this.clusterBits}`;
  }

  get free(): number {
    return this.size - this.usedCount;
  }

  /** The subnet at `index` as CIDR text. */
  cidrAt(index: number): string {
    return `${intToIPv4(this.base + index * 2 ** (32 - this.maskSize))}/${this.maskSize}`;
  }

  /** The index of `cidr` when it is exactly one of this set's subnets, else undefined. */
  indexOf(cidr: string): number | undefined {
    let parsed: { addr: number; bits: number };
    try {
      parsed = parseIPv4Cidr(cidr);
    } catch {
      return undefined;
    }
    if (parsed.bits !== this.maskSize) return undefined;
    const off = parsed.addr - this.base;
    const step = 2 ** (32 - this.maskSize);
    if (off < 0 || off % step !== 0 || off / step >= this.size) return undefined;
    return off / step;
  }

  /** Takes the next free subnet, or undefined when every one is used. */
  allocateNext(): string | undefined {
    if (this.usedCount >= this.size) return undefined;
    for (let i = 0; i < this.size; i++) {
      const idx = (this.next + i) % this.size;
      if (!this.used[idx]) {
        this.mark(idx);
        this.next = (idx + 1) % this.size;
        return this.cidrAt(idx);
      }
    }
    return undefined;
  }

  /** Marks `cidr` used (a node that already has it); false when it is not one of ours. */
  occupy(cidr: string): boolean {
    const idx = this.indexOf(cidr);
    if (idx === undefined) return false;
    this.mark(idx);
    return true;
  }

  release(cidr: string): void {
    const idx = this.indexOf(cidr);
    if (idx === undefined || !this.used[idx]) return;
    this.used[idx] = 0;
    this.usedCount--;
  }

  isUsed(cidr: string): boolean {
    const idx = this.indexOf(cidr);
    return idx !== undefined && this.used[idx] === 1;
  }

  private mark(idx: number): void {
    if (this.used[idx]) return;
    this.used[idx] = 1;
    this.usedCount++;
  }
}

export function parseIPv4Cidr(text: string): { addr: number; bits: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || !(bits >= 0 && bits <= 32)) {
    throw new CidrError(`invalid IPv4 CIDR "${text}": want one such as 10.42.0.0/16`);
  }
  return { addr: octets.reduce((n, o) => n * 256 + o, 0), bits };
}

function intToIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}
