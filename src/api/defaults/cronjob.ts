/** batch/v1 SetDefaults_CronJob: Allow, not suspended, 3 successful and 1 failed job kept; the
 * job template's pod template defaulted as a pod's. */
import { defaultPodTemplate } from './pod.js';
import { ensureObj, objAt, setDefault, type Obj } from './util.js';

export function defaultCronJob(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobSpec = objAt(objAt(spec, 'jobTemplate'), 'spec');
  if (jobSpec) defaultPodTemplate(jobSpec['template']);
}
