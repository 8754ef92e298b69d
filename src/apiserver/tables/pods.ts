/** The pod table: READY, the STATUS kubectl users know (a phase, or the reason of the container
 * that explains it best), RESTARTS with how long ago, and the wide IP / NODE columns. */
import { humanDuration, since } from './age.js';
import { ageColumn, column, has, int, isRecord, nameColumn, records, str, type Json } from './format.js';
import type { TablePrinter } from './index.js';

function isRestartableInit(c: Json | undefined): boolean {
  return c?.['restartPolicy'] === 'Always';
}

function terminated(status: Json, which: 'state' | 'lastState' = 'state'): Json | undefined {
  const t = status[which];
  return isRecord(t) && isRecord(t['terminated']) ? t['terminated'] : undefined;
}

function waiting(status: Json): Json | undefined {
  const s = status['state'];
  return isRecord(s) && isRecord(s['waiting']) ? s['waiting'] : undefined;
}

function finishedAt(status: Json): number | undefined {
  const t = terminated(status, 'lastState');
  const at = t ? Date.parse(str(t, 'finishedAt')) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

function hasCondition(pod: unknown, type: string): boolean {
  return records(pod, 'status', 'conditions').some((c) => c['type'] === type && c['status'] === 'True');
}

/** What the pod table shows: ready count, status reason, restarts. */
export function podSummary(pod: unknown, now: Date): { ready: string; reason: string; restarts: string } {
  const specInit = records(pod, 'spec', 'initContainers');
  const initByName = new Map(specInit.map((c) => [str(c, 'name'), c]));
  const total = records(pod, 'spec', 'containers').length + specInit.filter(isRestartableInit).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined) => (b !== undefined && (a === undefined || b > a) ? b : a);

  const phase = str(pod, 'status', 'phase');
  let reason = str(pod, 'status', 'reason') || phase;
  if (records(pod, 'status', 'conditions').some((c) => c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = records(pod, 'status', 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const spec = initByName.get(str(cs, 'name'));
    restarts += int(cs, 'restartCount');
    lastRestart = later(lastRestart, finishedAt(cs));
    if (isRestartableInit(spec)) {
      sidecarRestarts += int(cs, 'restartCount');
      lastSidecarRestart = later(lastSidecarRestart, finishedAt(cs));
    }
    const term = terminated(cs);
    const wait = waiting(cs);
    if (term && int(term, 'exitCode') === 0) continue;
    if (isRestartableInit(spec) && cs['started'] === true) {
      if (cs['ready'] === true) ready++;
      continue;
    }
    if (term) {
      const r = str(term, 'reason');
      if (r) reason = `Init:${r}`;
      else reason = int(term, 'signal') !== 0 ? `Init:Signal:${int(term, 'signal')}` : `Init:ExitCode:${int(term, 'exitCode')}`;
    } else if (wait && str(wait, 'reason') && str(wait, 'reason') !== 'PodInitializing') {
      reason = `Init:${str(wait, 'reason')}`;
    } else {
      reason = `Init:${i}/${specInit.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = records(pod, 'status', 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += int(cs, 'restartCount');
      lastRestart = later(lastRestart, finishedAt(cs));
      const wait = waiting(cs);
      const term = terminated(cs);
      if (wait && str(wait, 'reason')) reason = str(wait, 'reason');
      else if (term && str(term, 'reason')) reason = str(term, 'reason');
      else if (term) reason = int(term, 'signal') !== 0 ? `Signal:${int(term, 'signal')}` : `ExitCode:${int(term, 'exitCode')}`;
      else if (cs['ready'] === true && has(cs, 'state', 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (has(pod, 'metadata', 'deletionTimestamp')) {
    if (str(pod, 'status', 'reason') === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) restartsText = `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`;
  return { ready: `${ready}/${total}`, reason, restarts: restartsText };
}

export const podPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'How many of the pod\'s containers are ready, of all of them.'),
    column('Status', 'string', 'The state of the pod as a whole: its phase, or the reason a container gives for not running.'),
    column('Restarts', 'string', 'How often the pod\'s containers have restarted, and how long ago the last restart was.'),
    ageColumn,
    column('IP', 'string', 'The address allocated to the pod.', 1),
    column('Node', 'string', 'The node the pod is bound to.', 1),
    column('Nominated Node', 'string', 'The node the pod should run on once preemption has made room.', 1),
    column('Readiness Gates', 'string', 'How many of the pod\'s readiness gates are true, of all of them.', 1),
  ],
  cells(pod, now) {
    const s = podSummary(pod, now);
    const ips = records(pod, 'status', 'podIPs');
    const ip = (ips.length > 0 ? str(ips[0], 'ip') : str(pod, 'status', 'podIP')) || '<none>';
    const gates = records(pod, 'spec', 'readinessGates');
    let gatesText = '<none>';
    if (gates.length > 0) {
      const conds = records(pod, 'status', 'conditions');
      const trueCount = gates.filter((g) => conds.find((c) => c['type'] === g['conditionType'])?.['status'] === 'True').length;
      gatesText = `${trueCount}/${gates.length}`;
    }
    return [
      pod.metadata.name ?? '',
      s.ready,
      s.reason,
      s.restarts,
      since(pod.metadata.creationTimestamp, now),
      ip,
      str(pod, 'spec', 'nodeName') || '<none>',
      str(pod, 'status', 'nominatedNodeName') || '<none>',
      gatesText,
    ];
  },
};
