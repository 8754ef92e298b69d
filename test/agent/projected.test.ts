/**
 * Projected volumes on the node: every source lands as a file (token, ConfigMap items, Secret
 * keys, downward API fields) with the volume's mode; a missing ConfigMap fails the mount unless
 * optional; the token is asked for the pod with the source's audience and lifetime and asked
 * again at 80% of its lifetime; the refresh stops with the pod. Plus the service variables
 * (service-env.ts) kubelet gives every container.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Pod, Service, Volume } from '../../src/api/kinds.js';
import { ProjectedVolumes, refreshDelayMs, type IssuedToken } from '../../src/agent/projected.js';
import { linkedServices, serviceEnv } from '../../src/agent/service-env.js';
import { containerEnv } from '../../src/agent/env.js';
import { tokenVolume } from '../../src/apiserver/auth/serviceaccount/index.js';

const rand = () => randomBytes(3).toString('hex');

function pod(ns = `ns-${rand()}`, extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `p-${rand()}`, namespace: ns, uid: `uid-${rand()}`, labels: { app: 'web', tier: 'front' } },
    spec: { containers: [{ name: 'c', image: 'busybox', resources: { limits: { memory: '64Mi' } } }], serviceAccountName: 'default', ...extra },
  } as Pod;
}

/** A token source whose tokens live `ttlMs`, recording what was asked. */
function tokens(ttlMs: number) {
  const asked: { audience: string | undefined; seconds: number }[] = [];
  let n = 0;
  return {
    asked,
    request: async (audience: string | undefined, seconds: number): Promise<IssuedToken> => {
      asked.push({ audience, seconds });
      return { token: `token-${++n}`, expirationTimestamp: new Date(Date.now() + ttlMs).toISOString() };
    },
  };
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('projected volumes', () => {
  test('the admission plugin\'s volume: token, ca.crt and namespace, mode 0644', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-projected-'));
    const p = pod();
    const ca = `-----BEGIN CERTIFICATE-----\n${rand()}\n-----END CERTIFICATE-----\n`;
    const t = tokens(3_600_000);
    const vols = new ProjectedVolumes(p, async (kind, name) => (kind === 'ConfigMap' && name === 'kube-root-ca.crt' ? { 'ca.crt': ca } : undefined), t.request);
    try {
      await vols.write(dir, tokenVolume(`kube-api-access-${rand()}`));
      assert.equal(readFileSync(path.join(dir, 'token'), 'utf8'), 'token-1');
      assert.equal(readFileSync(path.join(dir, 'ca.crt'), 'utf8'), ca);
      assert.equal(readFileSync(path.join(dir, 'namespace'), 'utf8'), p.metadata.namespace);
      for (const f of ['token', 'ca.crt', 'namespace']) assert.equal(statSync(path.join(dir, f)).mode & 0o777, 0o644, f);
      assert.deepEqual(t.asked, [{ audience: undefined, seconds: 3607 }]);
    } finally {
      vols.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every source kind, with items, modes and an audience', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-projected-'));
    const p = pod();
    const secretValue = `s3cret-${rand()}`;
    const t = tokens(3_600_000);
    const volume: Volume = {
      name: 'all',
      projected: {
        defaultMode: 0o640,
        sources: [
          { secret: { name: 'creds', items: [{ key: 'password', path: 'db/password', mode: 0o600 }] } },
          { configMap: { name: 'settings' } },
          { configMap: { name: `absent-${rand()}`, optional: true } },
          { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] } },
          { serviceAccountToken: { audience: 'vault', expirationSeconds: 900, path: 'vault-token' } },
        ],
      },
    };
    const data: Record<string, Record<string, string>> = { 'Secret/creds': { password: secretValue, other: 'x' }, 'ConfigMap/settings': { 'a.conf': 'a=1', 'b.conf': 'b=2' } };
    const vols = new ProjectedVolumes(p, async (kind, name) => data[`${kind}/${name}`], t.request);
    try {
      await vols.write(dir, volume);
      const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
      const mode = (f: string) => statSync(path.join(dir, f)).mode & 0o777;
      const cases = [
        { file: 'db/password', content: secretValue, mode: 0o600 },
        { file: 'a.conf', content: 'a=1', mode: 0o640 },
        { file: 'b.conf', content: 'b=2', mode: 0o640 },
        { file: 'labels', content: 'app="web"\ntier="front"', mode: 0o640 },
        { file: 'name', content: p.metadata.name!, mode: 0o640 },
        { file: 'mem', content: '64', mode: 0o640 },
        { file: 'vault-token', content: 'token-1', mode: 0o640 },
      ];
      for (const c of cases) {
        assert.equal(read(c.file), c.content, c.file);
        assert.equal(mode(c.file), c.mode, `${c.file} mode`);
      }
      assert.throws(() => statSync(path.join(dir, 'other')), /ENOENT/, 'only the listed items of the secret');
      assert.deepEqual(t.asked, [{ audience: 'vault', seconds: 900 }]);
    } finally {
      vols.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing ConfigMap that is not optional fails the mount', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-projected-'));
    const name = `missing-${rand()}`;
    const vols = new ProjectedVolumes(pod(), async () => undefined, tokens(60_000).request);
    try {
      await assert.rejects(vols.write(dir, { name: 'v', projected: { sources: [{ configMap: { name } }] } }), {
        message: `MountVolume.SetUp failed for volume "v" : configmap "${name}" not found`,
      });
    } finally {
      vols.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the token is asked again at 80% of its lifetime, until the pod stops', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-projected-'));
    const t = tokens(1000);
    const vols = new ProjectedVolumes(pod(), async () => undefined, t.request);
    try {
      const started = Date.now();
      await vols.write(dir, { name: 'v', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 600 } }] } });
      await until('a second token', () => readFileSync(path.join(dir, 'token'), 'utf8') === 'token-2');
      const took = Date.now() - started;
      assert.ok(took >= 700 && took < 1000, `refreshed after ${took} ms (80% of 1000 ms, less jitter)`);
      await until('a third token', () => readFileSync(path.join(dir, 'token'), 'utf8') === 'token-3');
      vols.stop();
      const asked = t.asked.length;
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(t.asked.length, asked, 'no refresh after stop');
    } finally {
      vols.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const delays = [
    { name: 'an hour: 48 min, less up to 10 s', ttl: 3_600_000, jitter: 1, want: 2_880_000 - 10_000 },
    { name: 'an hour without jitter', ttl: 3_600_000, jitter: 0, want: 2_880_000 },
    { name: 'a year: at most a day', ttl: 365 * 86_400_000, jitter: 0, want: 86_400_000 },
    { name: 'ten seconds: jitter at most 5%', ttl: 10_000, jitter: 1, want: 8000 - 500 },
  ];
  for (const d of delays) {
    test(`refresh delay: ${d.name}`, () => {
      assert.equal(refreshDelayMs(1000, 1000 + d.ttl, d.jitter), d.want);
    });
  }
});

