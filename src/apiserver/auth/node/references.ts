/**
 * What a pod lets its node read (the edges Kubernetes' node graph draws for a pod): the Secrets
 * and ConfigMaps its volumes, projected sources, environment and image pull secrets name, and its
 * service account, and the claims it mounts.
 */
import type { KubeObject } from '../../../api/types.js';

export type RefKind = 'secret' | 'configmap' | 'serviceaccount' | 'persistentvolumeclaim';

type J = Record<string, unknown>;
const rec = (v: unknown): J => (v !== null && typeof v === 'object' ? (v as J) : {});
const arr = (v: unknown): J[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `kind/namespace/name` keys of everything `pod` references. */
export function podReferences(pod: KubeObject): Set<string> {
  const ns = pod.metadata.namespace ?? '';
  const spec = rec(pod.spec);
  const out = new Set<string>();
  const add = (kind: RefKind, name: string) => {
    if (name) out.add(`${kind}/${ns}/${name}`);
  };
  add('serviceaccount', str(spec['serviceAccountName']) || 'default');
  for (const s of arr(spec['imagePullSecrets'])) add('secret', str(s['name']));
  for (const v of arr(spec['volumes'])) {
    add('secret', str(rec(v['secret'])['secretName']));
    add('configmap', str(rec(v['configMap'])['name']));
    add('persistentvolumeclaim', str(rec(v['persistentVolumeClaim'])['claimName']));
    for (const src of arr(rec(v['projected'])['sources'])) {
      add('secret', str(rec(src['secret'])['name']));
      add('configmap', str(rec(src['configMap'])['name']));
    }
    for (const key of ['csi', 'flexVolume', 'cephfs', 'rbd', 'iscsi', 'scaleIO', 'storageos', 'azureFile']) {
      const vol = rec(v[key]);
      add('secret', str(rec(vol['nodePublishSecretRef'])['name']) || str(rec(vol['secretRef'])['name']) || str(vol['secretName']));
    }
  }
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of arr(spec[list])) {
      for (const e of arr(c['envFrom'])) {
        add('secret', str(rec(e['secretRef'])['name']));
        add('configmap', str(rec(e['configMapRef'])['name']));
      }
      for (const e of arr(c['env'])) {
        const from = rec(e['valueFrom']);
        add('secret', str(rec(from['secretKeyRef'])['name']));
        add('configmap', str(rec(from['configMapKeyRef'])['name']));
      }
    }
  }
  return out;
}
