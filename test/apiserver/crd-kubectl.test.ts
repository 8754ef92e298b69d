/**
 * CustomResourceDefinitions as kubectl users meet them: a CRD created from YAML is established,
 * its objects are created, refused with field errors, pruned and defaulted, printed with the
 * CRD's columns, patched, watched, written through /status and /scale, read through a second
 * version, and gone with the CRD. kubectl 1.32, and 1.27 for get/apply.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { stringify } from 'yaml';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';

const suffix = (): string => randomBytes(3).toString('hex');
type Obj = Record<string, unknown>;

function crdYaml(group: string, plural: string, kind: string, short: string, edit: (crd: Obj) => void = () => undefined): string {
  const crd: Obj = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, shortNames: [short], categories: ['all'] },
      versions: [
        {
          name: 'v1', served: true, storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['size'],
                  properties: {
                    size: { type: 'string', enum: ['small', 'large'] },
                    replicas: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
                    color: { type: 'string', default: 'blue' },
                    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  },
                },
                status: { type: 'object', properties: { phase: { type: 'string' }, replicas: { type: 'integer' }, selector: { type: 'string' } } },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [
            { name: 'Size', type: 'string', jsonPath: '.spec.size' },
            { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
            { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          ],
        },
        {
          name: 'v1beta1', served: true, storage: false,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
  edit(crd);
  return stringify(crd);
}

describe('CustomResourceDefinitions with kubectl', () => {
  let s: TestServer;
  let k: Kubectl;
  const sfx = suffix();
  const group = `stable${sfx}.example.com`;
  const plural = `widgets${sfx}`;
  const kind = `Widget${sfx.replace(/^\d+/, '')}`;
  const short = `wd${sfx}`;
  const crdName = `${plural}.${group}`;
  const ns = 'default';

  before(async () => {
    s = await startTestServer();
    k = new Kubectl(s.kubeconfig);
    await k.ok(['create', '-f', '-'], { input: crdYaml(group, plural, kind, short) });
    await k.ok(['wait', '--for=condition=Established', `crd/${crdName}`, '--timeout=30s']);
  });
  after(async () => {
    await s?.stop();
  });

  const widget = (name: string, spec: Obj, apiVersion = `${group}/v1`) => stringify({ apiVersion, kind, metadata: { name, labels: { app: name } }, spec });

  test('the CRD is established with its accepted names and a non-structural or misnamed CRD is refused', async () => {
    const crd = JSON.parse(await k.ok(['get', 'crd', crdName, '-o', 'json'])) as Obj;
    const status = crd['status'] as { conditions: Obj[]; acceptedNames: Obj; storedVersions: string[] };
    const byType = Object.fromEntries(status.conditions.map((c) => [c['type'], c]));
    assert.equal(byType['NamesAccepted']?.['status'], 'True');
    assert.equal(byType['NamesAccepted']?.['reason'], 'NoConflicts');
    assert.equal(byType['Established']?.['status'], 'True');
    assert.equal(status.acceptedNames['kind'], kind);
    assert.deepEqual(status.acceptedNames['shortNames'], [short]);
    assert.deepEqual(status.storedVersions, ['v1']);

    const bad = crdYaml(group, `gadgets${sfx}`, `Gadget`, `gd${sfx}`, (c) => {
      const v = ((c['spec'] as Obj)['versions'] as { schema: { openAPIV3Schema: { properties: { spec: Obj } } } }[])[0]!;
      delete v.schema.openAPIV3Schema.properties.spec['type'];
    });
    const r = await k.run(['create', '-f', '-'], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.type: Required value: must not be empty for specified object fields/);

    const misnamed = crdYaml(group, `things${sfx}`, 'Thing', `th${sfx}`, (c) => {
      (c['metadata'] as Obj)['name'] = `stuff${sfx}.${group}`;
    });
    const m = await k.run(['create', '-f', '-'], { input: misnamed });
    assert.match(m.stderr, /metadata\.name: Invalid value: "stuff[0-9a-f]+\.stable[0-9a-f]+\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/);
  });

  test('a CRD whose kind another CRD of the group serves is stored but not accepted', async () => {
    const other = crdYaml(group, `others${sfx}`, kind, `ot${sfx}`);
    await k.ok(['create', '-f', '-'], { input: other });
    let cond: Obj | undefined;
    for (let i = 0; i < 50 && !cond; i++) {
      const o = JSON.parse(await k.ok(['get', 'crd', `others${sfx}.${group}`, '-o', 'json'])) as { status?: { conditions?: Obj[] } };
      cond = o.status?.conditions?.find((c) => c['type'] === 'NamesAccepted');
      if (!cond) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(cond?.['status'], 'False');
    assert.equal(cond?.['reason'], 'NameConflict');
    assert.equal(cond?.['message'], `"${kind.toLowerCase()}" is already in use`);
    await k.ok(['delete', 'crd', `others${sfx}.${group}`]);
  });

  test('discovery: api-resources and every name kubectl resolves', async () => {
    const res = await k.ok(['api-resources', `--api-group=${group}`]);
    assert.match(res, new RegExp(`${plural}\\s+${short}\\s+${group}/v1\\s+true\\s+${kind}`));
    const list = (await s.request('GET', `/apis/${group}/v1`)).json as { resources: Obj[] };
    const main = list.resources.find((r) => r['name'] === plural)!;
    assert.deepEqual(main['categories'], ['all']);
    assert.deepEqual(main['verbs'], ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.ok(list.resources.some((r) => r['name'] === `${plural}/status`));
    assert.ok(list.resources.some((r) => r['name'] === `${plural}/scale` && r['kind'] === 'Scale'));
    const g = (await s.request('GET', `/apis/${group}`)).json as { preferredVersion: Obj };
    assert.equal(g.preferredVersion['version'], 'v1');
  });

  test('objects: created, defaulted, pruned, refused with field errors, printed with columns', async () => {
    const name = `w-${suffix()}`;
    await k.ok(['create', '-f', '-', '--validate=false'], { input: widget(name, { size: 'small', bogus: 1, extra: { kept: true } }) });
    const got = JSON.parse(await k.ok(['get', plural, name, '-o', 'json'])) as { spec: Obj; metadata: Obj };
    assert.deepEqual(got.spec, { size: 'small', replicas: 1, color: 'blue', extra: { kept: true } });
    assert.equal(got.metadata['generation'], 1);

    const strict = await k.run(['create', '-f', '-'], { input: widget(`w-${suffix()}`, { size: 'small', bogus: 1 }) });
    assert.match(strict.stderr, /strict decoding error: unknown field "spec\.bogus"/);

    const bad = `w-${suffix()}`;
    const r = await k.run(['create', '-f', '-'], { input: widget(bad, { size: 'huge', replicas: 'three' }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`The ${kind} "${bad}" is invalid`));
    assert.match(r.stderr, /spec\.size: Unsupported value: "huge": supported values: "small", "large"/);
    assert.match(r.stderr, /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/);
    const missing = await k.run(['create', '-f', '-'], { input: widget(bad, { replicas: 11 }) });
    assert.match(missing.stderr, /spec\.size: Required value/);
    assert.match(missing.stderr, /spec\.replicas: Invalid value: 11: spec\.replicas in body should be less than or equal to 10/);

    for (const resource of [plural, kind.toLowerCase(), short, `${plural}.${group}`]) {
      const table = await k.ok(['get', resource, name]);
      assert.match(table, /^NAME\s+SIZE\s+REPLICAS\s+PHASE\n/, resource);
      assert.match(table, new RegExp(`${name}\\s+small\\s+1\\s*\\n`), resource);
    }
    const old = new Kubectl(s.kubeconfig, kubectlBinary(27));
    assert.match(await old.ok(['get', short, name]), new RegExp(`${name}\\s+small\\s+1`));
  });

  test('apply, merge and JSON patches, strategic merge refused, label and field selectors', async () => {
    const a = `a-${suffix()}`;
    const b = `b-${suffix()}`;
    for (const kc of [k, new Kubectl(s.kubeconfig, kubectlBinary(27))]) {
      await kc.ok(['apply', '-f', '-'], { input: widget(a, { size: 'small' }) });
    }
    await k.ok(['apply', '-f', '-'], { input: widget(a, { size: 'large', replicas: 3 }) });
    await k.ok(['apply', '--server-side', '-f', '-'], { input: widget(b, { size: 'small' }) });
    assert.match(await k.ok(['get', plural, a]), new RegExp(`${a}\\s+large\\s+3`));
    await k.ok(['patch', plural, a, '--type=merge', '-p', '{"spec":{"replicas":4}}']);
    await k.ok(['patch', plural, a, '--type=json', '-p', '[{"op":"replace","path":"/spec/color","value":"red"}]']);
    const got = JSON.parse(await k.ok(['get', plural, a, '-o', 'json'])) as { spec: Obj; metadata: Obj };
    assert.equal(got.spec['replicas'], 4);
    assert.equal(got.spec['color'], 'red');
    assert.equal(got.metadata['generation'], 4);
    const smp = await k.run(['patch', plural, a, '-p', '{"spec":{"replicas":5}}']);
    assert.match(smp.stderr, /UnsupportedMediaType|unknown format/);
    const badPatch = await k.run(['patch', plural, a, '--type=merge', '-p', '{"spec":{"replicas":0}}']);
    assert.match(badPatch.stderr, /spec\.replicas in body should be greater than or equal to 1/);
    assert.equal((await k.ok(['get', plural, '-l', `app=${b}`, '-o', 'name'])).trim(), `${kind.toLowerCase()}.${group}/${b}`);
    assert.equal((await k.ok(['get', plural, '--field-selector', `metadata.name=${a}`, '-o', 'name'])).trim(), `${kind.toLowerCase()}.${group}/${a}`);
    assert.equal((await k.ok(['get', plural, '-A', '--field-selector', `metadata.namespace=${ns}`, '-o', 'name'])).trim().split('\n').length >= 2, true);
  });

  test('status and scale subresources, a second version, and a watch', async () => {
    const name = `s-${suffix()}`;
    await k.ok(['create', '-f', '-'], { input: widget(name, { size: 'small' }) });
    const watch = spawn(kubectlBinary(), [`--kubeconfig=${s.kubeconfig}`, 'get', plural, name, '--watch', '-o', 'name'], { env: { ...process.env, HOME: os.tmpdir() } });
    let out = '';
    watch.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // status through the main resource is ignored; through /status it is taken
      await k.ok(['patch', plural, name, '--type=merge', '-p', '{"status":{"phase":"Ignored"}}']);
      await k.ok(['patch', plural, name, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","replicas":2,"selector":"app=x"}}']);
      assert.match(await k.ok(['get', plural, name]), new RegExp(`${name}\\s+small\\s+1\\s+Running`));
      await k.ok(['scale', `${plural}/${name}`, '--replicas=5']);
      const scale = (await s.request('GET', `/apis/${group}/v1/namespaces/${ns}/${plural}/${name}/scale`)).json as { spec: Obj; status: Obj };
      assert.deepEqual([scale.spec['replicas'], scale.status['replicas'], scale.status['selector']], [5, 2, 'app=x']);
      const beta = JSON.parse(await k.ok(['get', `${plural}.v1beta1.${group}`, name, '-o', 'json'])) as Obj;
      assert.equal(beta['apiVersion'], `${group}/v1beta1`);
      await k.ok(['delete', plural, name]);
      for (let i = 0; i < 50 && out.trim().split('\n').length < 4; i++) await new Promise((r) => setTimeout(r, 100));
      // added, its status, its scale, its deletion
      assert.ok(out.trim().split('\n').length >= 4, out);
    } finally {
      watch.kill();
    }
  });

  test('deleting the CRD deletes its objects and stops serving them', async () => {
    const names = [`d-${suffix()}`, `d-${suffix()}`];
    await k.ok(['create', 'namespace', `ns-${sfx}`]);
    for (const n of names) await k.ok(['create', '-n', `ns-${sfx}`, '-f', '-'], { input: widget(n, { size: 'large' }) });
    await k.ok(['delete', 'crd', crdName, '--timeout=30s']);
    const gone = await s.request('GET', `/apis/${group}/v1/namespaces/ns-${sfx}/${plural}`);
    assert.equal(gone.status, 404);
    const r = await k.run(['get', 'crd', crdName]);
    assert.match(r.stderr, /NotFound|not found/);
    // Recreated, it starts empty.
    await k.ok(['create', '-f', '-'], { input: crdYaml(group, plural, kind, short) });
    await k.ok(['wait', '--for=condition=Established', `crd/${crdName}`, '--timeout=30s']);
    const again = await s.request('GET', `/apis/${group}/v1/${plural}`);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual((again.json as { items: unknown[] }).items, []);
  });
});
