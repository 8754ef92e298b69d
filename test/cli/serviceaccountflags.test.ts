/** The service-account, admission and advertise flags of `skiff up` / `skiff server` become the
 * API server's options. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { serviceAccountOptions, withServiceAccountFlags, type ServiceAccountFlags } from '../../src/cli/serviceaccountflags.js';

function parse(args: string[]): ServiceAccountFlags {
  const cmd = withServiceAccountFlags(new Command('x')).exitOverride().configureOutput({ writeErr: () => undefined });
  cmd.parse(args, { from: 'user' });
  return cmd.opts<ServiceAccountFlags>();
}

const cases: { name: string; args: string[]; want: Record<string, unknown> }[] = [
  { name: 'defaults: extension on, nothing else set', args: [], want: { extendTokenExpiration: true } },
  {
    name: 'issuers repeat, the first signs; audiences are a list',
    args: ['--service-account-issuer', 'https://a.example', '--service-account-issuer', 'https://b.example', '--api-audiences', 'api,vault'],
    want: { issuers: ['https://a.example', 'https://b.example'], apiAudiences: ['api', 'vault'], extendTokenExpiration: true },
  },
  {
    name: 'a cap on lifetimes, in seconds; extension off',
    args: ['--service-account-max-token-expiration', '2h', '--service-account-extend-token-expiration', 'false'],
    want: { maxTokenExpirationSeconds: 7200, extendTokenExpiration: false },
  },
  {
    name: 'admission plugin off and an advertise address',
    args: ['--disable-admission-plugins', 'ServiceAccount', '--advertise-address', '192.0.2.7'],
    want: { disableAdmissionPlugins: ['ServiceAccount'], advertiseAddress: '192.0.2.7', extendTokenExpiration: true },
  },
];

for (const c of cases) {
  test(`flags: ${c.name}`, () => {
    assert.deepEqual(serviceAccountOptions(parse(c.args)), c.want);
  });
}

test('nonsense is refused', () => {
  const bad: { name: string; args: string[] }[] = [
    { name: 'unknown admission plugin', args: ['--disable-admission-plugins', 'NamespaceLifecycle,Bogus'] },
    { name: 'extension not a boolean', args: ['--service-account-extend-token-expiration', 'yes'] },
    { name: 'lifetime without unit', args: ['--service-account-max-token-expiration', '3600'] },
  ];
  for (const c of bad) assert.throws(() => parse(c.args), /error|invalid|must|unknown/i, c.name);
});
