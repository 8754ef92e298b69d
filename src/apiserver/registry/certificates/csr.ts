/**
 * CertificateSigningRequests (Kubernetes' pkg/registry/certificates/certificates/strategy.go): the
 * server records who asked (spec.username/uid/groups/extra, from the request's user, never from
 * the body); the main resource changes only metadata; `/status` carries the signer's certificate
 * and Failed conditions but keeps the approval; `/approval` changes only Approved and Denied.
 */
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from '../../../api/kinds.js';
import type { KubeObject } from '../../../api/types.js';
import { certificateSigningRequests } from '../../../api/resources.js';
import { kubeTime } from '../../../api/time.js';
import { requestUser } from '../../auth/context.js';
import { makeStrategy, type Strategy } from '../strategy.js';

const APPROVAL = new Set(['Approved', 'Denied']);

/** Fills each condition's times as the strategy does: update time when absent, transition time
 * when the status changed (or is new). */
function stampConditions(next: CertificateSigningRequestCondition[], old: readonly CertificateSigningRequestCondition[]): void {
  const now = kubeTime();
  for (const c of next) {
    c.lastUpdateTime ??= now;
    const before = old.find((o) => o.type === c.type);
    if (!c.lastTransitionTime) c.lastTransitionTime = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now;
  }
}

const conditions = (o: KubeObject) => (o as CertificateSigningRequest).status?.conditions ?? [];

/** The approval subresource's change: `obj`'s Approved/Denied conditions onto `old`. */
export function approvalUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  const next = structuredClone(old) as CertificateSigningRequest;
  next.metadata = obj.metadata;
  const approval = conditions(obj).filter((c) => APPROVAL.has(c.type));
  next.status = { ...(next.status ?? {}), conditions: [...approval, ...conditions(old).filter((c) => !APPROVAL.has(c.type))] };
  stampConditions(next.status.conditions!, conditions(old));
  return next;
}

export const csrStrategy: Strategy = makeStrategy(certificateSigningRequests, {
  prepareForCreate(obj) {
    const csr = obj as CertificateSigningRequest;
    csr.status = {};
    const spec = csr.spec ?? ({} as CertificateSigningRequest['spec']);
    delete spec.username;
    delete spec.uid;
    delete spec.groups;
    delete spec.extra;
    const user = requestUser();
    if (user) {
      spec.username = user.name;
      if (user.uid) spec.uid = user.uid;
      spec.groups = [...user.groups];
      if (user.extra && Object.keys(user.extra).length) spec.extra = Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]]));
    }
    csr.spec = spec;
  },
  prepareForUpdate(obj, old) {
    obj.spec = old.spec;
    obj.status = old.status;
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
    const next = obj as CertificateSigningRequest;
    // The approval is the approval subresource's: kept as stored whatever the body says.
    const kept = [...conditions(old).filter((c) => APPROVAL.has(c.type)), ...conditions(obj).filter((c) => !APPROVAL.has(c.type))];
    next.status = { ...(next.status ?? {}), conditions: kept };
    stampConditions(kept, conditions(old));
    if (kept.length === 0) delete next.status.conditions;
  },
});
