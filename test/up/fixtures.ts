/** Workloads for `skiff up` tests: a busybox web server that answers with its pod's name. */
import { stringify } from 'yaml';

/** An RC whose pods serve their own name over HTTP on `port` (busybox httpd on the pod address). */
export function whoamiRc(name: string, replicas: number, labels: Record<string, string>, port = 8080): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: {
      replicas,
      selector: labels,
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: 'web',
            image: 'busybox',
            command: ['sh', '-c', `echo $(POD) > index.html && exec httpd -f -p $(IP):${port} -h .`],
            env: [
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            ],
            ports: [{ containerPort: port, name: 'http' }],
            readinessProbe: { httpGet: { port: 'http', path: '/' }, periodSeconds: 1 },
          }],
        },
      },
    },
  });
}

export interface StsOptions {
  readonly policy?: 'OrderedReady' | 'Parallel';
  readonly partition?: number;
  readonly strategy?: 'RollingUpdate' | 'OnDelete';
  readonly port?: number;
}

/** A StatefulSet of whoami pods (busybox httpd answering with the pod's name, ready once it
 * answers) under the headless service `service`. */
export function whoamiSts(name: string, service: string, replicas: number, labels: Record<string, string>, opts: StsOptions = {}): string {
  const port = opts.port ?? 8080;
  const strategy = opts.strategy ?? 'RollingUpdate';
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: service,
      podManagementPolicy: opts.policy ?? 'OrderedReady',
      updateStrategy: strategy === 'OnDelete' ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { partition: opts.partition ?? 0 } },
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{
            name: 'web',
            image: 'busybox',
            command: ['sh', '-c', `echo $(POD) > index.html && exec httpd -f -p $(IP):${port} -h .`],
            env: [
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            ],
            ports: [{ containerPort: port, name: 'http' }],
            readinessProbe: { httpGet: { port: 'http', path: '/' }, periodSeconds: 1 },
          }],
        },
      },
    },
  });
}

/** The headless service a StatefulSet's pods are named under. */
export function headlessService(name: string, labels: Record<string, string>, port = 8080): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { clusterIP: 'None', selector: labels, ports: [{ name: 'http', port, targetPort: port }] },
  });
}
