/**
 * The loop the CSR controllers (approving, signing, cleaning) share: one informer of
 * CertificateSigningRequests, every add and update enqueued by name, two workers; a CSR deleted
 * meanwhile (404) is done, not retried.
 */
import type { CertificateSigningRequest } from '../../api/kinds.js';
import { certificateSigningRequests } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, type Syncable } from '../replication/base.js';

export abstract class CsrController extends QueueController {
  protected csrs!: Informer<CertificateSigningRequest>;

  constructor(ctx: ControllerContext) {
    super(ctx, 2, { quiet: [404], done: [404] });
  }

  protected register(): readonly Syncable[] {
    this.csrs = this.ctx.informers.informer<CertificateSigningRequest>(certificateSigningRequests);
    const enqueue = (c: CertificateSigningRequest): void => this.enqueue(c.metadata.name ?? '');
    this.csrs.addEventHandler({ add: enqueue, update: (_o, c) => enqueue(c) });
    return [this.csrs];
  }
}
