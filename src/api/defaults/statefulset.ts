/** apps/v1 SetDefaults_StatefulSet: OrderedReady, RollingUpdate with partition 0, one replica,
 * ten revisions kept, claims retained (there are none to delete: skiff serves no claims). */
import { ensureObj, objAt, records, setDefault, type Obj } from './util.js';
import { defaultPodTemplate } from './pod.js';

export function defaultStatefulSet(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  // Sent as "" by Kubernetes when unset (no omitempty), and required by strict clients.
  setDefault(spec, 'serviceName', '');
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObj(spec, 'updateStrategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const ru = ensureObj(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'partition', 0);
        setDefault(ru, 'maxUnavailable', 1);
      }
    }
  }
  for (const t of records(spec['volumeClaimTemplates'])) {
    const claimSpec = objAt(t, 'spec');
    if (claimSpec) setDefault(claimSpec, 'volumeMode', 'Filesystem');
  }
  const retention = ensureObj(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setDefault(retention, 'whenDeleted', 'Retain');
    setDefault(retention, 'whenScaled', 'Retain');
  }
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec['template']);
}
