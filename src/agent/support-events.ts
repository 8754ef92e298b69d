/**
 * One Warning event per pod, once its sandbox exists, for each feature of its spec that this
 * node's runtime does not fully honour (src/api/support's tables): `kubectl describe pod` then
 * says what runs degraded here, as the create's `Warning:` header said what might.
 */
import type { Pod } from '../api/kinds.js';
import { degradedFeatures, describeDegraded } from '../api/support/index.js';

export const degradedFieldReason = 'DegradedField';

export type EventSink = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** Records the pod's degraded fields on `runtime` (one event per feature); returns how many. */
export function recordDegradedFields(pod: Pod, runtime: string, event: EventSink): number {
  const found = degradedFeatures(pod.spec, runtime);
  for (const d of found) event('Warning', degradedFieldReason, describeDegraded(d, runtime));
  return found.length;
}
