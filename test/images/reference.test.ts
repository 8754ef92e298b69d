/** Image references normalized as Docker does, and the ones it refuses. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { familiarName, InvalidReferenceError, parseReference } from '../../src/images/index.js';
import { parseChallenges } from '../../src/images/auth.js';

const digest = `sha256:${'ab'.repeat(32)}`;

describe('image references', () => {
  const valid: { name: string; input: string; normalized: string; repository: string; familiar: string }[] = [
    { name: 'a library image', input: 'busybox', normalized: 'docker.io/library/busybox:latest', repository: 'docker.io/library/busybox', familiar: 'busybox:latest' },
    { name: 'a tagged user image', input: 'bitnami/nginx:1.25', normalized: 'docker.io/bitnami/nginx:1.25', repository: 'docker.io/bitnami/nginx', familiar: 'bitnami/nginx:1.25' },
    { name: 'index.docker.io', input: 'index.docker.io/library/redis:7', normalized: 'docker.io/library/redis:7', repository: 'docker.io/library/redis', familiar: 'redis:7' },
    { name: 'localhost with a port', input: 'localhost:5000/x', normalized: 'localhost:5000/x:latest', repository: 'localhost:5000/x', familiar: 'localhost:5000/x:latest' },
    { name: 'localhost alone', input: 'localhost/team/app:v1', normalized: 'localhost/team/app:v1', repository: 'localhost/team/app', familiar: 'localhost/team/app:v1' },
    { name: 'an IP registry', input: '127.0.0.1:5000/a/b/c:1.0-rc_1', normalized: '127.0.0.1:5000/a/b/c:1.0-rc_1', repository: '127.0.0.1:5000/a/b/c', familiar: '127.0.0.1:5000/a/b/c:1.0-rc_1' },
    { name: 'a dotted host', input: 'registry.k8s.io/pause:3.9', normalized: 'registry.k8s.io/pause:3.9', repository: 'registry.k8s.io/pause', familiar: 'registry.k8s.io/pause:3.9' },
    { name: 'a digest only', input: `busybox@${digest}`, normalized: `docker.io/library/busybox@${digest}`, repository: 'docker.io/library/busybox', familiar: `busybox@${digest}` },
    { name: 'a tag and a digest', input: `quay.io/a/b:1@${digest}`, normalized: `quay.io/a/b:1@${digest}`, repository: 'quay.io/a/b', familiar: `quay.io/a/b:1@${digest}` },
    { name: 'separators in a name', input: 'my_org/my-app.web__x', normalized: 'docker.io/my_org/my-app.web__x:latest', repository: 'docker.io/my_org/my-app.web__x', familiar: 'my_org/my-app.web__x:latest' },
  ];
  for (const c of valid) {
    test(`parses ${c.name}`, () => {
      const ref = parseReference(c.input);
      assert.equal(ref.name, c.normalized);
      assert.equal(ref.repository, c.repository);
      assert.equal(familiarName(ref), c.familiar);
    });
  }

  const invalid: { name: string; input: string; why: RegExp }[] = [
    { name: 'empty', input: '', why: /empty/ },
    { name: 'uppercase repository', input: 'BusyBox', why: /lowercase/ },
    { name: 'spaces', input: 'busy box', why: /not a valid/ },
    { name: 'a bad tag', input: 'busybox:-x', why: /not a valid tag/ },
    { name: 'a short digest', input: 'busybox@sha256:abc', why: /not a digest/ },
    { name: 'a trailing slash', input: 'library/', why: /not a valid path component/ },
    { name: 'double slashes', input: 'a//b', why: /not a valid path component/ },
    { name: 'a too long name', input: `x/${'a'.repeat(300)}`, why: /longer than 255/ },
  ];
  for (const c of invalid) {
    test(`refuses ${c.name}`, () => {
      assert.throws(() => parseReference(c.input), (err: unknown) => {
        assert.ok(err instanceof InvalidReferenceError);
        assert.equal(err.code, 'InvalidReference');
        assert.match(err.message, c.why);
        return true;
      });
    });
  }
});

describe('auth challenges', () => {
  const cases: { name: string; header: string; want: { scheme: string; params: Record<string, string> }[] }[] = [
    {
      name: "Docker Hub's bearer challenge",
      header: 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      want: [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } }],
    },
    { name: 'basic', header: 'Basic realm="Registry Realm"', want: [{ scheme: 'basic', params: { realm: 'Registry Realm' } }] },
    {
      name: 'two challenges and an escaped quote',
      header: 'Basic realm="a \\"b\\"", Bearer realm=http://x/t,service=s',
      want: [
        { scheme: 'basic', params: { realm: 'a "b"' } },
        { scheme: 'bearer', params: { realm: 'http://x/t', service: 's' } },
      ],
    },
  ];
  for (const c of cases) {
    test(`reads ${c.name}`, () => assert.deepEqual(parseChallenges(c.header), c.want));
  }
});
