/**
 * How the API server reaches a node's endpoint (kubelet's port): the one place that turns a Node
 * into a request — address, port, scheme and credentials — for logs, exec, attach, port-forward
 * and proxy. Upgrade requests (WebSocket, SPDY) go through it too.
 */
import http from 'node:http';
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import type { Node } from '../api/kinds.js';
import { BadRequestError } from '../api/errors.js';
import type { Registry } from './registry/registry.js';

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

export function nodeDialer(nodeRegistry: () => Registry, token: () => string): NodeDialer {
  return {
    async request(nodeName, options) {
      const node = (await nodeRegistry().get(undefined, nodeName).catch(() => undefined)) as Node | undefined;
      const address = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      const port = node?.status?.daemonEndpoints?.kubeletEndpoint?.Port;
      if (!address || !port) throw new BadRequestError(`node ${nodeName} has no reachable endpoint`);
      return http.request({
        host: address,
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { ...options.headers, Authorization: `Bearer ${token()}` },
      });
    },
  };
}
