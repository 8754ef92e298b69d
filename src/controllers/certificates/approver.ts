/**
 * The CSR approver (kube-controller-manager's `csrapproving`): approves a node's client
 * certificate request when its requester may — a SubjectAccessReview for `create` on
 * `certificatesigningrequests/nodeclient` (a new node, asked by the bootstrap identity) or
 * `/selfnodeclient` (a node renewing its own). Anything else waits for a person with
 * `kubectl certificate approve|deny`. skiff also approves a node's serving certificate request
 * made by that same node (Kubernetes leaves those to an operator or a third-party approver).
 */
import type { CertificateSigningRequest } from '../../api/kinds.js';
import { KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, NODE_USER_PREFIX, NODES_GROUP } from '../../api/kinds.js';
import { certificateSigningRequests, subjectAccessReviews } from '../../api/resources.js';
import { parseCsrPem } from '../../api/csr.js';
import type { ControllerContext } from '../controller.js';
import { CsrController } from './csrcontroller.js';
import { isApproved, isDenied } from './conditions.js';

const CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];
const SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];

function nodeRequest(csr: CertificateSigningRequest, allowed: readonly string[], sans: boolean): { commonName: string } | undefined {
  const parsed = parseCsrPem(Buffer.from(csr.spec.request ?? '', 'base64').toString('utf8'));
  if ('error' in parsed) return undefined;
  if (parsed.organizations.length !== 1 || parsed.organizations[0] !== NODES_GROUP) return undefined;
  if (!parsed.commonName.startsWith(NODE_USER_PREFIX)) return undefined;
  if (!sans && (parsed.dnsNames.length || parsed.ips.length)) return undefined;
  if (parsed.emails.length || parsed.uris.length) return undefined;
  const usages = csr.spec.usages ?? [];
  if (usages.some((u) => !allowed.includes(u))) return undefined;
  return { commonName: parsed.commonName };
}

export class CsrApprover extends CsrController {
  readonly name = 'csrapproving';

  constructor(ctx: ControllerContext) {
    super(ctx);
  }

  private async allowed(csr: CertificateSigningRequest, subresource: string): Promise<boolean> {
    const review = await this.ctx.client.create(subjectAccessReviews, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user: csr.spec.username,
        groups: csr.spec.groups ?? [],
        ...(csr.spec.uid ? { uid: csr.spec.uid } : {}),
        ...(csr.spec.extra ? { extra: csr.spec.extra } : {}),
        resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource },
      },
    } as never) as { status?: { allowed?: boolean } };
    return review.status?.allowed === true;
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || isApproved(csr) || isDenied(csr) || csr.status?.certificate) return;
    let message: string | undefined;
    if (csr.spec.signerName === KUBELET_CLIENT_SIGNER) {
      const req = nodeRequest(csr, CLIENT_USAGES, false);
      if (!req || !(csr.spec.usages ?? []).includes('client auth')) return;
      const self = csr.spec.username === req.commonName;
      if (!(await this.allowed(csr, self ? 'selfnodeclient' : 'nodeclient'))) return;
      message = 'Auto approving kubelet client certificate after SubjectAccessReview.';
    } else if (csr.spec.signerName === KUBELET_SERVING_SIGNER) {
      const req = nodeRequest(csr, SERVING_USAGES, true);
      if (!req || !(csr.spec.usages ?? []).includes('server auth')) return;
      if (csr.spec.username !== req.commonName || !(csr.spec.groups ?? []).includes(NODES_GROUP)) return;
      message = 'Auto approving kubelet serving certificate requested by the node itself.';
    } else {
      return;
    }
    await this.ctx.client.update(certificateSigningRequests, {
      ...csr,
      status: { ...(csr.status ?? {}), conditions: [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message }] },
    }, 'approval');
  }
}
