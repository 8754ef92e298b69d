/** What skiff's stream verbs (exec, attach, cp) share: the WebSocket session client, the pod and
 * container they act on, and the archives `cp` sends and receives. */
export { runRemote, type SessionIO } from './session.js';
export { podTarget, type PodTarget } from './pods.js';
export { packAs } from './tarwrite.js';
export { unpackTo } from './tarread.js';
