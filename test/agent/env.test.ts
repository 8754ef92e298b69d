/** kubelet's environment rules: $(VAR) expansion, the downward API, ConfigMap/Secret refs. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '../../src/api/kinds.js';
import { containerEnv, expand, fieldValue, isEnvVarName } from '../../src/agent/env.js';
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
  const objects: Record<string, Record<string, string>> = {
    'ConfigMap/settings': { mode: 'fast', LEVEL: 'info' },
    'ConfigMap/app-env': { DB_HOST: 'db.shop', DB_PORT: '5432', 'log.level': 'debug', MODE: 'from-cm' },
    'ConfigMap/odd-keys': { GOOD: 'yes', 'a=b': 'x', 'bad\nkey': 'y' },
    'Secret/creds': { pw: 's3cret', USER: 'admin' },
  };
  const fetched: string[] = [];
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string) => {
    fetched.push(`${kind}/${name}`);
    return Promise.resolve(objects[`${kind}/${name}`]);
  };
  const build = async (c: Container) => {
    const warnings: string[] = [];
    const env = await containerEnv(pod, c, '10.0.3.9', '127.1.0.3', lookup, (reason, message) => warnings.push(`${reason}: ${message}`));
    return { env: Object.fromEntries(env), warnings };
  };
  const container = (extra: Partial<Container>) => ({ ...(containerBuilder('app').build() as unknown as Container), ...extra });

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
      .env('OPTKEY', undefined, { configMapKeyRef: { name: 'settings', key: 'nope', optional: true } })
      .build() as unknown as Container;
    const { env } = await build(c);
    assert.deepEqual(env, {
      POD: 'web-7', NS: 'shop', IP: '10.0.3.9', NODE: 'node-b', HOST: '127.1.0.3', TIER: 'front',
      URL: 'http://10.0.3.9:80/shop', MODE: 'fast', PW: 's3cret',
    });
  });

  const envFromCases: { name: string; c: Partial<Container>; want: Record<string, string>; warnings?: string[] }[] = [
    {
      name: 'every key of a ConfigMap',
      c: { envFrom: [{ configMapRef: { name: 'app-env' } }] },
      want: { DB_HOST: 'db.shop', DB_PORT: '5432', 'log.level': 'debug', MODE: 'from-cm' },
    },
    {
      name: 'a prefix is put before every key',
      c: { envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings' } }] },
      want: { CFG_mode: 'fast', CFG_LEVEL: 'info' },
    },
    {
      name: 'Secret values (decoded by the lookup) and ConfigMap keys together; a later source wins a clash',
      c: { envFrom: [{ secretRef: { name: 'creds' } }, { configMapRef: { name: 'settings' } }, { prefix: 'S_', secretRef: { name: 'creds' } }] },
      want: { pw: 's3cret', USER: 'admin', mode: 'fast', LEVEL: 'info', S_pw: 's3cret', S_USER: 'admin' },
    },
    {
      name: 'env entries override envFrom variables',
      c: { envFrom: [{ configMapRef: { name: 'app-env' } }], env: [{ name: 'MODE', value: 'from-env' }, { name: 'DB_PORT', valueFrom: { secretKeyRef: { name: 'creds', key: 'pw' } } }] },
      want: { DB_HOST: 'db.shop', DB_PORT: 's3cret', 'log.level': 'debug', MODE: 'from-env' },
    },
    {
      name: 'env values expand references to envFrom variables',
      c: { envFrom: [{ prefix: 'X_', configMapRef: { name: 'app-env' } }], env: [{ name: 'DSN', value: 'pg://$(X_DB_HOST):$(X_DB_PORT)/$(MISSING)' }, { name: 'LIT', value: '$$(X_DB_HOST)' }] },
      want: { X_DB_HOST: 'db.shop', X_DB_PORT: '5432', 'X_log.level': 'debug', X_MODE: 'from-cm', DSN: 'pg://db.shop:5432/$(MISSING)', LIT: '$(X_DB_HOST)' },
    },
    {
      name: 'an optional missing ConfigMap or Secret adds nothing',
      c: { envFrom: [{ configMapRef: { name: 'ghost', optional: true } }, { secretRef: { name: 'ghost', optional: true } }, { configMapRef: { name: 'settings' } }] },
      want: { mode: 'fast', LEVEL: 'info' },
    },
    {
      name: 'names that cannot be variables are skipped with kubelet\'s event, sorted',
      c: { envFrom: [{ configMapRef: { name: 'odd-keys' } }] },
      want: { GOOD: 'yes' },
      warnings: ['InvalidEnvironmentVariableNames: Keys [a=b, bad\nkey] from the EnvFrom configMap shop/odd-keys were skipped since they are considered invalid environment variable names.'],
    },
    {
      name: 'a prefix that makes every key invalid, from a Secret',
      c: { envFrom: [{ prefix: 'P=', secretRef: { name: 'creds' } }] },
      want: {},
      warnings: ['InvalidEnvironmentVariableNames: Keys [P=USER, P=pw] from the EnvFrom secret shop/creds were skipped since they are considered invalid environment variable names.'],
    },
  ];
  for (const tc of envFromCases) {
    test(`envFrom: ${tc.name}`, async () => {
      const { env, warnings } = await build(container(tc.c));
      assert.deepEqual(env, tc.want);
      assert.deepEqual(warnings, tc.warnings ?? []);
    });
  }

  test('each object is fetched once however often it is referenced', async () => {
    fetched.length = 0;
    await build(container({ envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'A_', configMapRef: { name: 'settings' } }], env: [{ name: 'M', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }] }));
    assert.deepEqual(fetched, ['ConfigMap/settings']);
  });

  const failures: { name: string; c: Partial<Container>; message: string }[] = [
    { name: 'a missing ConfigMap in envFrom', c: { envFrom: [{ configMapRef: { name: 'nothere' } }] }, message: 'configmap "nothere" not found' },
    { name: 'a missing Secret in envFrom', c: { envFrom: [{ secretRef: { name: 'vault', optional: false } }] }, message: 'secret "vault" not found' },
    { name: 'a missing ConfigMap of a key reference', c: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, message: 'configmap "gone" not found' },
    { name: 'a missing key of a Secret', c: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope' } } }] }, message: "couldn't find key nope in Secret shop/creds" },
    { name: 'a missing key of a ConfigMap', c: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'nope' } } }] }, message: "couldn't find key nope in ConfigMap shop/settings" },
  ];
  for (const tc of failures) {
    test(`CreateContainerConfigError: ${tc.name}`, async () => {
      await assert.rejects(build(container(tc.c)), (err: Error & { reason?: string }) => {
        assert.equal(err.reason, 'CreateContainerConfigError');
        assert.equal(err.message, tc.message);
        return true;
      });
    });
  }

  test('a failing lookup (API unreachable) is a CreateContainerConfigError with its message', async () => {
    const c = container({ envFrom: [{ configMapRef: { name: 'settings' } }] });
    await assert.rejects(containerEnv(pod, c, '10.0.0.2', 'h', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6443'))),
      (err: Error & { reason?: string }) => err.reason === 'CreateContainerConfigError' && err.message === 'connect ECONNREFUSED 127.0.0.1:6443');
  });

  test('field paths', () => {
    assert.equal(fieldValue(pod, 'metadata.uid'), 'uid-123');
    assert.equal(fieldValue(pod, "metadata.annotations['none']"), '');
    assert.equal(fieldValue(pod, 'spec.unknownThing'), undefined);
  });
});

describe('environment variable names (relaxed rule of Kubernetes 1.32)', () => {
  const cases = [
    { name: 'C identifier', n: 'DB_HOST', ok: true },
    { name: 'dots and dashes', n: 'log.level-x', ok: true },
    { name: 'leading digit', n: '1badkey', ok: true },
    { name: 'colon (.NET settings)', n: 'Logging:LogLevel', ok: true },
    { name: 'empty', n: '', ok: false },
    { name: 'equals sign', n: 'a=b', ok: false },
    { name: 'control character', n: 'a\tb', ok: false },
    { name: 'non-ASCII', n: 'caf\u00e9', ok: false },
  ];
  for (const c of cases) test(c.name, () => assert.equal(isEnvVarName(c.n), c.ok));
});
