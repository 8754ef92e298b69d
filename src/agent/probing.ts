/**
 * The probes of one run of a container, as kubelet wires them: a startup probe first (liveness
 * and readiness wait for it), then liveness — whose failure kills the run so the restart policy
 * takes over — and readiness, which sets the container's `ready`. Failed checks are Unhealthy
 * events; a kill is a Killing event.
 */
import type { Container, Probe } from '../api/kinds.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ContainerRecord } from './container-record.js';
import { probeOnce, ProbeLoop, type ProbeOutcome } from './probe.js';

export interface ProbeHost {
  readonly runtime: Runtime;
  podIP(): string;
  graceSeconds(): number;
  /** Stops the run with `grace` seconds (preStop included); default: the runtime's stop. */
  kill?(grace: number, message: string): Promise<void>;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Readiness or startup state changed: the pod's status should be reported again. */
  changed(): void;
}

/** Starts the probes of run `id` of `container`; they are kept in `r.probes` to be stopped when
 * the run ends. */
export function startProbes(container: Container, r: ContainerRecord, id: string, host: ProbeHost): void {
  const check = (probe: Probe) => () => probeOnce(probe, container, id, host.podIP(), host.runtime);
  const unhealthy = (kind: string) => (o: ProbeOutcome) => host.event('Warning', 'Unhealthy', `${kind} probe failed: ${o.message}`);
  const kill = (why: string, probe: Probe) => {
    if (r.running?.id !== id) return;
    const message = `Container ${container.name} ${why}, will be restarted`;
    // A liveness or startup probe's own terminationGracePeriodSeconds wins over the pod's.
    const grace = probe.terminationGracePeriodSeconds ?? host.graceSeconds();
    if (host.kill) return void host.kill(grace, message).catch(() => undefined);
    host.event('Normal', 'Killing', message);
    void host.runtime.stopContainer(id, grace).catch(() => undefined);
  };
  const loop = (probe: Probe, kind: string, onResult: (ok: boolean) => void): ProbeLoop => {
    const l = new ProbeLoop(probe, check(probe), onResult, unhealthy(kind));
    r.probes.push(l);
    l.start();
    return l;
  };
  const steady = () => {
    if (container.livenessProbe) loop(container.livenessProbe, 'Liveness', (ok) => (ok ? undefined : kill('failed liveness probe', container.livenessProbe!)));
    if (container.readinessProbe) {
      loop(container.readinessProbe, 'Readiness', (ok) => {
        r.ready = ok;
        host.changed();
      });
    }
  };
  r.ready = !container.readinessProbe;
  r.started = !container.startupProbe;
  if (!container.startupProbe) return steady();
  const startup = loop(container.startupProbe, 'Startup', (ok) => {
    if (!ok) return kill('failed startup probe', container.startupProbe!);
    startup.stop();
    r.started = true;
    steady();
    host.changed();
  });
}
