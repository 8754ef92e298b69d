/**
 * `pods/exec`, `pods/attach` and `pods/portforward`: the API server checks the request, then relays the
 * client's upgrade to the pod's node endpoint through the node dialer and, once the node
 * answers 101, copies bytes both ways untouched — kube-apiserver's upgrade-aware proxy. The
 * node speaks the stream protocols itself, so every subprotocol the node knows works here
 * without the API server decoding a frame. A refusal from the node (its Status) is passed on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { NodeDialer } from './nodedial.js';
import { isSpdyTunnel, relayUpgrade, upgradeKind } from './upgraderelay.js';

interface PodShape {
  spec?: { nodeName?: string; containers?: { name?: string }[]; initContainers?: { name?: string }[]; ephemeralContainers?: { name?: string }[] };
  status?: { phase?: string };
}

/** Checks kube-apiserver makes before it connects: the pod's phase, the container's name. */
function checkPod(pod: KubeObject, q: URLSearchParams, verb: string): string {
  const p = pod as unknown as PodShape;
  const name = pod.metadata.name ?? '';
  const phase = p.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new BadRequestError(`cannot ${verb} into a container in a completed pod; current phase is ${phase}`);
  const container = q.get('container') ?? '';
  const all = [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? []), ...(p.spec?.ephemeralContainers ?? [])];
  if (container === '' && (p.spec?.containers?.length ?? 0) !== 1) {
    throw new BadRequestError(`a container name must be specified for pod ${name}, choose one of: [${(p.spec?.containers ?? []).map((c) => c.name).join(' ')}]`);
  }
  if (container !== '' && !all.some((c) => c.name === container)) throw new BadRequestError(`container ${container} is not valid for pod ${name}`);
  if (!p.spec?.nodeName) throw new BadRequestError(`pod ${name} does not have a host assigned`);
  return container || p.spec.containers![0]!.name!;
}

/** `pods/exec` and `pods/attach`: checked here, relayed to the node's `/exec/…` or `/attach/…`. */
export async function relayStream(kind: 'exec' | 'attach', dialer: NodeDialer | undefined, pod: KubeObject, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const container = checkPod(pod, q, kind);
  if (kind === 'exec' && !q.getAll('command').length) throw new BadRequestError('you must specify at least 1 command');
  // Containers are not started with an open stdin: attach can only show output (the node
  // refuses too; here the answer is the same whichever protocol the client tries).
  if (kind === 'attach' && (q.get('stdin') === 'true' || q.get('stdin') === '1' || q.get('tty') === 'true' || q.get('tty') === '1')) {
    throw new BadRequestError(`container ${container} of pod ${pod.metadata.name ?? ''} was not started with stdin or a tty: attach can only show its output`);
  }
  const upgrade = upgradeKind(req);
  if (!dialer) throw new BadRequestError(`the node of pod ${pod.metadata.name ?? ''} does not serve ${kind}`);
  const params = new URLSearchParams();
  for (const c of q.getAll('command')) params.append('command', c);
  for (const k of ['stdin', 'stdout', 'stderr', 'tty']) {
    const v = q.get(k);
    if (v !== null) params.set(k, v);
  }
  const nodeName = (pod as unknown as PodShape).spec!.nodeName!;
  const path = `/${kind}/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}?${params}`;
  await relayUpgrade(dialer, nodeName, path, req, res, upgrade);
}

/** `pods/portforward`: the ports asked (`ports=`, WebSocket only) become the node's `port=`. */
export async function relayPortForward(dialer: NodeDialer | undefined, pod: KubeObject, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const p = pod as unknown as PodShape;
  const name = pod.metadata.name ?? '';
  if (!p.spec?.nodeName) throw new BadRequestError(`pod ${name} does not have a host assigned`);
  const upgrade = upgradeKind(req);
  const params = new URLSearchParams();
  for (const v of q.getAll('ports')) {
    for (const port of v.split(',')) {
      const n = Number(port);
      if (!/^\d+$/.test(port) || n < 1 || n > 65535) throw new BadRequestError(`invalid port: ${port}: port must be in the range 1 to 65535`);
      params.append('port', port);
    }
  }
  if (upgrade === 'websocket' && !params.has('port') && !isSpdyTunnel(req)) throw new BadRequestError('query parameter "ports" is required');
  if (!dialer) throw new BadRequestError(`the node of pod ${name} does not serve portforward`);
  const path = `/portForward/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(name)}${params.size ? `?${params}` : ''}`;
  await relayUpgrade(dialer, p.spec.nodeName, path, req, res, upgrade);
}
