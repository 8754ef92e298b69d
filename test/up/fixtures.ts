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
