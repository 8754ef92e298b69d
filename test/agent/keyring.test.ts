/** The kubelet's docker keyring: docker config files read from pull secrets, and which of their
 * credentials an image's pull may use (hosts, ports, paths, globs, schemes, Docker Hub). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring, globMatch, keyringKey, locationMatches } from '../../src/agent/keyring.js';
import { DockerConfigError, decodeGoBase64, dockerConfigOf, parseDockerConfigJson, parseDockercfg, type DockerConfig } from '../../src/agent/dockercfg.js';
import type { Secret } from '../../src/api/kinds.js';

const suffix = (): string => Math.random().toString(36).slice(2, 8);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A docker config of location → user (the password is the user's name reversed, to tell them apart). */
const config = (entries: Record<string, string>): DockerConfig =>
  new Map(Object.entries(entries).map(([loc, user]) => [loc, { username: user, password: [...user].reverse().join('') }]));

describe('keyring: which credentials an image may use', () => {
  const u = suffix();
  const cases: { name: string; entries: Record<string, string>; image: string; want: string[] }[] = [
    { name: 'exact host', entries: { 'registry.example.com': `a-${u}` }, image: 'registry.example.com/team/app:1', want: [`a-${u}`] },
    { name: 'host with port', entries: { '127.0.0.1:5000': `a-${u}` }, image: '127.0.0.1:5000/app', want: [`a-${u}`] },
    { name: 'port must match', entries: { '127.0.0.1:5000': `a-${u}` }, image: '127.0.0.1:5001/app', want: [] },
    { name: 'entry without port does not match a host with one', entries: { 'registry.example.com': `a-${u}` }, image: 'registry.example.com:443/app', want: [] },
    { name: 'https scheme dropped', entries: { 'https://registry.example.com': `a-${u}` }, image: 'registry.example.com/app', want: [`a-${u}`] },
    { name: 'http scheme dropped', entries: { 'http://127.0.0.1:5000': `a-${u}` }, image: '127.0.0.1:5000/app', want: [`a-${u}`] },
    { name: '/v1/ means the host', entries: { 'https://registry.example.com/v1/': `a-${u}` }, image: 'registry.example.com/any/thing', want: [`a-${u}`] },
    { name: '/v2/ means the host', entries: { 'https://registry.example.com/v2/': `a-${u}` }, image: 'registry.example.com/app', want: [`a-${u}`] },
    { name: 'path prefix matches', entries: { 'registry.example.com/team': `a-${u}` }, image: 'registry.example.com/team/app', want: [`a-${u}`] },
    { name: 'path prefix is a string prefix, as the kubelet compares it', entries: { 'registry.example.com/team': `a-${u}` }, image: 'registry.example.com/teamwork/app', want: [`a-${u}`] },
    { name: 'other path does not match', entries: { 'registry.example.com/team': `a-${u}` }, image: 'registry.example.com/other/app', want: [] },
    { name: 'glob for one host part', entries: { '*.example.com': `a-${u}` }, image: 'eu.example.com/app', want: [`a-${u}`] },
    { name: 'glob does not span parts', entries: { '*.example.com': `a-${u}` }, image: 'a.eu.example.com/app', want: [] },
    { name: 'glob needs the same number of parts', entries: { '*.example.com': `a-${u}` }, image: 'example.com/app', want: [] },
    { name: 'glob in the middle', entries: { 'reg-7.*.example.com': `a-${u}` }, image: 'reg-7.west.example.com/app', want: [`a-${u}`] },
    { name: 'a ? in a location starts its URL query (as Go parses it): no match', entries: { 'reg-?.example.com': `a-${u}` }, image: 'reg-7.example.com/app', want: [] },
    { name: 'glob character class', entries: { 'reg[0-9].example.com': `a-${u}` }, image: 'reg4.example.com/app', want: [`a-${u}`] },
    { name: 'glob character class not matching', entries: { 'reg[0-9].example.com': `a-${u}` }, image: 'regx.example.com/app', want: [] },
    {
      name: 'most specific first, all matches kept',
      entries: { 'quay.example.com': `host-${u}`, 'quay.example.com/team': `team-${u}`, 'quay.example.com/team/app': `app-${u}`, 'other.example.com': `x-${u}` },
      image: 'quay.example.com/team/app:2',
      want: [`app-${u}`, `team-${u}`, `host-${u}`],
    },
    { name: 'Docker Hub: index.docker.io/v1/ for a library image', entries: { 'https://index.docker.io/v1/': `hub-${u}` }, image: 'busybox:1.36', want: [`hub-${u}`] },
    { name: 'Docker Hub: for a user image', entries: { 'index.docker.io': `hub-${u}` }, image: 'someone/tool', want: [`hub-${u}`] },
    { name: 'Docker Hub: docker.io itself matches by host', entries: { 'docker.io': `hub-${u}` }, image: 'docker.io/library/nginx', want: [`hub-${u}`] },
    { name: 'Docker Hub credentials are not for other registries', entries: { 'https://index.docker.io/v1/': `hub-${u}` }, image: 'ghcr.io/someone/tool', want: [] },
    { name: 'a digest reference matches like a tag', entries: { 'registry.example.com': `a-${u}` }, image: `registry.example.com/app@sha256:${'a'.repeat(64)}`, want: [`a-${u}`] },
    { name: 'an unparsable location is ignored', entries: { 'bad host/x': `a-${u}`, 'registry.example.com': `b-${u}` }, image: 'registry.example.com/app', want: [`b-${u}`] },
    { name: 'an unparsable image has none', entries: { 'registry.example.com': `a-${u}` }, image: 'Registry.Example.com/UPPER', want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = new Keyring().add(config(c.entries)).lookup(c.image);
      assert.deepEqual(got.map((g) => g.username), c.want);
      for (const g of got) assert.equal(g.password, [...g.username].reverse().join(''));
    });
  }

  test('several secrets for one location: each credential tried, in the order added', () => {
    const users = Array.from({ length: 2 + Math.floor(Math.random() * 3) }, (_, i) => `u${i}-${suffix()}`);
    const ring = new Keyring();
    for (const user of users) ring.add(config({ 'registry.example.com': user }));
    assert.deepEqual(ring.lookup('registry.example.com/app').map((c) => c.username), users);
  });
});

