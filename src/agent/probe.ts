/**
 * One probe of one container, as kubelet runs it: after `initialDelaySeconds`, every
 * `periodSeconds`, a check that must answer within `timeoutSeconds`; `failureThreshold`
 * failures in a row flip the result to failure, `successThreshold` successes back. exec runs in
 * the container (through the runtime), httpGet expects a status from 200 to 399, tcpSocket a
 * connection.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, IntOrString, Probe } from '../api/kinds.js';
import type { Runtime } from '../runtime/runtime.js';
import { grpcProbe } from './grpc-probe.js';

export interface ProbeOutcome {
  readonly ok: boolean;
  readonly message: string;
}

/** A port number, or a container port's name resolved. */
export function resolvePort(port: IntOrString, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function httpProbe(probe: NonNullable<Probe['httpGet']>, host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const scheme = probe.scheme ?? 'HTTP';
  const get = scheme === 'HTTPS' ? https.get : http.get;
  const target = `${scheme.toLowerCase()}://${probe.host || host}:${port}${probe.path ?? '/'}`;
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32' };
    for (const h of probe.httpHeaders ?? []) headers[h.name] = h.value;
    // A pod torn down between ticks has no address left: `http://:8080/` is no URL, a failed probe.
    if (!URL.canParse(target)) {
      resolve({ ok: false, message: `Get "${target}": invalid URL` });
      return;
    }
    const req = get(target, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${target}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (err) => resolve({ ok: false, message: `Get "${target}": ${err.message}` }));
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs });
    s.once('connect', () => {
      s.destroy();
      resolve({ ok: true, message: '' });
    });
    s.once('timeout', () => {
      s.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    });
    s.once('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

/** Runs the probe's check once. */
export async function probeOnce(probe: Probe, container: Container, containerId: string, podIP: string, runtime: Runtime): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) {
    try {
      const r = await runtime.exec(containerId, probe.exec.command ?? [], timeoutMs);
      return r.exitCode === 0 ? { ok: true, message: '' } : { ok: false, message: r.output.trim() || `command exited with ${r.exitCode}` };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  }
  // [hooks] gRPC health checks against the pod's address (grpc-probe.ts).
  if (probe.grpc) return grpcProbe(podIP, probe.grpc.port, probe.grpc.service ?? '', probe.timeoutSeconds ?? 1);
  const target = probe.httpGet ?? probe.tcpSocket;
  if (!target) return { ok: false, message: 'probe has no handler' };
  const port = resolvePort(target.port, container);
  if (port === undefined) return { ok: false, message: `port ${String(target.port)} is not a named port of container ${container.name}` };
  if (probe.httpGet) return httpProbe(probe.httpGet, podIP, port, timeoutMs);
  return tcpProbe(probe.tcpSocket?.host || podIP, port, timeoutMs);
}

/** A probe's schedule and thresholds, reporting each flip of its result. */
export class ProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private successes = 0;
  private failures = 0;
  private stopped = false;
  result: boolean | undefined;

  constructor(
    private readonly probe: Probe,
    private readonly check: () => Promise<ProbeOutcome>,
    /** Called when the result flips (and once at the first verdict). */
    private readonly onResult: (ok: boolean, outcome: ProbeOutcome) => void,
    /** Called on every failed check, for Unhealthy events. */
    private readonly onFailure: (outcome: ProbeOutcome) => void = () => undefined,
  ) {}

  start(): void {
    this.schedule((this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const outcome = await this.check();
    if (this.stopped) return;
    if (outcome.ok) {
      this.failures = 0;
      this.successes++;
      if (this.result !== true && this.successes >= (this.probe.successThreshold ?? 1)) {
        this.result = true;
        this.onResult(true, outcome);
      }
    } else {
      this.successes = 0;
      this.failures++;
      this.onFailure(outcome);
      if (this.result !== false && this.failures >= (this.probe.failureThreshold ?? 3)) {
        this.result = false;
        this.onResult(false, outcome);
      }
    }
    this.schedule((this.probe.periodSeconds ?? 10) * 1000);
  }
}
