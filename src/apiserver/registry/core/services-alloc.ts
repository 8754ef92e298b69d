/**
 * Cluster IP and node port allocation around service writes (Kubernetes' service REST
 * beginCreate/beginUpdate): values are taken after validation and before the service is stored,
 * given back if the write fails; an update gives back, once stored, what the new spec no longer
 * uses; a delete frees everything. Errors read as Kubernetes' do, so kubectl prints the familiar
 * `spec.ports[0].nodePort: Invalid value: 30088: provided port is already allocated`.
 */
import type { Service } from '../../../api/kinds.js';
import type { KubeObject } from '../../../api/types.js';
import type { FieldError } from '../../../api/errors.js';
import { InternalError, InvalidError } from '../../../api/errors.js';
import { invalid } from '../../../api/validation/field.js';
import type { FinishWrite, WriteHooks } from '../registry.js';
import type { ServiceAllocators } from '../allocator/index.js';
import type { AllocationOwner, Claim, StoreAllocator } from '../allocator/allocator.js';
import { needsClusterIP, needsNodePorts, ownerOf, valuesOf } from '../allocator/service-values.js';
import { logger } from '../../../util/log.js';

const log = logger('service-allocator');

/** The values one write took, undone together if the write fails. */
class Transaction {
  private readonly claims: { alloc: StoreAllocator; claim: Claim }[] = [];

  constructor(readonly owner: AllocationOwner) {}

  add(alloc: StoreAllocator, claim: Claim): void {
    this.claims.push({ alloc, claim });
  }

  /** Deletes the keys this write created (keys the service already held stay). */
  async revert(): Promise<void> {
    for (const { alloc, claim } of this.claims.splice(0)) {
      if (!claim.fresh) continue;
      try {
        await alloc.deleteAt(claim.value, claim.modRevision);
      } catch (err) {
        // Left for the repair pass.
        log.warn({ key: alloc.key(claim.value), err: String(err) }, 'could not release an allocation');
      }
    }
  }
}

function rejected(svc: Service, error: FieldError): InvalidError {
  return new InvalidError('Service', '', svc.metadata.name ?? '', [error]);
}

async function takeClusterIP(a: ServiceAllocators, tx: Transaction, svc: Service, held: ReadonlySet<string>): Promise<void> {
  if (!needsClusterIP(svc)) return;
  const wanted = svc.spec.clusterIP;
  if (!wanted) {
    const claim = await a.ips.allocate(tx.owner);
    if (!claim) throw new InternalError('failed to allocate a serviceIP: range is full');
    tx.add(a.ips, claim);
    svc.spec.clusterIP = claim.value;
    svc.spec.clusterIPs = [claim.value];
    svc.spec.ipFamilies = ['IPv4'];
    return;
  }
  if (held.has(wanted)) return;
  const r = await a.ips.claim(wanted, tx.owner);
  if (r === 'out-of-range') {
    throw rejected(svc, invalid('spec.clusterIPs', wanted, `provided IP is not in the valid range. The range of valid IPs is ${a.ips.range.text}`));
  }
  if (r === 'taken') throw rejected(svc, invalid('spec.clusterIPs', wanted, 'provided IP is already allocated'));
  tx.add(a.ips, r);
}

