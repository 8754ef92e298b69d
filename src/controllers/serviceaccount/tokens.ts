/**
 * The tokens controller (kube-controller-manager's legacy `TokensController`): a Secret of type
 * `kubernetes.io/service-account-token` naming an account in its
 * `kubernetes.io/service-account.name` annotation is filled with a signed, non-expiring token for
 * that account, the cluster CA and the namespace, and stamped with the account's uid. A Secret
 * whose account is gone (or was recreated with another uid) is deleted, and so are an account's
 * token Secrets when the account is deleted.
 */
import type { Secret } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../api/errors.js';
import { secrets as secretsResource, serviceAccounts as serviceAccountsResource } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';

export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/** Signs a legacy token for the account, naming its Secret (the API server's key). */
export type LegacyTokenSigner = (namespace: string, account: { name: string; uid: string }, secretName: string) => Promise<string>;

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

export class TokensController implements Controller {
  readonly name = 'serviceaccount-token';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly secrets: Informer<Secret>;
  private readonly accounts: Informer<KubeObject>;

  constructor(private readonly ctx: ControllerContext, private readonly sign: LegacyTokenSigner, private readonly caCert: string) {
    this.secrets = ctx.informers.informer<Secret>(secretsResource);
    this.accounts = ctx.informers.informer<KubeObject>(serviceAccountsResource);
    const secretChanged = (s: Secret) => {
      if (s.type === SERVICE_ACCOUNT_TOKEN_TYPE) this.queue.add(keyOf(s));
    };
    this.secrets.addEventHandler({ add: secretChanged, update: (_o, s) => secretChanged(s) });
    // An account gone (or replaced): its token Secrets are looked at again.
    const accountChanged = (sa: KubeObject) => {
      for (const s of this.secrets.list()) {
        if (s.type === SERVICE_ACCOUNT_TOKEN_TYPE && s.metadata.namespace === sa.metadata.namespace &&
          s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] === sa.metadata.name) this.queue.add(keyOf(s));
      }
    };
    this.accounts.addEventHandler({ add: accountChanged, delete: accountChanged });
  }

  async start(): Promise<void> {
    await Promise.all([this.secrets.waitForSync(), this.accounts.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, 2, (key) => this.sync(key), { quiet: [404], done: [404] });
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(key: string): Promise<void> {
    const secret = this.secrets.get(key);
    if (!secret || secret.type !== SERVICE_ACCOUNT_TOKEN_TYPE || secret.metadata.deletionTimestamp) return;
    const namespace = secret.metadata.namespace ?? '';
    const secretName = secret.metadata.name ?? '';
    const accountName = secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] ?? '';
    const wantUid = secret.metadata.annotations?.[SERVICE_ACCOUNT_UID_ANNOTATION];
    // The cache may lag a just-created account: ask the server before deleting anything.
    const account = this.accounts.get(`${namespace}/${accountName}`) ?? (await this.liveAccount(namespace, accountName));
    if (!account || (wantUid && account.metadata.uid !== wantUid)) {
      await this.ctx.client.delete(secretsResource, namespace, secretName, { preconditions: { uid: secret.metadata.uid ?? '' } }).catch((err: unknown) => {
        if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
      });
      return;
    }
    const uid = account.metadata.uid ?? '';
    const data = secret.data ?? {};
    if (data['token'] && data['ca.crt'] === b64(this.caCert) && data['namespace'] === b64(namespace) && wantUid === uid) return;
    const token = data['token'] ? Buffer.from(data['token'], 'base64').toString('utf8') : await this.sign(namespace, { name: accountName, uid }, secretName);
    await this.ctx.client.update(secretsResource, {
      ...secret,
      metadata: { ...secret.metadata, annotations: { ...(secret.metadata.annotations ?? {}), [SERVICE_ACCOUNT_UID_ANNOTATION]: uid } },
      data: { ...data, token: b64(token), 'ca.crt': b64(this.caCert), namespace: b64(namespace) },
    });
  }

  private async liveAccount(namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.ctx.client.get(serviceAccountsResource, namespace, name);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }
}
