/** Namespaces every cluster has from the start and that no request may delete (Kubernetes'
 * NamespaceLifecycle keeps `default`, `kube-system` and `kube-public`; skiff adds
 * `kube-node-lease`, whose node leases its controllers depend on). One rule for every delete path. */
import { NamespaceUndeletableError } from '../../api/errors.js';
import { namespaces, type ResourceType } from '../../api/resources.js';

export const immortalNamespaces: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const immortal: ReadonlySet<string> = new Set(immortalNamespaces);

/** Throws {@link NamespaceUndeletableError} when `name` of `r` may never be deleted. */
export function checkDeletable(r: ResourceType, name: string): void {
  if (r === namespaces && immortal.has(name)) throw new NamespaceUndeletableError(name);
}