async function takeNodePorts(a: ServiceAllocators, tx: Transaction, svc: Service, held: ReadonlySet<string>): Promise<void> {
  const ports = svc.spec.ports ?? [];
  const mine = new Set(held);
  // Requested ports first, so a dynamic pick never takes a number another port of this service asks for.
  for (const [i, p] of ports.entries()) {
    if (!p.nodePort || mine.has(String(p.nodePort))) continue;
    if (svc.spec.type !== 'NodePort' && svc.spec.type !== 'LoadBalancer') continue;
    const r = await a.nodePorts.claim(String(p.nodePort), tx.owner);
    const field = `spec.ports[${i}].nodePort`;
    if (r === 'out-of-range') {
      throw rejected(svc, invalid(field, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${a.nodePorts.range.text}`));
    }
    if (r === 'taken') throw rejected(svc, invalid(field, p.nodePort, 'provided port is already allocated'));
    tx.add(a.nodePorts, r);
    mine.add(r.value);
  }
  if (!needsNodePorts(svc)) return;
  // A TCP and a UDP port with the same number share one node port, as in Kubernetes.
  const byPort = new Map<number, number>();
  for (const p of ports) if (p.nodePort) byPort.set(p.port, p.nodePort);
  for (const p of ports) {
    if (p.nodePort) continue;
    const shared = byPort.get(p.port);
    if (shared !== undefined) {
      p.nodePort = shared;
      continue;
    }
    const claim = await a.nodePorts.allocate(tx.owner);
    if (!claim) throw new InternalError('failed to allocate a nodePort: range is full');
    tx.add(a.nodePorts, claim);
    p.nodePort = Number(claim.value);
    byPort.set(p.port, p.nodePort);
  }
}

/** Frees what `svc` (the uid that held them) no longer needs; failures are left to repair. */
async function releaseAll(a: ServiceAllocators, uid: string, values: { ip: string[]; nodeport: string[] }): Promise<void> {
  const work: [StoreAllocator, string][] = [
    ...values.ip.map((v) => [a.ips, v] as [StoreAllocator, string]),
    ...values.nodeport.map((v) => [a.nodePorts, v] as [StoreAllocator, string]),
  ];
  for (const [alloc, v] of work) {
    try {
      await alloc.release(v, uid);
    } catch (err) {
      log.warn({ key: alloc.key(v), err: String(err) }, 'could not release an allocation');
    }
  }
}

function minus(a: readonly string[], b: readonly string[]): string[] {
  const s = new Set(b);
  return a.filter((x) => !s.has(x));
}

/** A dry run: requested values must be free (or this service's), as a real write would demand;
 * nothing is taken, and values left to the allocator stay unset. */
async function checkRequested(a: ServiceAllocators, svc: Service, old: Service | undefined): Promise<void> {
  const before = old ? valuesOf(old) : { ip: [], nodeport: [] };
  const owner = ownerOf(svc);
  const ip = svc.spec.clusterIP;
  if (needsClusterIP(svc) && ip && !before.ip.includes(ip)) {
    const r = await a.ips.check(ip, owner);
    if (r === 'out-of-range') throw rejected(svc, invalid('spec.clusterIPs', ip, `provided IP is not in the valid range. The range of valid IPs is ${a.ips.range.text}`));
    if (r === 'taken') throw rejected(svc, invalid('spec.clusterIPs', ip, 'provided IP is already allocated'));
  }
  if (svc.spec.type !== 'NodePort' && svc.spec.type !== 'LoadBalancer') return;
  for (const [i, p] of (svc.spec.ports ?? []).entries()) {
    if (!p.nodePort || before.nodeport.includes(String(p.nodePort))) continue;
    const r = await a.nodePorts.check(String(p.nodePort), owner);
    const field = `spec.ports[${i}].nodePort`;
    if (r === 'out-of-range') throw rejected(svc, invalid(field, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${a.nodePorts.range.text}`));
    if (r === 'taken') throw rejected(svc, invalid(field, p.nodePort, 'provided port is already allocated'));
  }
}

/** The hooks the services registry of one API server runs with. */
export function serviceWriteHooks(a: ServiceAllocators): WriteHooks {
  const begin = async (svc: Service, old: Service | undefined, dryRun = false): Promise<FinishWrite> => {
    if (dryRun) {
      await checkRequested(a, svc, old);
      return async () => undefined;
    }
    const tx = new Transaction(ownerOf(svc));
    const before = old ? valuesOf(old) : { ip: [], nodeport: [] };
    try {
      await takeClusterIP(a, tx, svc, new Set(before.ip));
      await takeNodePorts(a, tx, svc, new Set(before.nodeport));
    } catch (err) {
      await tx.revert();
      throw err;
    }
    return async (committed) => {
      if (!committed) return tx.revert();
      if (!old) return;
      const after = valuesOf(svc);
      await releaseAll(a, old.metadata.uid ?? '', { ip: minus(before.ip, after.ip), nodeport: minus(before.nodeport, after.nodeport) });
    };
  };
  return {
    beginCreate: (obj: KubeObject, opts) => begin(obj as Service, undefined, opts?.dryRun),
    beginUpdate: (next: KubeObject, current: KubeObject, opts) => begin(next as Service, current as Service, opts?.dryRun),
    afterDelete: (obj: KubeObject) => releaseAll(a, obj.metadata.uid ?? '', valuesOf(obj as Service)),
  };
}