describe('keyring: keys and globs', () => {
  const keys = [
    { location: 'https://registry.example.com/v1/', want: 'registry.example.com' },
    { location: 'http://127.0.0.1:5000/v2/team', want: '127.0.0.1:5000/team' },
    { location: 'registry.example.com/', want: 'registry.example.com' },
    { location: 'registry.example.com/team/app', want: 'registry.example.com/team/app' },
    { location: 'user@registry.example.com', want: 'registry.example.com' },
    { location: 'registry.example.com:abc', want: undefined },
  ];
  for (const k of keys) test(`key of ${k.location}`, () => assert.equal(keyringKey(k.location), k.want));

  const globs = [
    { pattern: '*', text: 'anything', want: true },
    { pattern: 'a\\*', text: 'a*', want: true },
    { pattern: 'a\\*', text: 'ab', want: false },
    { pattern: '[^x]y', text: 'zy', want: true },
    { pattern: '[^x]y', text: 'xy', want: false },
    { pattern: '[unclosed', text: 'u', want: false },
  ];
  for (const g of globs) test(`glob ${g.pattern} vs ${g.text}`, () => assert.equal(globMatch(g.pattern, g.text), g.want));

  test('IPv6 hosts with ports', () => {
    assert.equal(locationMatches('[::1]:5000', '[::1]:5000/app'), true);
    assert.equal(locationMatches('[::1]:5000', '[::1]:5001/app'), false);
  });
});

