/**
 * imagePullSecrets on `skiff up`, as a user sees them through the real kubectl. On the oci
 * runtime, with a private registry (Debian's docker-registry with htpasswd on loopback): a pod
 * with a `kubectl create secret docker-registry` secret runs; one without it (the image already
 * on the node) waits in ErrImagePull/ImagePullBackOff with the registry's refusal; a
 * ServiceAccount's pull secrets serve its pods; a missing secret is a
 * FailedToRetrieveImagePullSecret warning; a malformed docker config Secret is refused with
 * Kubernetes' message. On the process runtime, which pulls nothing, the pod is told so once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { ImageStore, imagesDir } from '../../src/images/index.js';
import { busyboxImage, installImageTools, pushImage, startRegistry, writeDockerSave, type Registry } from '../helpers/images.js';
import { skiff } from '../cli/run.js';
import { installOciPackages } from '../helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

describe('imagePullSecrets on the oci runtime, against a private registry', () => {
  let c: UpCluster;
  let open: Registry;
  let guarded: Registry;
  let storeDir: string;
  const user = `ci-${suffix()}`;
  const password = `pw-${suffix()}`;
  let image: string;

  before(async () => {
    await installOciPackages();
    installImageTools();
    open = await startRegistry();
    guarded = await startRegistry({ storage: open.storage, users: { [user]: password } });
    const repo = `private/busybox-${suffix()}`;
    await pushImage(open.url, repo, '1', await busyboxImage());
    image = `${guarded.host}/${repo}:1`;
    storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skiff-up-pull-'));
    const images = new ImageStore({ dir: imagesDir(storeDir) });
    c = await startUpCluster({ nodes: 1, runtime: 'oci', images, restartBackoffMs: 300 });
  });
  after(async () => {
    await c?.stop();
    await guarded?.stop();
    await open?.stop();
    if (storeDir) await fs.rm(storeDir, { recursive: true, force: true });
  });

  const get = (name: string): Promise<Pod> => c.cp.client.get<Pod>(pods, 'default', name);
  const create = (obj: unknown): Promise<string> => c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(obj) });
  const pod = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent', command: ['/bin/busybox', 'sh', '-c', 'echo private image ran; exec /bin/busybox sleep 3600'] }],
      ...spec,
    },
  });
  const regcred = async (): Promise<string> => {
    const name = `regcred-${suffix()}`;
    await c.kubectl.ok(['create', 'secret', 'docker-registry', name, `--docker-server=${guarded.host}`, `--docker-username=${user}`, `--docker-password=${password}`, '--docker-email=ci@example.com']);
    return name;
  };
  const running = (name: string): Promise<Pod> =>
    waitFor(`${name} running`, async () => {
      const p = await get(name);
      return p.status?.containerStatuses?.[0]?.state?.running ? p : undefined;
    }, 60_000);
  const events = (name: string): Promise<string> =>
    c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.type}:{.reason}:{.message}{"\\n"}{end}']);
  const remove = (name: string): Promise<string> => c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);

  test('a pod with a docker-registry secret pulls the private image and runs; one without it is refused', async () => {
    const secret = await regcred();
    const withSecret = `private-${suffix()}`;
    await create(pod(withSecret, { imagePullSecrets: [{ name: secret }] }));
    await running(withSecret);
    assert.match(await c.kubectl.ok(['get', 'pod', withSecret]), new RegExp(`${withSecret}\\s+1/1\\s+Running`));
    assert.equal((await waitFor('log', async () => (await c.kubectl.ok(['logs', withSecret])) || undefined)).trim(), 'private image ran');

    // The image is on the node now, pulled with the secret: a pod without it does not get it.
    const without = `nosecret-${suffix()}`;
    await create(pod(without));
    const reasons = new Set<string>();
    const pullError = await waitFor('ErrImagePull, then ImagePullBackOff', async () => {
      const w = (await get(without)).status?.containerStatuses?.[0]?.state?.waiting;
      if (w?.reason) reasons.add(w.reason);
      if (w?.reason === 'ErrImagePull') return reasons.has('ImagePullBackOff') ? w : (reasons.add(`message:${w.message ?? ''}`), undefined);
      return reasons.has('ErrImagePull') && reasons.has('ImagePullBackOff') ? w : undefined;
    }, 30_000, 20);
    assert.ok(pullError);
    const message = [...reasons].find((r) => r.startsWith('message:')) ?? '';
    assert.match(message, new RegExp(`Failed to pull image "${image.replace(/[.]/g, '\\.')}": the registry wants a user name and password`));
    assert.match(await c.kubectl.ok(['get', 'pod', without]), new RegExp(`${without}\\s+0/1\\s+(ErrImagePull|ImagePullBackOff)`));
    assert.match(await events(without), /^Warning:Failed:Failed to pull image .*wants a user name and password/m);
    await remove(without);
    await remove(withSecret);
  });

  test("a ServiceAccount's imagePullSecrets serve its pods", async () => {
    const secret = await regcred();
    const sa = `builder-${suffix()}`;
    await c.kubectl.ok(['create', 'serviceaccount', sa]);
    await c.kubectl.ok(['patch', 'serviceaccount', sa, '-p', JSON.stringify({ imagePullSecrets: [{ name: secret }] })]);
    const name = `via-sa-${suffix()}`;
    // Always: the registry is asked with the ServiceAccount's credentials.
    const p = pod(name, { serviceAccountName: sa });
    p.spec.containers[0]!.imagePullPolicy = 'Always';
    await create(p);
    await running(name);
    await remove(name);
  });

  test('a missing pull secret: FailedToRetrieveImagePullSecret, and the pull goes on without it', async () => {
    const name = `missing-${suffix()}`;
    const ghost = `ghost-${suffix()}`;
    await create(pod(name, { imagePullSecrets: [{ name: ghost }] }));
    const text = await waitFor('the warning', async () => {
      const e = await events(name);
      return e.includes('FailedToRetrieveImagePullSecret') && e.includes('Failed to pull image') ? e : undefined;
    }, 30_000);
    assert.match(text, new RegExp(`^Warning:FailedToRetrieveImagePullSecret:Unable to retrieve some image pull secrets \\(${ghost}\\); attempting to pull the image may not succeed\\.$`, 'm'));
    assert.match(text, /wants a user name and password/);
    await remove(name);
  });

  test('a docker config Secret with malformed JSON is refused with Kubernetes’ message', async () => {
    const name = `bad-${suffix()}`;
    const res = await c.kubectl.run(['create', 'secret', 'generic', name, '--type=kubernetes.io/dockerconfigjson', '--from-literal=.dockerconfigjson={auths:1}']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, new RegExp(`Secret "${name}" is invalid: data\\[\\.dockerconfigjson\\]: Invalid value: "<secret contents redacted>": invalid character 'a' looking for beginning of object key string`));
    const missingKey = await c.kubectl.run(['create', 'secret', 'generic', name, '--type=kubernetes.io/dockercfg', '--from-literal=other=x']);
    assert.match(missingKey.stderr, new RegExp(`Secret "${name}" is invalid: data\\[\\.dockercfg\\]: Required value`));
  });

  // `skiff image` against the cluster (as `kind load`): the archive reaches the node's store
  // through the API server, a pod runs it with pullPolicy Never, ls and rm see the node's store.
  test('skiff image import|ls|rm load into the cluster\'s nodes', async () => {
    const tag = `t${suffix()}`, repo = `local.test/loaded-${suffix()}`;
    const archive = path.join(storeDir, `${tag}.tar`);
    await writeDockerSave(archive, await busyboxImage(), [`${repo}:${tag}`]);
    const kubeconfig = c.cp.server.kubeconfigPath;
    const imported = await skiff(kubeconfig, ['image', 'import', archive]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, new RegExp(`^node ${c.nodeNames[0]!}: imported ${repo.replace(/\./g, '\\.')}:${tag} \\(${repo.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}\\)\n$`));
    const ls = await skiff(kubeconfig, ['image', 'ls']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, new RegExp(`^node ${c.nodeNames[0]!}:\nIMAGE\\s+TAG\\s+IMAGE ID\\s+SIZE\n(.*\n)*${repo.replace(/\./g, '\\.')}\\s+${tag}\\s+[0-9a-f]{13}\\s`));
    const name = `loaded-${suffix()}`;
    await create({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: `${repo}:${tag}`, imagePullPolicy: 'Never', command: ['/bin/busybox', 'sh', '-c', `echo loaded ${tag}; exec /bin/busybox sleep 3600`] }] } });
    await running(name);
    assert.equal((await waitFor('log', async () => (await c.kubectl.ok(['logs', name])) || undefined)).trim(), `loaded ${tag}`);
    await remove(name);
    const rm = await skiff(kubeconfig, ['image', 'rm', `${repo}:${tag}`]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, `node ${c.nodeNames[0]!}: deleted ${repo}:${tag}\n`);
    assert.doesNotMatch((await skiff(kubeconfig, ['image', 'ls'])).stdout, new RegExp(repo.replace(/\./g, '\\.')));
    const again = await skiff(kubeconfig, ['image', 'rm', `${repo}:${tag}`]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`image "${repo.replace(/\./g, '\\.')}:${tag}" is not in the store`));
  });
});

describe('imagePullSecrets on the process runtime', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 1, restartBackoffMs: 300 });
  });
  after(async () => {
    await c?.stop();
  });

  test('the pod runs and is told once that its pull secrets are not used', async () => {
    const name = `proc-${suffix()}`;
    const secrets = [`a-${suffix()}`, `b-${suffix()}`];
    // Restarts: several container starts, one warning.
    await c.kubectl.ok(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name },
        spec: { restartPolicy: 'OnFailure', imagePullSecrets: secrets.map((n) => ({ name: n })), containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] },
      }),
    });
    await waitFor('restarted', async () => ((await c.cp.client.get<Pod>(pods, 'default', name)).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 || undefined, 30_000);
    const events = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.type}:{.reason}:{.count}:{.message}{"\\n"}{end}']);
    const ignored = events.split('\n').filter((l) => l.includes('ImagePullSecretsIgnored'));
    assert.deepEqual(ignored, [`Warning:ImagePullSecretsIgnored:1:the process runtime does not pull images (image names resolve to host programs), so imagePullSecrets (${secrets.join(', ')}) are not used`]);
    assert.doesNotMatch(events, /FailedToRetrieveImagePullSecret/, 'the secrets are not even looked for');
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
  });

  test('skiff image against a cluster of process nodes says they keep no images', async () => {
    const r = await skiff(c.cp.server.kubeconfigPath, ['image', 'ls']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`skipped ${c.nodeNames[0]!}: the process runtime uses no images`));
    assert.match(r.stderr, /error: no node of this cluster keeps images \(they run the process runtime\); start it with --runtime oci/);
  });
});
