/**
 * The service accounts controller (kube-controller-manager's `serviceaccount-controller`): every
 * namespace that is not terminating has a `default` ServiceAccount; one deleted comes back.
 */
import type { Namespace } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../api/errors.js';
import { namespaces as namespacesResource, serviceAccounts as serviceAccountsResource } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';

export const DEFAULT_ACCOUNT = 'default';

export class ServiceAccountsController implements Controller {
  readonly name = 'serviceaccount';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly namespaces: Informer<Namespace>;
  private readonly accounts: Informer<KubeObject>;

  constructor(private readonly ctx: ControllerContext, private readonly accountNames: readonly string[] = [DEFAULT_ACCOUNT]) {
    this.namespaces = ctx.informers.informer<Namespace>(namespacesResource);
    this.accounts = ctx.informers.informer<KubeObject>(serviceAccountsResource);
    const enqueue = (ns: Namespace) => this.queue.add(ns.metadata.name ?? '');
    this.namespaces.addEventHandler({ add: enqueue, update: (_o, ns) => enqueue(ns) });
    this.accounts.addEventHandler({ delete: (sa) => this.queue.add(sa.metadata.namespace ?? '') });
  }

  async start(): Promise<void> {
    await Promise.all([this.namespaces.waitForSync(), this.accounts.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, 2, (ns) => this.sync(ns), { quiet: [403, 404], done: [404] });
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    for (const name of this.accountNames) {
      if (this.accounts.get(`${namespace}/${name}`)) continue;
      try {
        await this.ctx.client.create(serviceAccountsResource, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409)) throw err;
      }
    }
  }
}
