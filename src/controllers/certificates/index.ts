export { CsrApprover } from './approver.js';
export { CsrSigner, type CsrSign } from './signer.js';
export { isApproved, isDenied, isFailed } from './conditions.js';
