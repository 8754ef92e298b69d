/**
 * `pods/exec` and `pods/attach` (next: portforward): the API server checks the request, then relays the
 * client's upgrade to the pod's node endpoint through the node dialer and, once the node
 * answers 101, copies bytes both ways untouched — kube-apiserver's upgrade-aware proxy. The
 * node speaks the stream protocols itself, so every subprotocol the node knows works here
 * without the API server decoding a frame. A refusal from the node (its Status) is passed on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BadRequestError, ServiceUnavailableError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import type { NodeDialer } from './nodedial.js';
import { FrameSplitter } from '../streams/wsframes.js';

const relayedHeaders = ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions', 'upgrade', 'x-stream-protocol-version'];

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
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade !== 'websocket') throw new BadRequestError('Upgrade request required');
  if (!dialer) throw new BadRequestError(`the node of pod ${pod.metadata.name ?? ''} does not serve ${kind}`);
  const socket = res.socket as Socket | null;
  if (!socket) return;
  const params = new URLSearchParams();
  for (const c of q.getAll('command')) params.append('command', c);
  for (const k of ['stdin', 'stdout', 'stderr', 'tty']) {
    const v = q.get(k);
    if (v !== null) params.set(k, v);
  }
  const headers: Record<string, string> = { Connection: 'Upgrade' };
  for (const h of relayedHeaders) {
    const v = req.headers[h];
    if (v !== undefined) headers[h] = Array.isArray(v) ? v.join(', ') : v;
  }
  const nodeName = (pod as unknown as PodShape).spec!.nodeName!;
  const path = `/${kind}/${encodeURIComponent(pod.metadata.namespace ?? '')}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}?${params}`;
  const up = await dialer.request(nodeName, { method: 'GET', path, headers });
  await new Promise<void>((resolve, reject) => {
    up.once('upgrade', (answer: IncomingMessage, nodeSocket: Socket, head: Buffer) => {
      let text = 'HTTP/1.1 101 Switching Protocols\r\n';
      for (let i = 0; i < answer.rawHeaders.length; i += 2) text += `${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}\r\n`;
      socket.write(text + '\r\n');
      // Frames towards the client are written one at a time, each once the previous one has
      // left, so each is its own TLS record (see FrameSplitter).
      const splitter = new FrameSplitter();
      const queue: Buffer[] = [];
      let writing = false;
      let nodeEnded = false;
      const next = (): void => {
        const frame = queue.shift();
        if (!frame || socket.destroyed) {
          writing = false;
          // The node's last frames have left: the client's connection ends after them.
          if (nodeEnded) socket.end();
          else nodeSocket.resume();
          return;
        }
        writing = true;
        socket.write(frame, () => next());
      };
      const take = (chunk: Buffer): void => {
        queue.push(...splitter.push(chunk));
        if (queue.length > 64) nodeSocket.pause();
        if (!writing) next();
      };
      if (head.length) take(head);
      nodeSocket.on('data', take);
      socket.pipe(nodeSocket);
      const nodeGone = (): void => {
        nodeEnded = true;
        if (!writing) socket.end();
        // A client that never closes its side is not waited for long.
        setTimeout(() => socket.destroy(), 10_000).unref();
      };
      nodeSocket.once('end', nodeGone);
      nodeSocket.once('close', nodeGone);
      nodeSocket.on('error', nodeGone);
      socket.on('error', () => socket.destroy());
      socket.once('close', () => {
        nodeSocket.destroy();
        resolve();
      });
    });
    up.once('response', (answer) => {
      // The node refused (pod gone, container not running): its Status goes to the client.
      res.writeHead(answer.statusCode ?? 502, { 'Content-Type': answer.headers['content-type'] ?? 'application/json' });
      answer.pipe(res);
      answer.once('end', resolve);
      answer.once('error', () => resolve());
    });
    up.once('error', (err) => reject(new ServiceUnavailableError(`error dialing backend: ${err.message}`)));
    socket.once('close', () => up.destroy());
    up.end();
  });
}
