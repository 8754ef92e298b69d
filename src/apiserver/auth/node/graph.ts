/**
 * The node graph (Kubernetes' plugin/pkg/auth/authorizer/node graph, reduced to what skiff serves):
 * for each node, its bound pods and what each references, kept current from the pods' watch cache.
 * The Node authorizer asks whether a node has a path to a Secret, ConfigMap or ServiceAccount.
 */
import type { KubeObject } from '../../../api/types.js';
import type { ResourceCache } from '../../watchcache.js';
import { podReferences, type RefKind } from './references.js';

export class NodeGraph {
  /** node → pod key → references. */
  private readonly byNode = new Map<string, Map<string, Set<string>>>();
  /** pod key → the node it is indexed under. */
  private readonly podNode = new Map<string, string>();

  constructor(pods: ResourceCache) {
    for (const [key, pod] of pods.objects) this.put(key, pod);
    pods.subscribe((events) => {
      for (const e of events) {
        if (e.type === 'DELETED') this.remove(e.key);
        else this.put(e.key, e.object);
      }
    });
  }

  private remove(key: string): void {
    const node = this.podNode.get(key);
    if (node === undefined) return;
    this.podNode.delete(key);
    const pods = this.byNode.get(node);
    pods?.delete(key);
    if (pods?.size === 0) this.byNode.delete(node);
  }

  private put(key: string, pod: KubeObject): void {
    this.remove(key);
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!node) return;
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map()));
    pods.set(key, podReferences(pod));
    this.podNode.set(key, node);
  }

  /** Whether a pod bound to `node` references `kind` `namespace/name`. */
  hasPath(node: string, kind: RefKind, namespace: string, name: string): boolean {
    const ref = `${kind}/${namespace}/${name}`;
    for (const refs of this.byNode.get(node)?.values() ?? []) if (refs.has(ref)) return true;
    return false;
  }
}
