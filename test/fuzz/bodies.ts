/** Request bodies: well-formed objects of every shape the API takes, and what breaks them —
 * malformed and deeply nested JSON and YAML, huge bodies, wrong kinds and apiVersions, invalid
 * names, unknown fields, and protobuf garbage behind Kubernetes' `k8s\0` magic. */
import type { Prng } from './prng.js';
import { nameOf } from './targets.js';

export interface Body {
  readonly bytes: Buffer;
  /** The Content-Type that fits it (headers.ts may lie about it). */
  readonly contentType: string;
}

const kinds: readonly (readonly [string, string])[] = [
  ['v1', 'ConfigMap'], ['v1', 'Secret'], ['v1', 'Pod'], ['v1', 'Service'], ['v1', 'Namespace'], ['v1', 'ReplicationController'],
  ['apps/v1', 'Deployment'], ['apps/v1', 'DaemonSet'], ['batch/v1', 'Job'], ['v1', 'DeleteOptions'], ['autoscaling/v1', 'Scale'],
  ['v1', 'Binding'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'], ['v9', 'ConfigMap'], ['apps/v1', 'Pod'], ['', ''], ['v1', 'Status'],
];

/** An image no runtime can find: a fuzzed pod must never start a real program. */
const nowhere = 'fuzz.invalid/none:latest';

/** An object of a random kind with plausible and implausible fields. */
export function objectOf(r: Prng): Record<string, unknown> {
  const [apiVersion, kind] = r.pick(kinds);
  const o: Record<string, unknown> = {};
  if (!r.chance(0.05)) o['apiVersion'] = r.chance(0.9) ? apiVersion : r.pick(['v1', 'v2', 'apps/v1beta9', 42, null, '']);
  if (!r.chance(0.05)) o['kind'] = r.chance(0.9) ? kind : r.pick(['Pod', 'pod', 'List', 'Nope', 7, null]);
  const metadata: Record<string, unknown> = { name: r.chance(0.8) ? nameOf(r) : r.pick([1, null, [], {}, true]) };
  if (r.chance(0.2)) metadata['namespace'] = r.pick(['default', 'kube-system', 'elsewhere', '', '..']);
  if (r.chance(0.2)) metadata['labels'] = r.pick([{ a: 'b' }, { 'bad key!': 'x' }, { a: 'x'.repeat(100) }, { a: 1 }, 'labels', null]);
  if (r.chance(0.1)) metadata['resourceVersion'] = r.pick(['1', '0', 'abc', '1e100', '99999999999999999999', 5]);
  if (r.chance(0.1)) metadata['finalizers'] = r.pick([['x/y'], ['kubernetes'], 'f', [1]]);
  if (r.chance(0.1)) metadata['generateName'] = r.pick(['fz-', '..', '', 'A-']);
  if (r.chance(0.05)) metadata['ownerReferences'] = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: r.pick(['u', '', 5]) }];
  o['metadata'] = r.chance(0.95) ? metadata : r.pick([null, 'm', [], 3]);
  switch (kind) {
    case 'ConfigMap':
      o['data'] = r.pick([{ k: 'v' }, { k: 1 }, { 'bad/key': 'v' }, { k: 'x'.repeat(r.int(0, 100_000)) }, 'data', null]);
      break;
    case 'Secret':
      o['data'] = r.pick([{ k: 'dmFsdWU=' }, { k: 'not base64!' }, { k: 1 }]);
      o['type'] = r.pick(['Opaque', 'kubernetes.io/tls', '', 5]);
      break;
    case 'Pod':
      o['spec'] = r.pick([
        { containers: [{ name: 'c', image: nowhere }] },
        { containers: [] },
        { containers: [{ name: 'C!', image: nowhere, ports: [{ containerPort: 70_000 }] }] },
        { containers: [{ name: 'c', image: `${nowhere}\u2028` }], nodeName: 'nowhere' },
        { containers: [{ name: 'c', image: nowhere, env: [{ name: '1x', valueFrom: {} }], resources: { limits: { cpu: 'lots' } } }] },
        'spec',
      ]);
      break;
    case 'Service':
      o['spec'] = r.pick([{ ports: [{ port: 80 }] }, { ports: [{ port: 0 }] }, { type: 'Nope' }, { clusterIP: '999.1.1.1', ports: [{ port: 1 }] }, {}]);
      break;
    case 'ReplicationController':
    case 'Deployment':
    case 'DaemonSet':
    case 'Job':
      o['spec'] = r.pick([
        { replicas: 0, selector: kind === 'ReplicationController' ? { a: 'b' } : { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: nowhere }] } } },
        { replicas: -1 },
        { replicas: '3' },
        { selector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] } },
      ]);
      break;
    case 'Scale':
      o['spec'] = { replicas: r.pick([0, -5, 1e9, '2', null]) };
      break;
    case 'DeleteOptions':
      Object.assign(o, r.pick([{ propagationPolicy: 'Nope' }, { gracePeriodSeconds: -1 }, { preconditions: { uid: 'x' } }, { dryRun: ['All'] }, { orphanDependents: 'yes' }]));
      break;
  }
  if (r.chance(0.15)) o[r.pick(['unknownField', 'spec', 'status', '__proto__', 'constructor', ''])] = r.pick([{ x: 1 }, 'x', [1, 2], null]);
  return o;
}

