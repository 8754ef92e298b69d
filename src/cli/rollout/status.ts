/**
 * What `rollout status` says about a deployment, in kubectl's words (its DeploymentStatusViewer):
 * one "Waiting for deployment …" line per state until the rollout is done, or an error once the
 * Progressing condition says the deadline passed. Pure: the command polls and prints.
 */
import type { Deployment } from '../../controllers/deployment/index.js';
import { revisionAnnotation } from '../../controllers/deployment/index.js';

export interface RolloutState {
  readonly message: string;
  readonly done: boolean;
  /** Set when waiting is over without success (kubectl prints it as `error: …`, exit 1). */
  readonly error?: string;
}

/** `revision` (when non-zero) must be the deployment's current revision, as `--revision` asks. */
export function deploymentRolloutState(d: Deployment, revision = 0): RolloutState {
  const name = d.metadata.name ?? '';
  if (revision > 0) {
    const current = Number(d.metadata.annotations?.[revisionAnnotation] ?? NaN);
    if (!Number.isFinite(current)) return { message: '', done: false, error: `cannot get the revision of deployment "${name}"` };
    if (revision !== current) return { message: '', done: false, error: `desired revision (${revision}) is different from the running revision (${current})` };
  }
  const s = d.status ?? {};
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
  }
  if (s.conditions?.find((c) => c.type === 'Progressing')?.reason === 'ProgressDeadlineExceeded') {
    return { message: '', done: false, error: `deployment "${name}" exceeded its progress deadline` };
  }
  const replicas = d.spec.replicas;
  const updated = s.updatedReplicas ?? 0;
  if (replicas !== undefined && updated < replicas) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`, done: false };
  }
  if ((s.replicas ?? 0) > updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
  }
  if ((s.availableReplicas ?? 0) < updated) {
    return { message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out\n`, done: true };
}
