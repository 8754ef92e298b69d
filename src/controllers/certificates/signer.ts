/**
 * The CSR signer (kube-controller-manager's `csrsigning`): an approved request for one of the
 * built-in signers gets its certificate from the cluster CA, or a Failed condition saying why the
 * signer refuses it. The signing itself is given (the control plane holds the CA's key).
 */
import type { CertificateSigningRequest } from '../../api/kinds.js';
import { certificateSigningRequests } from '../../api/resources.js';
import type { ControllerContext } from '../controller.js';
import { CsrController } from './csrcontroller.js';
import { isApproved, isDenied, isFailed } from './conditions.js';

export type CsrSign = (csr: CertificateSigningRequest) => { certificate: string } | { failed: string };

export class CsrSigner extends CsrController {
  readonly name = 'csrsigning';

  constructor(ctx: ControllerContext, private readonly sign: CsrSign, private readonly signers: readonly string[]) {
    super(ctx);
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
