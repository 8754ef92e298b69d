/**
 * `POST pods/NAME/eviction` (policy/v1 or v1beta1 Eviction), as Kubernetes' eviction REST does it:
 * a pod that is not running yet, has finished or is already going is deleted at once; otherwise
 * the one PodDisruptionBudget that selects it must allow a disruption, which is taken from its
 * status (`disruptionsAllowed` down by one, the pod remembered in `disruptedPods`) before the pod
 * is marked `DisruptionTarget` and deleted with the Eviction's deleteOptions. A budget that forbids
 * it answers 429 so that callers (kubectl drain) retry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, BadRequestError, ConflictError, ForbiddenError, InternalError } from '../../api/errors.js';
import { podDisruptionBudgets, pods } from '../../api/resources.js';
import type { Pod, PodDisruptionBudget } from '../../api/kinds.js';
import { fromLabelSelector } from '../../api/labels.js';
import { isRecord, type KubeObject, type StatusCause } from '../../api/types.js';
import { kubeTime } from '../../api/time.js';
import { withAllowedCondition } from '../../api/disruption.js';
import type { ApiContext } from './context.js';
import type { ResourceRequest } from './requestinfo.js';
import { decodeBody, mediaType, readBody } from './body.js';
import { deleteOptionsOf } from './deleteoptions.js';
import { sendJson, successStatus } from './status.js';
import type { DeleteOptions } from '../registry/registry.js';
import { noteRequestObject } from '../audit/index.js';

/** Kubernetes' MaxDisruptedPodSize: more evictions than this unconfirmed by the controller is refused. */
const maxDisruptedPods = 2000;

export const violatesBudget = "Cannot evict pod as it would violate the pod's disruption budget.";

/** 429 with the budget's cause and no Retry-After (a client would otherwise retry on its own
 * instead of reporting, as kubectl drain does, that it will). */
export class DisruptionBudgetError extends ApiError {
  override name = 'DisruptionBudgetError';
  constructor(cause: string) {
    super(429, 'TooManyRequests', violatesBudget, { causes: [{ reason: 'DisruptionBudget', message: cause } as StatusCause] });
  }
}

const evictionVersions = ['policy/v1', 'policy/v1beta1'];

function readEviction(body: unknown, name: string): Record<string, unknown> {
  if (!isRecord(body)) throw new BadRequestError('not an Eviction object');
  const kind = body['kind'];
  const apiVersion = body['apiVersion'];
  if ((kind !== undefined && kind !== 'Eviction') || (apiVersion !== undefined && !evictionVersions.includes(apiVersion as string))) {
    throw new BadRequestError(`not a Eviction object: ${String(apiVersion)}, Kind=${String(kind)}`);
  }
  const meta = isRecord(body['metadata']) ? body['metadata'] : {};
  if (meta['name'] !== name) throw new BadRequestError('name in URL does not match name in Eviction object');
  return body;
}

function isReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Pending, finished or terminating pods disrupt nothing more by going. */
function canIgnoreBudget(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

function budgetsOf(all: readonly KubeObject[], pod: Pod): PodDisruptionBudget[] {
  return (all as PodDisruptionBudget[]).filter((b) => {
    try {
      return fromLabelSelector(b.spec.selector ?? undefined).matches(pod.metadata.labels ?? {});
    } catch {
      return false;
    }
  });
}

export async function evictPod(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, info: ResourceRequest, q: URLSearchParams): Promise<void> {
  const name = info.name!;
  const namespace = info.namespace ?? '';
  const body = readEviction(decodeBody(await readBody(req), mediaType(req) || 'application/json', 'Eviction'), name);
  noteRequestObject(req, body);
  const opts = deleteOptionsOf(isRecord(body['deleteOptions']) ? body['deleteOptions'] : {}, q);
  const podRegistry = ctx.registry(pods);
  const budgets = ctx.registry(podDisruptionBudgets);
  // A conflict on the budget means another eviction took from it first: look again.
  for (let attempt = 0; ; attempt++) {
    const pod = (await podRegistry.get(namespace, name)) as Pod;
    if (!canIgnoreBudget(pod)) {
      const matching = budgetsOf((await budgets.list(namespace, {})).items, pod);
      if (matching.length > 1) throw new InternalError('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      const pdb = matching[0];
      if (pdb && !unhealthyMayGo(pdb, pod)) {
        try {
          await takeDisruption(ctx, pdb, name, opts.dryRun === true);
        } catch (err) {
          if (err instanceof ConflictError && attempt < 20) continue;
          throw err;
        }
      }
    }
    await deletePod(ctx, pod, opts);
    sendJson(res, 201, { ...successStatus(), code: 201 });
    return;
  }
}

/** A pod that is not ready may go without taking a disruption when the budget says so:
 * always (`AlwaysAllow`), or while the budget is met (`IfHealthyBudget`, the default). */
function unhealthyMayGo(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (isReady(pod)) return false;
  if (pdb.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const s = pdb.status;
  return s !== undefined && s.desiredHealthy > 0 && s.currentHealthy >= s.desiredHealthy;
}

/** Takes one disruption from the budget's status (Kubernetes' checkAndDecrement). */
async function takeDisruption(ctx: ApiContext, pdb: PodDisruptionBudget, podName: string, dryRun: boolean): Promise<void> {
  const status = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  const pdbName = pdb.metadata.name ?? '';
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    throw new DisruptionBudgetError(`The disruption budget ${pdbName} is still being processed by the server.`);
  }
  if (status.disruptionsAllowed < 0) throw new ForbiddenError('pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
    throw new ForbiddenError('DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (status.disruptionsAllowed === 0) {
    throw new DisruptionBudgetError(`The disruption budget ${pdbName} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`);
  }
  if (dryRun) return;
  let next = { ...status, disruptionsAllowed: status.disruptionsAllowed - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [podName]: kubeTime() } };
  if (next.disruptionsAllowed === 0) next = withAllowedCondition(next) as typeof next;
  const rv = pdb.metadata.resourceVersion;
  await ctx.registry(podDisruptionBudgets).guaranteedUpdate(pdb.metadata.namespace, pdbName, (current) => {
    if (current.metadata.resourceVersion !== rv) throw new ConflictError('poddisruptionbudgets', 'policy', pdbName, 'the object has been modified; please apply your changes to the latest version and try again');
    return { ...current, status: next };
  }, { subresource: 'status' });
}

/** Marks the pod `DisruptionTarget` (as Kubernetes does since PodDisruptionConditions) and deletes it. */
async function deletePod(ctx: ApiContext, pod: Pod, opts: DeleteOptions): Promise<void> {
  const registry = ctx.registry(pods);
  const name = pod.metadata.name ?? '';
  if (!opts.dryRun && !pod.metadata.deletionTimestamp) {
    try {
      await registry.guaranteedUpdate(pod.metadata.namespace, name, (current) => {
        const status = (current.status ?? {}) as { conditions?: { type: string }[] };
        const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
        conditions.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTime(), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' } as never);
        return { ...current, status: { ...status, conditions } };
      }, { subresource: 'status' });
    } catch {
      // The condition is informative: the deletion below is what evicts.
    }
  }
  await registry.delete(pod.metadata.namespace, name, opts);
}
