/**
 * Giving the old controller its `deployment=<hash>-orig` label before the next one exists
 * (kubectl's AddDeploymentKeyToReplicationController): template first (so pods it creates from
 * now on carry the label), then every pod it selects, then the selector, then pods the controller
 * created in between without the label are deleted — at no point does either controller see
 * too few pods and create more, nor select the other's pods.
 */
import type { Pod, ReplicationController } from '../../api/kinds.js';
import { pods } from '../../api/resources.js';
import type { RestClient } from '../../client/index.js';
import { hashObject, nextControllerAnnotation } from './controllers.js';
import { isNotFound, type RollingUpdater } from './updater.js';

const selectorText = (sel: Readonly<Record<string, string>>) => Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');

/** Records the next controller's name on the old one and labels it (and its pods) apart. */
export async function prepareOld(updater: RollingUpdater, client: RestClient, oldRc: ReplicationController, nextName: string, deploymentKey: string): Promise<ReplicationController> {
  const name = oldRc.metadata.name ?? '';
  const ns = oldRc.metadata.namespace ?? 'default';
  const annotate = (rc: ReplicationController) => {
    rc.metadata.annotations = { ...(rc.metadata.annotations ?? {}), [nextControllerAnnotation]: nextName };
  };
  if (oldRc.spec.selector?.[deploymentKey] !== undefined) return updater.updateRc(name, annotate);

  const value = `${hashObject(oldRc)}-orig`;
  const oldSelector = { ...(oldRc.spec.selector ?? {}) };
  await updater.updateRc(name, (rc) => {
    annotate(rc);
    const t = rc.spec.template;
    if (t) t.metadata = { ...(t.metadata ?? {}), labels: { ...(t.metadata?.labels ?? {}), [deploymentKey]: value } };
  });
  const relabel = async (pod: Pod) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await client.patch(pods, ns, pod.metadata.name ?? '', { metadata: { labels: { [deploymentKey]: value } } }, 'merge');
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (attempt === 19) throw e;
      }
    }
  };
  for (const p of (await client.list<Pod>(pods, ns, { labelSelector: selectorText(oldSelector) })).items) {
    if (p.metadata.labels?.[deploymentKey] !== value) await relabel(p);
  }
  const updated = await updater.updateRc(name, (rc) => {
    rc.spec.selector = { ...(rc.spec.selector ?? {}), [deploymentKey]: value };
  });
  // Pods made from the old template in the meantime carry no key: the controller no longer
  // selects them, so they would linger.
  for (const p of (await client.list<Pod>(pods, ns, { labelSelector: `${selectorText(oldSelector)},!${deploymentKey}` })).items) {
    await client.delete(pods, ns, p.metadata.name ?? '').catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
  }
  return updated;
}
