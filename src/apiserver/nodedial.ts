/**
 * How the API server reaches a node's endpoint (kubelet's port): the one place that turns a Node
 * into a request — address, port, TLS and credentials — for logs, exec, attach, port-forward and
 * proxy. Upgrade requests (WebSocket, SPDY) go through it too.
 *
 * The node must prove it is that node: its serving certificate chains to the cluster CA, names the
 * address dialled and is `system:node:NAME`'s. The API server proves itself with its own client
 * certificate and never sends a bearer token, so a node that rewrites its status to point
 * elsewhere gets nothing it could replay.
 */
import https from 'node:https';
import tls from 'node:tls';
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import type { Node } from '../api/kinds.js';
import { BadRequestError } from '../api/errors.js';
import type { Registry } from './registry/registry.js';
import type { KeyAndCert } from './certs.js';

export interface NodeRequestOptions {
  readonly method?: string;
  /** Path and query on the node endpoint, e.g. `/containerLogs/NS/POD?follow=true`. */
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
}

export interface NodeDialer {
  /** A request to the named node's endpoint, not yet ended; refuses nodes without an endpoint. */
  request(nodeName: string, options: NodeRequestOptions): Promise<ClientRequest>;
}

export interface NodeDialTls {
  /** The cluster CA (PEM) node serving certificates must chain to. */
  readonly ca: string;
  /** The API server's client certificate for nodes. */
  readonly client: () => KeyAndCert;
}

export function nodeDialer(nodeRegistry: () => Registry, creds: NodeDialTls): NodeDialer {
  return {
    async request(nodeName, options) {
      const node = (await nodeRegistry().get(undefined, nodeName).catch(() => undefined)) as Node | undefined;
      const address = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      const port = node?.status?.daemonEndpoints?.kubeletEndpoint?.Port;
      if (!address || !port) throw new BadRequestError(`node ${nodeName} has no reachable endpoint`);
      const { cert, key } = creds.client();
      const { authorization: _dropped, ...headers } = options.headers ?? {};
      return https.request({
        host: address,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers,
        ca: creds.ca,
        cert,
        key,
        agent: false,
        checkServerIdentity(host, peer) {
          const err = tls.checkServerIdentity(host, peer);
          if (err) return err;
          const cn = Array.isArray(peer.subject?.CN) ? peer.subject.CN[0] : peer.subject?.CN;
          if (cn !== `system:node:${nodeName}`) return new Error(`the endpoint at ${host}:${port} is not node ${nodeName} (its certificate names ${String(cn)})`);
          return undefined;
        },
      });
    },
  };
}
