/** kubelet's environment rules: $(VAR) expansion, the downward API, ConfigMap/Secret refs. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '../../src/api/kinds.js';
import { containerEnv, expand, fieldValue } from '../../src/agent/env.js';
import { podBuilder, containerBuilder } from '../helpers/builders.js';

describe('$(VAR) expansion', () => {
  const vars = new Map([['A', 'one'], ['B', 'two']]);
  const cases = [
    { name: 'known variable', text: 'x-$(A)-y', want: 'x-one-y' },
    { name: 'two variables', text: '$(A)$(B)', want: 'onetwo' },
    { name: 'unknown stays as written', text: '$(NOPE)', want: '$(NOPE)' },
    { name: 'escaped with $$', text: '$$(A)', want: '$(A)' },
    { name: 'lone dollar', text: 'cost $5', want: 'cost $5' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(expand(c.text, vars), c.want));
});

describe('container environment', () => {
  const pod = podBuilder('web-7').namespace('shop').labels({ tier: 'front' }).podField('nodeName', 'node-b').build() as Pod;
  pod.metadata.uid = 'uid-123';
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string, key: string) =>
    Promise.resolve(kind === 'ConfigMap' && name === 'settings' && key === 'mode' ? 'fast' : kind === 'Secret' && name === 'creds' && key === 'pw' ? 's3cret' : undefined);

  test('downward API, references to earlier variables, ConfigMap and Secret keys', async () => {
    const c = containerBuilder('app')
      .env('POD', undefined, { fieldRef: { fieldPath: 'metadata.name' } })
      .env('NS', undefined, { fieldRef: { fieldPath: 'metadata.namespace' } })
      .env('IP', undefined, { fieldRef: { fieldPath: 'status.podIP' } })
      .env('NODE', undefined, { fieldRef: { fieldPath: 'spec.nodeName' } })
      .env('HOST', undefined, { fieldRef: { fieldPath: 'status.hostIP' } })
      .env('TIER', undefined, { fieldRef: { fieldPath: "metadata.labels['tier']" } })
      .env('URL', 'http://$(IP):80/$(NS)')
      .env('MODE', undefined, { configMapKeyRef: { name: 'settings', key: 'mode' } })
      .env('PW', undefined, { secretKeyRef: { name: 'creds', key: 'pw' } })
      .env('OPT', undefined, { configMapKeyRef: { name: 'absent', key: 'x', optional: true } })
      .build() as unknown as Container;
    const env = await containerEnv(pod, c, '10.0.3.9', '127.1.0.3', lookup);
    assert.deepEqual(Object.fromEntries(env), {
      POD: 'web-7', NS: 'shop', IP: '10.0.3.9', NODE: 'node-b', HOST: '127.1.0.3', TIER: 'front',
      URL: 'http://10.0.3.9:80/shop', MODE: 'fast', PW: 's3cret',
    });
  });

  test('a missing required key is a CreateContainerConfigError', async () => {
    const c = containerBuilder('app').env('X', undefined, { secretKeyRef: { name: 'creds', key: 'nope' } }).build() as unknown as Container;
    await assert.rejects(containerEnv(pod, c, '10.0.0.2', 'h', lookup), (err: Error & { reason?: string }) => err.reason === 'CreateContainerConfigError' && /secret "creds" key "nope" not found/.test(err.message));
  });

  test('field paths', () => {
    assert.equal(fieldValue(pod, 'metadata.uid'), 'uid-123');
    assert.equal(fieldValue(pod, "metadata.annotations['none']"), '');
    assert.equal(fieldValue(pod, 'spec.unknownThing'), undefined);
  });
});
