/** SPDY/3.1 as Kubernetes streams use it: frames, header blocks, the server connection, the
 * upgrade handshake, and exec/attach sessions over it. */
export * from './connection.js';
export * from './exec.js';
export * from './frames.js';
export * from './handshake.js';
export * from './headerblock.js';
export { HEADER_DICTIONARY } from './dictionary.js';
