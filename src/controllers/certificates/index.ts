export { CsrApprover } from './approver.js';
export { CsrSigner, type CsrSign } from './signer.js';
export { isApproved, isDenied, isFailed } from './conditions.js';
export { CsrCleaner } from './cleaner.js';
export { csrExpiresAt, DENIED_TTL_MS, FAILED_TTL_MS, ISSUED_TTL_MS, PENDING_TTL_MS } from './expiry.js';
