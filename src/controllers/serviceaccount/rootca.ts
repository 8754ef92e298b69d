/**
 * The root CA publisher (kube-controller-manager's `root-ca-cert-publisher`): every namespace
 * that is not terminating has the `kube-root-ca.crt` ConfigMap holding the cluster CA as `ca.crt`,
 * which pods' projected token volumes mount to verify the API server; edits and deletions are
 * undone.
 */
import type { ConfigMap, Namespace } from '../../api/kinds.js';
import { ApiError } from '../../api/errors.js';
import { configMaps as configMapsResource, namespaces as namespacesResource } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** The annotation kube-controller-manager puts on it. */
export const ROOT_CA_DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCaPublisher implements Controller {
  readonly name = 'root-ca-cert-publisher';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly namespaces: Informer<Namespace>;
  private readonly configMaps: Informer<ConfigMap>;

  constructor(private readonly ctx: ControllerContext, private readonly caCert: string) {
    this.namespaces = ctx.informers.informer<Namespace>(namespacesResource);
    this.configMaps = ctx.informers.informer<ConfigMap>(configMapsResource);
    const enqueue = (ns: Namespace) => this.queue.add(ns.metadata.name ?? '');
    this.namespaces.addEventHandler({ add: enqueue, update: (_o, ns) => enqueue(ns) });
    const cmChanged = (cm: ConfigMap) => {
      if (cm.metadata.name === ROOT_CA_CONFIGMAP) this.queue.add(cm.metadata.namespace ?? '');
    };
    this.configMaps.addEventHandler({ update: (_o, cm) => cmChanged(cm), delete: cmChanged });
  }

  async start(): Promise<void> {
    await Promise.all([this.namespaces.waitForSync(), this.configMaps.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, 2, (ns) => this.sync(ns), { quiet: [403, 404], done: [404] });
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    const data = { 'ca.crt': this.caCert };
    const annotations = { 'kubernetes.io/description': ROOT_CA_DESCRIPTION };
    const cm = this.configMaps.get(`${namespace}/${ROOT_CA_CONFIGMAP}`);
    try {
      if (!cm) {
        await this.ctx.client.create(configMapsResource, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations }, data });
        return;
      }
      if (cm.data?.['ca.crt'] === this.caCert && Object.keys(cm.data).length === 1 && cm.metadata.annotations?.['kubernetes.io/description'] === ROOT_CA_DESCRIPTION) return;
      await this.ctx.client.update(configMapsResource, {
        ...cm,
        metadata: { ...cm.metadata, annotations: { ...(cm.metadata.annotations ?? {}), ...annotations } },
        data,
      });
    } catch (err) {
      // Created meanwhile (409 on create): the update event brings it back here.
      if (err instanceof ApiError && err.code === 409) return;
      throw err;
    }
  }
}
