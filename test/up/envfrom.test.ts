/** `envFrom` on `skiff up` with real processes, as a user sees it through kubectl: a ConfigMap's
 * and a Secret's keys (with a prefix) in the container's environment, `env` overriding them and
 * referring to them; a missing ConfigMap holds the container in CreateContainerConfigError with
 * kubelet's message until the ConfigMap is created. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

describe('envFrom on skiff up', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 1, restartBackoffMs: 300 });
  });
  after(async () => {
    await c.stop();
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const create = (obj: unknown) => c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(obj) });

  test('variables from a ConfigMap and a Secret are in the container, env overrides and refers to them', async () => {
    const cm = `app-config-${suffix()}`, secret = `app-secret-${suffix()}`, name = `printenv-${suffix()}`;
    const host = `db-${suffix()}.shop`, password = `pw-${suffix()}`;
    await c.kubectl.ok(['create', 'configmap', cm, `--from-literal=DB_HOST=${host}`, '--from-literal=DB_PORT=5432', '--from-literal=MODE=from-configmap']);
    await c.kubectl.ok(['create', 'secret', 'generic', secret, `--from-literal=PASSWORD=${password}`]);
    await create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        restartPolicy: 'Never',
        containers: [{
          name: 'c', image: 'busybox', command: ['sh', '-c', 'env | sort'],
          envFrom: [{ configMapRef: { name: cm } }, { prefix: 'SECRET_', secretRef: { name: secret } }, { configMapRef: { name: `absent-${suffix()}`, optional: true } }],
          env: [{ name: 'MODE', value: 'from-env' }, { name: 'DSN', value: 'pg://$(DB_HOST):$(DB_PORT)' }],
        }],
      },
    });
    await waitFor('pod succeeded', async () => (await get(name)).status?.phase === 'Succeeded', 30_000);
    const lines = (await c.kubectl.ok(['logs', name])).split('\n');
    for (const want of [`DB_HOST=${host}`, 'DB_PORT=5432', 'MODE=from-env', `SECRET_PASSWORD=${password}`, `DSN=pg://${host}:5432`]) {
      assert.ok(lines.includes(want), `${want} in the container's environment:\n${lines.join('\n')}`);
    }
    assert.ok(!lines.includes('MODE=from-configmap'), 'env overrides envFrom');
    assert.ok(!lines.some((l) => l.startsWith('PASSWORD=')), 'the Secret\'s keys carry the prefix');
  });

  test('a missing ConfigMap: CreateContainerConfigError with kubelet\'s message, then the pod starts once it exists', async () => {
    const cm = `late-config-${suffix()}`, name = `waits-${suffix()}`, value = `v-${suffix()}`;
    await create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo "GREETING=$GREETING"; sleep 600'], envFrom: [{ configMapRef: { name: cm } }] }] },
    });
    const waiting = await waitFor('CreateContainerConfigError', async () => {
      const w = (await get(name)).status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'CreateContainerConfigError' ? w : undefined;
    }, 20_000);
    assert.equal(waiting.message, `configmap "${cm}" not found`);
    assert.match(await c.kubectl.ok(['get', 'pod', name]), new RegExp(`${name}\\s+0/1\\s+CreateContainerConfigError`));
    const events = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
    assert.match(events, new RegExp(`Warning\\s+Failed\\s+pod/${name}\\s+Error: configmap "${cm}" not found`));
    await c.kubectl.ok(['create', 'configmap', cm, `--from-literal=GREETING=${value}`]);
    await waitFor('running', async () => (await get(name)).status?.phase === 'Running', 30_000);
    const log = await waitFor('greeting logged', async () => {
      const text = await c.kubectl.ok(['logs', name]);
      return text.includes('GREETING=') ? text : undefined;
    });
    assert.equal(log.trim(), `GREETING=${value}`);
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
  });
});
