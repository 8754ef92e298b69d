/**
 * `GET pods/NAME/log`: the API server asks the pod's node for the log (the node's InternalIP and
 * its advertised kubelet port) with the cluster's node token, and streams the answer through —
 * status, Kubernetes errors and `follow` included — as kube-apiserver proxies to kubelet.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ServiceUnavailableError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { PodLogStreamer } from './http/context.js';
import type { NodeDialer } from './nodedial.js';

const passed = ['container', 'follow', 'previous', 'tailLines', 'sinceSeconds', 'sinceTime', 'timestamps', 'limitBytes'];

export function kubeletLogStreamer(dialer: NodeDialer): PodLogStreamer {
  return async (pod: KubeObject, q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const params = new URLSearchParams();
    for (const k of passed) {
      const v = q.get(k);
      if (v !== null) params.set(k, v);
    }
    const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}?${params}`;
    const up = await dialer.request(nodeName, { path }).catch((err: unknown) => {
      throw err instanceof BadRequestError ? new BadRequestError(`node ${nodeName} does not serve container logs`) : err;
    });
    await new Promise<void>((resolve, reject) => {
      up.once('response', (answer) => {
        res.writeHead(answer.statusCode ?? 502, { 'Content-Type': answer.headers['content-type'] ?? 'text/plain' });
        res.flushHeaders();
        answer.pipe(res);
        answer.once('end', resolve);
        answer.once('error', resolve);
      });
      up.once('error', (err) => reject(new ServiceUnavailableError(`cannot reach node ${nodeName} for logs: ${err.message}`)));
      // A client that goes away (kubectl logs -f, Ctrl-C) ends the node request too.
      req.once('close', () => up.destroy());
      up.end();
    });
  };
}
