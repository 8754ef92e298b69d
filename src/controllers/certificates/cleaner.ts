/**
 * The CSR cleaner: deletes CertificateSigningRequests whose time is up (expiry.ts), each at its
 * own deadline rather than on kube-controller-manager's hourly sweep. The uid precondition keeps
 * a request re-created under the same name.
 */
import { certificateSigningRequests } from '../../api/resources.js';
import type { ControllerContext } from '../controller.js';
import { isNotFound } from '../replication/index.js';
import { CsrController } from './csrcontroller.js';
import { csrExpiresAt } from './expiry.js';

/** setTimeout's limit; a later deadline is looked at again then. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class CsrCleaner extends CsrController {
  readonly name = 'csrcleaner';

  constructor(ctx: ControllerContext, private readonly now: () => number = Date.now) {
    super(ctx);
  }

  protected async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || csr.metadata.deletionTimestamp) return;
    const wait = csrExpiresAt(csr) - this.now();
    if (wait > 0) {
      if (Number.isFinite(wait)) this.queue.addAfter(name, Math.min(wait, MAX_DELAY_MS));
      return;
    }
    try {
      await this.ctx.client.delete(certificateSigningRequests, undefined, name, { preconditions: { uid: csr.metadata.uid ?? '' } });
      this.ctx.log.debug({ csr: name }, 'deleted a certificate signing request whose time was up');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
