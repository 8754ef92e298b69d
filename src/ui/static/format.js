// Kubernetes quantities, ages and pod states, as kubectl shows them.

const binary = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A quantity's value as a number (cores for CPU, bytes for memory). */
export function quantity(q) {
  if (q === undefined || q === null || q === '') return 0;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)$/.exec(String(q));
  if (!m) return 0;
  const n = Number(m[1]);
  const suffix = m[2];
  if (suffix in binary) return n * binary[suffix];
  if (suffix in decimal) return n * decimal[suffix];
  return n;
}

export function cpu(cores) {
  return cores < 1 && cores > 0 ? `${Math.round(cores * 1000)}m` : `${Math.round(cores * 100) / 100}`;
}

export function bytes(n) {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)}Gi`;
  if (n >= 2 ** 20) return `${Math.round(n / 2 ** 20)}Mi`;
  if (n >= 2 ** 10) return `${Math.round(n / 2 ** 10)}Ki`;
  return String(n);
}

export function age(ts) {
  if (!ts) return '';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function isReady(pod) {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** kubectl's STATUS column: a terminating pod, a waiting or terminated container's reason, or the phase. */
export function podStatus(pod) {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason = pod.status?.reason || pod.status?.phase || 'Pending';
  for (const c of pod.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason && reason !== 'Succeeded') reason = c.state.terminated.reason;
  }
  return reason;
}

/** One word for a pod chip's colour. */
export function podState(pod) {
  if (pod.metadata.deletionTimestamp) return 'terminating';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return 'succeeded';
  if (phase === 'Failed') return 'failed';
  if (phase === 'Running') return isReady(pod) ? 'ready' : 'running';
  return 'pending';
}

export function restarts(pod) {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** The sum of a pod's containers' requests: { cpu (cores), memory (bytes) }. */
export function podRequests(pod) {
  let c = 0;
  let m = 0;
  for (const ctr of pod.spec?.containers ?? []) {
    c += quantity(ctr.resources?.requests?.cpu);
    m += quantity(ctr.resources?.requests?.memory);
  }
  return { cpu: c, memory: m };
}
