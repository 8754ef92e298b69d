/**
 * Authentication by X.509 client certificate, as kube-apiserver's x509 authenticator: a
 * certificate that chains to the cluster CA (the TLS layer verified it: `authorized`) and allows
 * client authentication names the user by its subject's CN and the groups by its O entries.
 * Read once per connection, when the handshake completes.
 */
import type { TLSSocket } from 'node:tls';
import { AUTHENTICATED, type UserInfo } from './user.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const peerUser = Symbol('skiff.x509User');

type Tagged = TLSSocket & { [peerUser]?: UserInfo | null };

function list(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The identity a verified client certificate names, or undefined. */
export function certificateUser(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return undefined;
  const usages = (cert as { ext_key_usage?: string[] }).ext_key_usage;
  // No extended key usage at all means any usage; one that lists usages must list client auth.
  if (usages && !usages.includes(CLIENT_AUTH)) return undefined;
  const name = list(cert.subject.CN)[0];
  if (!name) return undefined;
  const groups = list(cert.subject.O);
  if (!groups.includes(AUTHENTICATED)) groups.push(AUTHENTICATED);
  return { name, groups };
}

/** Reads the connection's certificate identity once, at the end of its handshake. */
export function tagConnection(socket: TLSSocket): void {
  (socket as Tagged)[peerUser] = certificateUser(socket) ?? null;
}

/** The identity of the connection a request came on (an HTTP/2 request's socket is a proxy
 * that forwards property reads to the session's TLS socket). */
export function connectionUser(socket: unknown): UserInfo | undefined {
  return (socket as Tagged | undefined)?.[peerUser] ?? undefined;
}
