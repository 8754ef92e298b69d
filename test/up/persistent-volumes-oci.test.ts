/**
 * A claim on `skiff up --runtime oci` (runc), through the real kubectl: the local-path volume is
 * bind-mounted into the bundle, what one pod wrote the next pod reads, and a claim mounted with
 * the volume source's `readOnly` refuses writes in the container.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';
import { ociClusterPerFile, ociImage } from './ocicluster.js';

const cluster = ociClusterPerFile();
const image = ociImage;
const get = (name: string) => cluster().cp.client.get<Pod>(pods, 'default', name);

function podOf(name: string, claim: string, script: string, readOnly = false): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 1,
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim, ...(readOnly ? { readOnly: true } : {}) } }],
      containers: [{ name: 'app', image, volumeMounts: [{ name: 'data', mountPath: '/data' }], command: ['sh', '-c', script] }],
    },
  };
}

test('oci: a claim\'s data outlives its pod; a readOnly claim refuses writes', async () => {
  const claim = `data-${suffix()}`, token = suffix();
  const first = `w-${suffix()}`, second = `r-${suffix()}`;
  await cluster().kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '4Mi' } } } },
    podOf(first, claim, `echo ${token} > /data/token; echo wrote; exec sleep 600`),
  ] }) });
  await waitFor('written', async () => (await cluster().kubectl.run(['logs', first])).stdout.includes('wrote'), 60_000);
  await cluster().kubectl.ok(['delete', 'pod', first]);
  await cluster().kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(podOf(second, claim,
    'echo "read $(cat /data/token)"; if echo x > /data/other 2>/dev/null; then echo writable; else echo read-only; fi; exec sleep 600', true)) });
  const out = await waitFor('read', async () => { const r = (await cluster().kubectl.run(['logs', second])).stdout; return /read-only|writable/.test(r) ? r : undefined; }, 60_000);
  assert.match(out, new RegExp(`read ${token}\\nread-only`));
  assert.equal((await get(second)).status?.phase, 'Running');
  await cluster().kubectl.ok(['delete', 'pod', second]);
  await cluster().kubectl.ok(['delete', 'pvc', claim]);
});
