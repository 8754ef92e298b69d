/** The TTL-after-finished controller: finished Jobs deleted once their ttlSecondsAfterFinished ran out. */
export { TtlAfterFinishedController } from './controller.js';
export { expiresAt } from './expiry.js';
