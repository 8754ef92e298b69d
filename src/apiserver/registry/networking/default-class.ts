/**
 * The DefaultIngressClass admission plugin: an Ingress created without `spec.ingressClassName`
 * (and without the legacy `kubernetes.io/ingress.class` annotation) gets the class marked
 * `ingressclass.kubernetes.io/is-default-class: "true"`; of several, the newest, as Kubernetes
 * picks since 1.30. Also the bootstrap of skiff's own class, so a fresh cluster routes Ingresses.
 */
import type { KubeObject } from '../../../api/types.js';
import { defaultIngressClassAnnotation, ingressClassAnnotation, type Ingress, type IngressClass } from '../../../api/kinds.js';
import { SKIFF_INGRESS_CLASS, SKIFF_INGRESS_CONTROLLER } from '../../../api/ingressclass.js';
import type { ResourceCache } from '../../watchcache.js';
import type { WriteHooks } from '../registry.js';


export function skiffIngressClass(): IngressClass {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: SKIFF_INGRESS_CLASS, annotations: { [defaultIngressClassAnnotation]: 'true' } },
    spec: { controller: SKIFF_INGRESS_CONTROLLER },
  };
}

/** The default class among `classes`, or undefined. */
export function defaultClass(classes: Iterable<KubeObject>): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const c of classes) {
    if (c.metadata.annotations?.[defaultIngressClassAnnotation] !== 'true' || c.metadata.deletionTimestamp) continue;
    const newer = (c.metadata.creationTimestamp ?? '') > (best?.metadata.creationTimestamp ?? '')
      || ((c.metadata.creationTimestamp ?? '') === (best?.metadata.creationTimestamp ?? '') && (c.metadata.name ?? '') < (best?.metadata.name ?? ''));
    if (!best || newer) best = c;
  }
  return best;
}

export function defaultIngressClassHooks(classes: ResourceCache): WriteHooks {
  return {
    beginCreate: (obj) => {
      const ing = obj as Ingress;
      const spec = (ing.spec ??= {});
      if (spec.ingressClassName === undefined && ing.metadata.annotations?.[ingressClassAnnotation] === undefined) {
        const d = defaultClass(classes.objects.values());
        if (d?.metadata.name) spec.ingressClassName = d.metadata.name;
      }
      return Promise.resolve(async () => undefined);
    },
  };
}
