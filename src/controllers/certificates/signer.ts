/**
 * The CSR signer (kube-controller-manager's `csrsigning`): an approved request for one of the
 * built-in signers gets its certificate from the cluster CA, or a Failed condition saying why the
 * signer refuses it. The signing itself is given (the control plane holds the CA's key).
 */
import type { CertificateSigningRequest } from '../../api/kinds.js';
import { certificateSigningRequests } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { isApproved, isDenied, isFailed } from './conditions.js';

export type CsrSign = (csr: CertificateSigningRequest) => { certificate: string } | { failed: string };

export class CsrSigner implements Controller {
  readonly name = 'csrsigning';
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });
  private readonly csrs: Informer<CertificateSigningRequest>;

  constructor(private readonly ctx: ControllerContext, private readonly sign: CsrSign, private readonly signers: readonly string[]) {
    this.csrs = ctx.informers.informer<CertificateSigningRequest>(certificateSigningRequests);
    const enqueue = (c: CertificateSigningRequest) => this.queue.add(c.metadata.name ?? '');
    this.csrs.addEventHandler({ add: enqueue, update: (_o, c) => enqueue(c) });
  }

  async start(): Promise<void> {
    await this.csrs.waitForSync();
    await runWorkers(this.ctx, this.name, this.queue, 2, (key) => this.sync(key), { quiet: [404], done: [404] });
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || !isApproved(csr) || isDenied(csr) || isFailed(csr) || csr.status?.certificate) return;
    if (!this.signers.includes(csr.spec.signerName)) return;
    const result = this.sign(csr);
    const status = 'certificate' in result
      ? { ...(csr.status ?? {}), certificate: Buffer.from(result.certificate).toString('base64') }
      : { ...(csr.status ?? {}), conditions: [...(csr.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: result.failed }] };
    await this.ctx.client.update(certificateSigningRequests, { ...csr, status }, 'status');
  }
}