describe('service variables', () => {
  const svc = (ns: string, name: string, ip: string, ports: Service['spec']['ports']): Service => ({
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP: ip, ports },
  } as Service);

  test('services of the pod\'s namespace and the kubernetes Service, as kubelet names them', () => {
    const ns = `ns-${rand()}`;
    const name = `my-db-${rand()}`;
    const prefix = name.toUpperCase().replace(/-/g, '_');
    const env = serviceEnv(pod(ns), [
      svc('default', 'kubernetes', '10.0.0.1', [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]),
      svc(ns, name, '10.0.0.9', [{ port: 5432, protocol: 'TCP' }, { name: 'metrics', port: 9187, protocol: 'UDP' }]),
      svc(ns, 'headless', 'None', [{ port: 80 }]),
      svc(`other-${rand()}`, 'elsewhere', '10.0.0.7', [{ port: 80 }]),
    ]);
    const want: Record<string, string> = {
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.0.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.0.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.0.0.1',
      [`${prefix}_SERVICE_HOST`]: '10.0.0.9',
      [`${prefix}_SERVICE_PORT`]: '5432',
      [`${prefix}_SERVICE_PORT_METRICS`]: '9187',
      [`${prefix}_PORT`]: 'tcp://10.0.0.9:5432',
      [`${prefix}_PORT_5432_TCP`]: 'tcp://10.0.0.9:5432',
      [`${prefix}_PORT_5432_TCP_PROTO`]: 'tcp',
      [`${prefix}_PORT_5432_TCP_PORT`]: '5432',
      [`${prefix}_PORT_5432_TCP_ADDR`]: '10.0.0.9',
      [`${prefix}_PORT_9187_UDP`]: 'udp://10.0.0.9:9187',
      [`${prefix}_PORT_9187_UDP_PROTO`]: 'udp',
      [`${prefix}_PORT_9187_UDP_PORT`]: '9187',
      [`${prefix}_PORT_9187_UDP_ADDR`]: '10.0.0.9',
    };
    assert.deepEqual(Object.fromEntries(env), want);
  });

  test('enableServiceLinks: false keeps only the kubernetes Service', () => {
    const ns = `ns-${rand()}`;
    const chosen = linkedServices(pod(ns, { enableServiceLinks: false }), [
      svc('default', 'kubernetes', '10.0.0.1', [{ port: 443 }]),
      svc(ns, `web-${rand()}`, '10.0.0.2', [{ port: 80 }]),
    ]);
    assert.deepEqual(chosen.map((s) => s.metadata.name), ['kubernetes']);
  });

  test('a container\'s own variables win, and env may refer to the service ones', async () => {
    const p = pod();
    const container = { name: 'c', image: 'busybox', env: [{ name: 'KUBERNETES_SERVICE_HOST', value: 'mine' }, { name: 'API', value: 'https://$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)' }] };
    const vars = new Map([['KUBERNETES_SERVICE_HOST', '10.0.0.1'], ['KUBERNETES_SERVICE_PORT', '443']]);
    const env = await containerEnv(p, container, '127.0.0.9', '127.0.0.1', async () => undefined, () => undefined, vars);
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), 'mine');
    assert.equal(env.get('KUBERNETES_SERVICE_PORT'), '443');
    assert.equal(env.get('API'), 'https://mine:443');
  });

  test('in default, a pod sees the kubernetes Service once', () => {
    const chosen = linkedServices(pod('default'), [
      svc('default', 'kubernetes', '10.0.0.1', [{ port: 443 }]),
      svc('default', 'api', '10.0.0.3', [{ port: 80 }]),
    ]);
    assert.deepEqual(chosen.map((s) => s.metadata.name), ['api', 'kubernetes']);
  });
});
