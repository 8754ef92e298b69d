/** Stream protocols shared by the API server's relay and the node endpoint. */
export * from './channel.js';
export * from './session.js';
export * from './wsframes.js';