describe('docker config files in pull secrets', () => {
  const user = `ci-${suffix()}`;
  const pass = `p:${suffix()}`;
  const cases: { name: string; text: string; want: Record<string, { username: string; password: string }> }[] = [
    { name: 'auth field (base64 user:password, colons in the password kept)', text: JSON.stringify({ auths: { 'reg.example.com': { auth: b64(`${user}:${pass}`) } } }), want: { 'reg.example.com': { username: user, password: pass } } },
    { name: 'username and password', text: JSON.stringify({ auths: { 'reg.example.com': { username: user, password: pass, email: 'a@b.c' } } }), want: { 'reg.example.com': { username: user, password: pass } } },
    { name: 'auth wins over username/password', text: JSON.stringify({ auths: { r: { username: 'other', password: 'x', auth: b64(`${user}:${pass}`) } } }), want: { r: { username: user, password: pass } } },
    { name: 'unpadded auth', text: JSON.stringify({ auths: { r: { auth: b64(`${user}:${pass}`).replace(/=+$/, '') } } }), want: { r: { username: user, password: pass } } },
    { name: 'field names fold case, as Go decodes', text: `{"Auths":{"r":{"UserName":"${user}","PASSWORD":"${pass}"}}}`, want: { r: { username: user, password: pass } } },
    { name: 'other keys ignored', text: JSON.stringify({ HttpHeaders: { 'User-Agent': 'x' }, auths: { r: { username: user, password: pass } } }), want: { r: { username: user, password: pass } } },
    { name: 'null auths', text: '{"auths":null}', want: {} },
  ];
  for (const c of cases) {
    test(`.dockerconfigjson: ${c.name}`, () => {
      const got = parseDockerConfigJson(c.text);
      assert.deepEqual(Object.fromEntries([...got].map(([k, v]) => [k, { username: v.username, password: v.password }])), c.want);
    });
  }

  test('.dockercfg has the locations at the top', () => {
    const got = parseDockercfg(JSON.stringify({ 'https://reg.example.com': { auth: b64(`${user}:${pass}`), email: 'x@y.z' } }));
    assert.deepEqual([...got.entries()], [['https://reg.example.com', { username: user, password: pass, email: 'x@y.z' }]]);
  });

  const bad = [
    { name: 'auth without a colon', text: JSON.stringify({ auths: { r: { auth: b64('nocolon') } } }), message: /unable to parse auth field, must be formatted as base64\(username:password\)/ },
    { name: 'auth not base64', text: JSON.stringify({ auths: { r: { auth: 'not base64!' } } }), message: /illegal base64 data at input byte 3/ },
    { name: 'username a number', text: '{"auths":{"r":{"username":5}}}', message: /cannot unmarshal number into Go struct field dockerConfigEntryWithAuth.username of type string/ },
    { name: 'auths a list', text: '{"auths":[]}', message: /cannot unmarshal array into Go value of type credentialprovider.DockerConfig/ },
    { name: 'not JSON', text: '{', message: /not valid JSON/ },
  ];
  for (const c of bad) test(`refused: ${c.name}`, () => assert.throws(() => parseDockerConfigJson(c.text), (err: unknown) => err instanceof DockerConfigError && c.message.test(err.message)));

  test("Go's base64: padded and unpadded forms, line breaks skipped", () => {
    assert.equal(decodeGoBase64('YWI=').toString(), 'ab');
    assert.equal(decodeGoBase64('YWI').toString(), 'ab');
    assert.equal(decodeGoBase64('YW\nI=').toString(), 'ab');
    assert.throws(() => decodeGoBase64('YWI=YWI='), DockerConfigError);
  });

  const secret = (type: string, data: Record<string, string>): Secret => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name: `s-${suffix()}`, namespace: 'team' }, type,
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  });
  const json = JSON.stringify({ auths: { r: { username: user, password: pass } } });
  const secrets = [
    { name: 'dockerconfigjson type with its key', s: secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': json }), pull: true },
    { name: 'dockercfg type with its key', s: secret('kubernetes.io/dockercfg', { '.dockercfg': JSON.stringify({ r: { username: user, password: pass } }) }), pull: true },
    { name: 'Opaque with the key is not a pull secret', s: secret('Opaque', { '.dockerconfigjson': json }), pull: false },
    { name: 'dockerconfigjson type with the dockercfg key is not', s: secret('kubernetes.io/dockerconfigjson', { '.dockercfg': json }), pull: false },
    { name: 'an empty value is not', s: secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '' }), pull: false },
  ];
  for (const c of secrets) {
    test(`secret: ${c.name}`, () => {
      const cfg = dockerConfigOf(c.s);
      assert.equal(cfg !== undefined, c.pull);
      if (cfg) assert.equal(cfg.get('r')?.username, user);
    });
  }
  test('an unreadable pull secret names itself in the error', () => {
    const s = secret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': '{"auths":{"r":{"auth":"!!"}}}' });
    assert.throws(() => dockerConfigOf(s), (err: unknown) => err instanceof DockerConfigError && err.message.startsWith(`secret team/${s.metadata.name ?? ''}: illegal base64`));
  });
});
