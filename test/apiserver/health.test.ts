/** The health endpoints' answers, in kube-apiserver's words: `ok`, the per-check listing when
 * verbose or failing, `?exclude=`, a warning for names no check has, and one check by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthAnswer, type HealthCheck } from '../../src/apiserver/http/health.js';

const checks = (down: readonly string[]): HealthCheck[] =>
  ['ping', 'etcd', 'shutdown'].map((name) => ({ name, run: () => (down.includes(name) ? `${name} is down` : undefined) }));

test('health answers, table', async () => {
  const cases: { name: string; endpoint: string; down: string[]; query: string; sub?: string; code: number; text: string }[] = [
    { name: 'all pass', endpoint: 'livez', down: [], query: '', code: 200, text: 'ok' },
    { name: 'all pass, verbose', endpoint: 'livez', down: [], query: 'verbose', code: 200, text: '[+]ping ok\n[+]etcd ok\n[+]shutdown ok\nlivez check passed\n' },
    { name: 'one fails: listed without verbose, reason withheld', endpoint: 'healthz', down: ['etcd'], query: '', code: 500, text: '[+]ping ok\n[-]etcd failed: reason withheld\n[+]shutdown ok\nhealthz check failed\n' },
    { name: 'the failing one excluded', endpoint: 'livez', down: ['etcd'], query: 'exclude=etcd', code: 200, text: 'ok' },
    { name: 'excluded, verbose', endpoint: 'livez', down: ['etcd'], query: 'exclude=etcd&verbose', code: 200, text: '[+]ping ok\n[+]etcd excluded: ok\n[+]shutdown ok\nlivez check passed\n' },
    { name: 'two excluded', endpoint: 'readyz', down: ['etcd', 'shutdown'], query: 'exclude=etcd&exclude=shutdown&verbose=1', code: 200, text: '[+]ping ok\n[+]etcd excluded: ok\n[+]shutdown excluded: ok\nreadyz check passed\n' },
    { name: 'unknown names excluded: a warning, sorted and quoted', endpoint: 'readyz', down: [], query: 'exclude=zeta&exclude=alpha&verbose', code: 200, text: '[+]ping ok\n[+]etcd ok\n[+]shutdown ok\nwarn: some health checks cannot be excluded: no matches for "alpha","zeta"\nreadyz check passed\n' },
    { name: 'unknown name excluded while failing', endpoint: 'readyz', down: ['shutdown'], query: 'exclude=nothing', code: 500, text: '[+]ping ok\n[+]etcd ok\n[-]shutdown failed: reason withheld\nwarn: some health checks cannot be excluded: no matches for "nothing"\nreadyz check failed\n' },
    { name: 'one check by name, passing', endpoint: 'livez', down: [], query: '', sub: 'etcd', code: 200, text: 'ok' },
    { name: 'one check by name, failing, with its reason', endpoint: 'livez', down: ['etcd'], query: '', sub: 'etcd', code: 500, text: 'internal server error: etcd is down\n' },
  ];
  for (const c of cases) {
    const a = await healthAnswer(c.endpoint, checks(c.down), new URLSearchParams(c.query), c.sub);
    assert.deepEqual(a, { code: c.code, text: c.text }, c.name);
  }
  assert.equal(await healthAnswer('livez', checks([]), new URLSearchParams(), 'nothing'), undefined, 'an unknown check is not found');
});
