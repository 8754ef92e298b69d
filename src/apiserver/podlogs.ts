/**
 * `GET pods/NAME/log`: the API server asks the pod's node for the log (the node's InternalIP and
 * its advertised kubelet port) with the cluster's node token, and streams the answer through —
 * status, Kubernetes errors and `follow` included — as kube-apiserver proxies to kubelet.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Node } from '../api/kinds.js';
import { BadRequestError, ServiceUnavailableError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { Registry } from './registry/registry.js';
import type { PodLogStreamer } from './http/context.js';

const passed = ['container', 'follow', 'previous', 'tailLines', 'sinceSeconds', 'sinceTime', 'timestamps', 'limitBytes'];

export function kubeletLogStreamer(nodeRegistry: () => Registry, token: () => string): PodLogStreamer {
  return async (pod: KubeObject, q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const node = (await nodeRegistry().get(undefined, nodeName).catch(() => undefined)) as Node | undefined;
    const address = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const port = node?.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!address || !port) throw new BadRequestError(`node ${nodeName} does not serve container logs`);
    const params = new URLSearchParams();
    for (const k of passed) {
      const v = q.get(k);
      if (v !== null) params.set(k, v);
    }
    const target = `http://${address.includes(':') ? `[${address}]` : address}:${port}/containerLogs/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}?${params}`;
    await new Promise<void>((resolve, reject) => {
      const up = http.get(target, { headers: { Authorization: `Bearer ${token()}` } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'Content-Type': answer.headers['content-type'] ?? 'text/plain' });
        res.flushHeaders();
        answer.pipe(res);
        answer.once('end', resolve);
        answer.once('error', resolve);
      });
      up.once('error', (err) => reject(new ServiceUnavailableError(`cannot reach node ${nodeName} for logs: ${err.message}`)));
      // A client that goes away (kubectl logs -f, Ctrl-C) ends the node request too.
      req.once('close', () => up.destroy());
    });
  };
}
