/** Workloads the web view tests create: small busybox pods on the process runtime. */
import { stringify } from 'yaml';

/** A pod that prints `lines` and then a numbered tick every 300 ms (a log to follow). */
export function loggerPod(name: string, ns: string, lines: readonly string[], annotations: Record<string, string> = {}): string {
  const echo = lines.map((l) => `echo '${l.replace(/'/g, `'"'"'`)}'`).join('; ');
  return stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: name }, annotations },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `${echo}; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done`] }],
    },
  });
}

export function sleeperDaemonSet(name: string, ns: string): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { ds: name } },
      template: {
        metadata: { labels: { ds: name } },
        spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'sleep', image: 'busybox', command: ['sleep', '3600'] }] },
      },
    },
  });
}

export function quickJob(name: string, ns: string): string {
  return stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: {
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['sh', '-c', 'echo working; sleep 1; echo done'] }] } },
    },
  });
}

export function nginxRc(name: string, ns: string, replicas: number): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { app: name },
      template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'web', image: 'nginx' }] } },
    },
  });
}

/** An Event whose words are markup, as any client may write them. */
export function markupEvent(name: string, ns: string, pod: string, text: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: ns },
    involvedObject: { kind: 'Pod', name: pod, namespace: ns },
    reason: 'Markup',
    message: text,
    type: 'Warning',
    source: { component: 'test' },
    firstTimestamp: new Date().toISOString(),
    lastTimestamp: new Date().toISOString(),
    count: 1,
  });
}
