/**
 * emptyDir `sizeLimit` on `skiff up` (process runtime), seen through the real kubectl: a pod that
 * writes more than its emptyDir's limit is evicted (Failed, reason Evicted, kubelet's message, a
 * Warning event, its container stopped); a pod that stays under its limit keeps running.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

describe('emptyDir sizeLimit on skiff up', () => {
  let c: UpCluster;
  const mountRoots: string[] = [];
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
  });
  after(async () => {
    await c.stop();
    for (const m of mountRoots) rmSync(m, { recursive: true, force: true });
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const mountPath = () => {
    const m = path.join(os.tmpdir(), `skiff-sizelimit-e2e-${suffix()}`);
    mountRoots.push(m);
    return m;
  };
  /** A pod writing `mib` MiB into an emptyDir limited to `limit`, then sleeping. */
  const podWriting = (name: string, volume: string, limit: string, mib: number) => {
    const m = mountPath();
    return {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        volumes: [{ name: volume, emptyDir: { sizeLimit: limit } }],
        containers: [{
          name: 'app', image: 'busybox', volumeMounts: [{ name: volume, mountPath: m }],
          command: ['sh', '-c', `head -c ${mib * 1024 * 1024} /dev/urandom > ${m}/blob; echo written; sleep 600`],
        }],
      },
    };
  };

  test('over the limit: evicted with kubelet\'s message and a Warning event; under it: keeps running', async () => {
    const limitMi = randomInt(1, 3);
    const over = `hog-${suffix()}`, under = `tidy-${suffix()}`;
    const overVol = `scratch-${suffix()}`, underVol = `cache-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'List',
      items: [podWriting(over, overVol, `${limitMi}Mi`, limitMi + 1), podWriting(under, underVol, `${limitMi + 2}Mi`, limitMi)],
    }) });
    const p = await waitFor('the hog Failed', async () => { const x = await get(over); return x.status?.phase === 'Failed' ? x : undefined; }, 30_000);
    const message = `Usage of EmptyDir volume "${overVol}" exceeds the limit "${limitMi}Mi". `;
    assert.equal(p.status?.reason, 'Evicted');
    assert.equal(p.status?.message, message);
    const described = await c.kubectl.ok(['describe', 'pod', over]);
    assert.match(described, /Status:\s+Failed/);
    assert.match(described, /Reason:\s+Evicted/);
    const events = await waitFor('the Evicted event', async () => {
      const text = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${over}`]);
      return text.includes('Evicted') ? text : undefined;
    });
    assert.match(events, new RegExp(`Warning\\s+Evicted\\s+pod/${over}\\s+Usage of EmptyDir volume "${overVol}" exceeds the limit "${limitMi}Mi"`));
    await waitFor('the hog\'s container stopped', async () => (await get(over)).status?.containerStatuses?.[0]?.state?.terminated !== undefined, 20_000);
    // The tidy pod wrote its data before the hog was found, and has been measured since.
    await waitFor('the tidy pod wrote', async () => (await c.kubectl.ok(['logs', under])).includes('written'), 20_000);
    await new Promise((r) => setTimeout(r, 4000));
    const t = await get(under);
    assert.equal(t.status?.phase, 'Running');
    assert.match(await c.kubectl.ok(['get', 'pod', under, '--no-headers']), /\s1\/1\s+Running\s/);
  });
});