/** JSON nested `depth` deep (objects or arrays). */
function deepJson(r: Prng, depth: number): string {
  const arrays = r.chance(0.5);
  return arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** YAML nested `depth` deep: block style (indentation grows with depth, so kept shallow) or flow
 * style (linear in depth). */
function deepYaml(r: Prng, depth: number): string {
  if (depth <= 200 && r.chance(0.5)) {
    let s = '';
    for (let i = 0; i < depth; i++) s += `${' '.repeat(i)}a:\n`;
    return s + `${' '.repeat(depth)}b: 1\n`;
  }
  return r.chance(0.5) ? `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n` : `a: ${'{b: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
}

/** A body of `kind` with a matching Content-Type. */
export function bodyOf(r: Prng): Body {
  const json = (text: string): Body => ({ bytes: Buffer.from(text), contentType: 'application/json' });
  return r.weighted<() => Body>([
    [10, () => json(JSON.stringify(objectOf(r)))],
    [2, () => ({ bytes: Buffer.from(yamlOf(objectOf(r))), contentType: 'application/yaml' })],
    [2, () => json(r.pick(['{', '{"a":', '[1,2', '{"apiVersion":"v1",,}', 'null', 'true', '"str"', '123', '[]', '{}', '\u0000', '{"a":"\\ud800"}', '{"a":1e999}', ' ']))],
    [2, () => json(deepJson(r, r.pick([100, 9_999, 10_001, 100_000, 1_000_000])))],
    [1, () => ({ bytes: Buffer.from(deepYaml(r, r.pick([50, 150, 10_001, 100_000]))), contentType: 'application/yaml' })],
    [1, () => ({ bytes: Buffer.from(r.pick(['a: &a [*a]', '- &a\n- *a\n'.repeat(50), 'a: !!binary zzz', '? [a]\n: b', ':\n  - :', 'a: b\n a: c', '%YAML 9.9\n---\na: 1'])), contentType: 'application/yaml' })],
    [1, () => json(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `fz-${r.word()}` }, data: { k: 'x'.repeat(r.pick([1 << 20, 3 * (1 << 20) - 200, 3 * (1 << 20) + 10])) } }))],
    [1, () => ({ bytes: Buffer.concat([Buffer.from('k8s\u0000'), r.bytes(r.int(0, 200))]), contentType: 'application/vnd.kubernetes.protobuf' })],
    [1, () => ({ bytes: r.bytes(r.int(0, 2000)), contentType: r.pick(['application/json', 'application/octet-stream', 'application/vnd.kubernetes.protobuf']) })],
    [1, () => json(JSON.stringify([{ op: r.pick(['add', 'remove', 'replace', 'move', 'test', 'nope']), path: r.pick(['/metadata/labels/a', '/', '', '/-', '/spec/replicas', '~1']), value: 1 }]))],
  ])();
}

/** Objects as flow-style YAML (valid YAML for JSON-compatible values). */
function yamlOf(o: unknown): string {
  return `# fuzz\n${JSON.stringify(o)}\n`;
}
