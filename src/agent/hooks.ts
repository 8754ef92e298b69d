/**
 * Lifecycle hooks (`postStart`, `preStop`) run as kubelet's handler runner does (pkg/kubelet/
 * lifecycle/handlers.go): `exec` in the container, `httpGet` against the pod (any answer counts as
 * done — kubelet does not look at the status code), `sleep` for its seconds. `tcpSocket` passes
 * the API for backward compatibility but cannot run: it fails with kubelet's "Cannot run handler".
 * The failure messages are kubelet's, word for word, since they end up in container statuses.
 */
import http from 'node:http';
import https from 'node:https';
import type { Container, IntOrString, LifecycleHandler, Pod } from '../api/kinds.js';
import type { Runtime } from '../runtime/runtime.js';
import { goQuote } from '../api/validation/goquote.js';
import { resolvePort } from './probe.js';

/** Where and against what a hook runs. */
export interface HookTarget {
  readonly pod: Pod;
  readonly container: Container;
  readonly containerId: string;
  readonly podIP: string;
  readonly runtime: Runtime;
  /** An upper bound for an exec hook (kubelet gives none; the agent bounds preStop by the grace
   * period so nothing outlives the container). */
  readonly timeoutMs?: number;
  /** Aborted when the hook must give up (the container ended, the pod went away). */
  readonly signal?: AbortSignal;
}

export type HookResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** setTimeout's ceiling: "no timeout" for exec hooks. */
const forever = 2 ** 31 - 1;

/** kubelet's format.Pod: `name_namespace(uid)`. */
export function podRef(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}

/** Go's %v of an IntOrString struct: `{0 8080 }` or `{1 0 http}`. */
function goIntOrString(v: IntOrString): string {
  return typeof v === 'number' ? `{0 ${v} }` : `{1 0 ${v}}`;
}

/** Go's %v of the handler, as kubelet's "invalid handler" message prints it. */
function goHandler(h: LifecycleHandler): string {
  const tcp = h.tcpSocket ? `&TCPSocketAction{Port:${goIntOrString(h.tcpSocket.port)},Host:${h.tcpSocket.host ?? ''},}` : 'nil';
  return `&LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:${tcp},Sleep:nil,}`;
}

export async function runHook(handler: LifecycleHandler, t: HookTarget): Promise<HookResult> {
  const who = `for Container ${goQuote(t.container.name)} in Pod ${goQuote(podRef(t.pod))}`;
  if (handler.exec) {
    const command = handler.exec.command ?? [];
    const failed = (error: string, output: string): HookResult => ({ ok: false, message: `Exec lifecycle hook ([${command.join(' ')}]) ${who} failed - error: ${error}, message: ${goQuote(output)}` });
    try {
      const r = await abortable(t.runtime.exec(t.containerId, command, t.timeoutMs ?? forever), t.signal);
      if (r.exitCode === 0) return { ok: true };
      return failed(`command '${command.join(' ')}' exited with ${r.exitCode}: ${r.output}`, r.output);
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err), '');
    }
  }
  if (handler.httpGet) {
    const error = await httpHook(handler.httpGet, t);
    return error === undefined ? { ok: true } : { ok: false, message: `HTTP lifecycle hook (${handler.httpGet.path ?? ''}) ${who} failed - error: ${error}` };
  }
  if (handler.sleep) {
    const seconds = handler.sleep.seconds;
    const finished = await sleep(seconds * 1000, t.signal);
    return finished ? { ok: true } : { ok: false, message: `Sleep lifecycle hook (${seconds}) ${who} failed - error: container terminated before sleep hook finished` };
  }
  return { ok: false, message: `Cannot run handler: invalid handler: ${goHandler(handler)}` };
}

/** Resolves true after `ms`, false if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error('context canceled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Go's net errors for what Node reports, so messages read as kubelet's. */
function dialError(err: NodeJS.ErrnoException, hostPort: string): string {
  switch (err.code) {
    case 'ECONNREFUSED': return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ECONNRESET': return 'read: connection reset by peer';
    case 'EHOSTUNREACH': return `dial tcp ${hostPort}: connect: no route to host`;
    case 'ABORT_ERR': return 'context canceled';
    default: return err.message;
  }
}

/** The GET of an httpGet hook; undefined when it got an answer, else Go's error text. */
function httpHook(get: NonNullable<LifecycleHandler['httpGet']>, t: HookTarget): Promise<string | undefined> {
  const port = resolvePort(get.port, t.container);
  if (port === undefined) return Promise.resolve(`couldn't find port: ${String(get.port)} in ${goQuote(t.container.name)}`);
  const host = get.host || t.podIP;
  const scheme = (get.scheme ?? 'HTTP').toLowerCase();
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const path = get.path ?? '/';
  const url = `${scheme}://${hostPort}${path.startsWith('/') ? path : `/${path}`}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-lifecycle/1.32', Accept: '*/*' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  const request = scheme === 'https' ? https.get : http.get;
  return new Promise((resolve) => {
    const req = request(url, { headers, rejectUnauthorized: false, ...(t.signal ? { signal: t.signal } : {}) }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`Get ${goQuote(url)}: ${dialError(err, hostPort)}`));
  });
}
