/** Pod validation: containers, ports, env, volumes and mounts, resources, probes, policies,
 * tolerations, and what a pod update may change. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, containerBuilder, deploymentBuilder, fields, msg, podBuilder } from '../helpers/builders.js';

const specErrors = (pod: KubeObject): string[] => causes(validateObject('Pod', pod));

describe('valid pods', () => {
  test('the seed pod with two containers and host ports', () => {
    const pod = podBuilder('nginxpod').containers(
      containerBuilder('nginx80').image('nginx').port(80, { hostPort: 80 }),
      containerBuilder('nginx8800').image('msfuko/nginx_8800').port(8800, { hostPort: 8800 }),
    ).defaulted();
    assert.deepEqual(specErrors(pod), []);
  });
  test('a pod with everything skiff honours', () => {
    const pod = podBuilder('full')
      .containers(
        containerBuilder('web').image('nginx:1.25').port(80, { name: 'http' }).port(53, { name: 'dns', protocol: 'UDP' })
          .env('MODE', 'prod').env('POD_NAME', undefined, { fieldRef: { fieldPath: 'metadata.name' } })
          .mount('data', '/data').mount('conf', '/etc/conf', { readOnly: true })
          .requests({ cpu: '100m', memory: '200Mi' }).limits({ cpu: '1', memory: '1Gi', 'example.com/gpu': '1' }).requests({ cpu: '100m', 'example.com/gpu': '1' })
          .probe('livenessProbe', { httpGet: { port: 'http' } }).probe('readinessProbe', { tcpSocket: { port: 80 } }),
      )
      .initContainer(containerBuilder('init').image('busybox').set('command', ['sh', '-c', 'true']))
      .volume('data').volume('conf', { configMap: { name: 'web-conf', items: [{ key: 'a.conf', path: 'a.conf' }] } })
      .nodeSelector({ runDS: 'ok' })
      .podField('tolerations', [{ key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' }, { operator: 'Exists' }])
      .podField('activeDeadlineSeconds', 600)
      .defaulted();
    assert.deepEqual(specErrors(pod), []);
  });
});

describe('containers', () => {
  const cases: { name: string; pod: KubeObject; want: string[] }[] = [
    { name: 'no containers', pod: podBuilder().noContainers().defaulted(), want: ['spec.containers: Required value'] },
    { name: 'an empty list', pod: podBuilder().containers().defaulted(), want: ['spec.containers: Required value'] },
    {
      name: 'missing name and image',
      pod: podBuilder().containers({ command: ['true'] }).defaulted(),
      want: ['spec.containers[0].name: Required value', 'spec.containers[0].image: Required value'],
    },
    {
      name: 'a name that is not a DNS label',
      pod: podBuilder().containers(containerBuilder('My_App')).defaulted(),
      want: [`spec.containers[0].name: Invalid value: "My_App": ${msg.dns1123Label}`],
    },
    {
      name: 'duplicate names across containers and init containers',
      pod: podBuilder().containers(containerBuilder('a'), containerBuilder('b'), containerBuilder('a')).initContainer(containerBuilder('b')).defaulted(),
      want: ['spec.containers[2].name: Duplicate value: "a"', 'spec.initContainers[0].name: Duplicate value: "b"'],
    },
    {
      name: 'an unknown pull policy',
      pod: podBuilder().containers(containerBuilder('a').set('imagePullPolicy', 'Sometimes')).defaulted(),
      want: ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
    },
    {
      name: 'restartPolicy on a regular container',
      pod: podBuilder().containers(containerBuilder('a').set('restartPolicy', 'Always')).defaulted(),
      want: ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(specErrors(c.pod), c.want));
});

describe('ports', () => {
  const cases: { name: string; ports: Record<string, unknown>[]; want: string[] }[] = [
    { name: 'port 0', ports: [{ containerPort: 0 }], want: ['spec.containers[0].ports[0].containerPort: Required value'] },
    { name: 'port too big', ports: [{ containerPort: 70000 }], want: [`spec.containers[0].ports[0].containerPort: Invalid value: 70000: ${msg.portRange}`] },
    { name: 'host port negative', ports: [{ containerPort: 80, hostPort: -1 }], want: [`spec.containers[0].ports[0].hostPort: Invalid value: -1: ${msg.portRange}`] },
    {
      name: 'bad protocol',
      ports: [{ containerPort: 80, protocol: 'HTTP' }],
      want: ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    },
    {
      name: 'duplicate and invalid names',
      ports: [{ containerPort: 80, name: 'web' }, { containerPort: 81, name: 'web' }, { containerPort: 82, name: 'Web_Port' }],
      want: [
        'spec.containers[0].ports[1].name: Duplicate value: "web"',
        'spec.containers[0].ports[2].name: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    },
    {
      name: 'a name that is too long and has no letter',
      ports: [{ containerPort: 80, name: '1234567890123456' }],
      want: [
        'spec.containers[0].ports[0].name: Invalid value: "1234567890123456": must be no more than 15 characters',
        'spec.containers[0].ports[0].name: Invalid value: "1234567890123456": must contain at least one letter (a-z)',
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const pod = podBuilder().containers({ name: 'app', image: 'nginx', ports: c.ports }).defaulted();
      assert.deepEqual(specErrors(pod), c.want);
    });
  }
  test('two containers may not share a host port', () => {
    const pod = podBuilder().containers(containerBuilder('a').port(80, { hostPort: 8080 }), containerBuilder('b').port(81, { hostPort: 8080 })).defaulted();
    assert.deepEqual(specErrors(pod), ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']);
  });
});

describe('environment', () => {
  test('names, sources and references', () => {
    const pod = podBuilder().containers(
      containerBuilder('a')
        .env('', 'x')
        .env('A=B', 'x')
        .env('REF', 'v', { fieldRef: { fieldPath: 'metadata.name' } })
        .env('NONE', undefined, {})
        .env('CM', undefined, { configMapKeyRef: { key: 'bad key' } }),
    ).defaulted();
    assert.deepEqual(specErrors(pod), [
      'spec.containers[0].env[0].name: Required value',
      'spec.containers[0].env[0].name: Invalid value: "": environment variable name must be non-empty',
      "spec.containers[0].env[1].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      'spec.containers[0].env[3].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].env[4].valueFrom.configMapKeyRef.name: Required value',
      "spec.containers[0].env[4].valueFrom.configMapKeyRef.key: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });
});

describe('envFrom', () => {
  const suffix = Math.random().toString(36).slice(2, 7);
  const cm = `app-env-${suffix}`;
  const secret = `app-secret-${suffix}`;
  const podWith = (...envFrom: unknown[]) => podBuilder().containers(containerBuilder('a').set('envFrom', envFrom)).defaulted();
  const cases: { name: string; envFrom: unknown[]; want: string[] }[] = [
    { name: 'a ConfigMap, a Secret, a prefix', envFrom: [{ configMapRef: { name: cm } }, { secretRef: { name: secret, optional: true }, prefix: 'DB_' }], want: [] },
    { name: 'relaxed prefix: dots, dashes, a leading digit, spaces and symbols', envFrom: [{ configMapRef: { name: cm }, prefix: '1my.prefix-with space$' }], want: [] },
    { name: 'a name that will end in a dash is still a name (as Kubernetes masks it)', envFrom: [{ configMapRef: { name: `${cm}-` } }], want: [] },
    { name: 'neither source: reported on the list', envFrom: [{ prefix: 'X_' }], want: ['spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`'] },
    {
      name: 'both sources',
      envFrom: [{ configMapRef: { name: cm }, secretRef: { name: secret } }],
      want: ['spec.containers[0].envFrom: Invalid value: "": may not have more than one field specified at a time'],
    },
    {
      name: 'missing names',
      envFrom: [{ configMapRef: {} }, { secretRef: { name: '' } }],
      want: ['spec.containers[0].envFrom[0].configMapRef.name: Required value', 'spec.containers[0].envFrom[1].secretRef.name: Required value'],
    },
    {
      name: 'names that are no object names',
      envFrom: [{ configMapRef: { name: 'Bad_Name' } }, { secretRef: { name: 'a..b' } }],
      want: [
        `spec.containers[0].envFrom[0].configMapRef.name: Invalid value: "Bad_Name": ${msg.dns1123Subdomain}`,
        `spec.containers[0].envFrom[1].secretRef.name: Invalid value: "a..b": ${msg.dns1123Subdomain}`,
      ],
    },
    {
      name: "a prefix with '=' or outside printable ASCII",
      envFrom: [{ configMapRef: { name: cm }, prefix: 'A=' }, { secretRef: { name: secret }, prefix: 'TAB\t' }, { secretRef: { name: secret }, prefix: 'é_' }],
      want: [
        "spec.containers[0].envFrom[0].prefix: Invalid value: \"A=\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        "spec.containers[0].envFrom[1].prefix: Invalid value: \"TAB\\t\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        "spec.containers[0].envFrom[2].prefix: Invalid value: \"é_\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      ],
    },
    {
      name: 'every problem of one entry, in Kubernetes\' order',
      envFrom: [{ prefix: 'P=', configMapRef: { name: '' }, secretRef: {} }],
      want: [
        "spec.containers[0].envFrom[0].prefix: Invalid value: \"P=\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        'spec.containers[0].envFrom[0].configMapRef.name: Required value',
        'spec.containers[0].envFrom[0].secretRef.name: Required value',
        'spec.containers[0].envFrom: Invalid value: "": may not have more than one field specified at a time',
      ],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(specErrors(podWith(...c.envFrom)), c.want));

  test('init containers and pod templates are checked alike', () => {
    const pod = podBuilder().initContainer(containerBuilder('init').image('busybox').set('envFrom', [{}])).defaulted();
    assert.deepEqual(specErrors(pod), ['spec.initContainers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`']);
    const d = deploymentBuilder(`d-${suffix}`).defaulted() as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    d.spec.template.spec.containers[0]!['envFrom'] = [{ secretRef: { name: secret }, prefix: 'X=' }];
    assert.deepEqual(causes(validateObject('Deployment', d as unknown as KubeObject)), [
      "spec.template.spec.containers[0].envFrom[0].prefix: Invalid value: \"X=\": a valid environment variable name must consist only of printable ASCII characters other than '='",
    ]);
  });

  test('env names under the relaxed rule', () => {
    const pod = podBuilder().containers(
      containerBuilder('a').env('1.starts-with digit', 'x').env('HAS SPACE', 'x').env('UNI\u00e9', 'x').env('NL\n', 'x'),
    ).defaulted();
    assert.deepEqual(specErrors(pod), [
      "spec.containers[0].env[2].name: Invalid value: \"UNIé\": a valid environment variable name must consist only of printable ASCII characters other than '='",
      "spec.containers[0].env[3].name: Invalid value: \"NL\\n\": a valid environment variable name must consist only of printable ASCII characters other than '='",
    ]);
  });
});

describe('volumes and mounts', () => {
  test('the fluentd seed volumes are fine', () => {
    const pod = podBuilder().containers(containerBuilder('f').mount('varlog', '/var/log').mount('varlibdockercontainers', '/var/lib/docker/containers', { readOnly: true }))
      .volume('varlog', { hostPath: { path: '/var/log' } }).volume('varlibdockercontainers', { hostPath: { path: '/var/lib/docker/containers' } })
      .defaulted();
    assert.deepEqual(specErrors(pod), []);
  });
  const cases: { name: string; pod: KubeObject; want: string[] }[] = [
    {
      name: 'a mount of a volume that does not exist',
      pod: podBuilder().containers(containerBuilder('a').mount('missing', '/m')).defaulted(),
      want: ['spec.containers[0].volumeMounts[0].name: Not found: "missing"'],
    },
    {
      name: 'duplicate volume names; mounts of the invalid one are not found',
      pod: podBuilder().containers(containerBuilder('a').mount('data', '/d')).volume('data').volume('data').defaulted(),
      want: ['spec.volumes[1].name: Duplicate value: "data"'],
    },
    {
      name: 'two sources',
      pod: podBuilder().volume('v', { emptyDir: {}, hostPath: { path: '/tmp' } }).defaulted(),
      want: ['spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type'],
    },
    {
      name: 'required source fields',
      pod: podBuilder().volume('h', { hostPath: {} }).volume('s', { secret: {} }).volume('c', { configMap: { defaultMode: 1000 } }).defaulted(),
      want: [
        'spec.volumes[0].hostPath.path: Required value',
        'spec.volumes[1].secret.secretName: Required value',
        'spec.volumes[2].configMap.name: Required value',
        'spec.volumes[2].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive',
      ],
    },
    {
      name: 'a volume name that is not a DNS label',
      pod: podBuilder().volume('Var_Log', { hostPath: { path: '/var/log' } }).defaulted(),
      want: [`spec.volumes[0].name: Invalid value: "Var_Log": ${msg.dns1123Label}`],
    },
    {
      name: 'mount paths required and unique',
      pod: podBuilder().containers(containerBuilder('a').mount('v', '').mount('v', '/x').mount('v', '/x')).volume('v').defaulted(),
      want: ['spec.containers[0].volumeMounts[0].mountPath: Required value', 'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/x": must be unique'],
    },
    {
      name: 'a host path with a back step',
      pod: podBuilder().volume('h', { hostPath: { path: '/var/../etc' } }).defaulted(),
      want: ['spec.volumes[0].hostPath.path: Invalid value: "/var/../etc": must not contain \'..\''],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(specErrors(c.pod), c.want));
});

describe('resources', () => {
  const cases: { name: string; c: ReturnType<typeof containerBuilder>; want: string[] }[] = [
    { name: 'the fluentd seed resources', c: containerBuilder('f').limits({ memory: '200Mi' }).requests({ cpu: '100m', memory: '200Mi' }), want: [] },
    {
      name: 'requests above limits',
      c: containerBuilder('a').limits({ cpu: '1' }).requests({ cpu: '2' }),
      want: ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    },
    {
      name: 'a quantity that does not parse (a pod copies its limits into requests)',
      c: containerBuilder('a').limits({ memory: 'lots' }),
      want: [
        "spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      ],
    },
    {
      name: 'a negative request',
      c: containerBuilder('a').requests({ cpu: '-100m' }),
      want: ['spec.containers[0].resources.requests[cpu]: Invalid value: "-100m": must be greater than or equal to 0'],
    },
    {
      name: 'an unknown resource name',
      c: containerBuilder('a').requests({ gpu: '1' }),
      want: ['spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers'],
    },
    {
      name: 'an extended resource needs an equal limit',
      c: containerBuilder('a').requests({ 'example.com/gpu': '1' }),
      want: ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources'],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(specErrors(podBuilder().containers(c.c).defaulted()), c.want));
});

describe('probes', () => {
  const cases: { name: string; kind: 'livenessProbe' | 'readinessProbe' | 'startupProbe'; probe: Record<string, unknown>; want: string[] }[] = [
    { name: 'no handler', kind: 'livenessProbe', probe: { periodSeconds: 5 }, want: ['spec.containers[0].livenessProbe: Required value: must specify a handler type'] },
    {
      name: 'two handlers',
      kind: 'readinessProbe',
      probe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } },
      want: ['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'],
    },
    { name: 'empty exec', kind: 'livenessProbe', probe: { exec: {} }, want: ['spec.containers[0].livenessProbe.exec.command: Required value'] },
    {
      name: 'a bad port and negative period',
      kind: 'readinessProbe',
      probe: { httpGet: { port: 0 }, periodSeconds: -1 },
      want: [`spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: ${msg.portRange}`, 'spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0'],
    },
    { name: 'liveness success threshold', kind: 'livenessProbe', probe: { tcpSocket: { port: 'web' }, successThreshold: 2 }, want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'] },
    { name: 'readiness may succeed more than once', kind: 'readinessProbe', probe: { tcpSocket: { port: 80 }, successThreshold: 3 }, want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(specErrors(podBuilder().containers(containerBuilder('a').probe(c.kind, c.probe)).defaulted()), c.want));
  }
});

describe('pod-level fields', () => {
  const cases: { name: string; pod: KubeObject; want: string[] }[] = [
    { name: 'restart policy', pod: podBuilder().restartPolicy('Sometimes').defaulted(), want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
    {
      name: 'dns policy',
      pod: podBuilder().podField('dnsPolicy', 'Google').defaulted(),
      want: ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
    },
    { name: 'node selector labels', pod: podBuilder().nodeSelector({ 'run DS': 'ok' }).defaulted(), want: [`spec.nodeSelector: Invalid value: "run DS": ${msg.qualifiedNamePart}`] },
    { name: 'active deadline', pod: podBuilder().podField('activeDeadlineSeconds', 0).defaulted(), want: ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'] },
    { name: 'node name', pod: podBuilder().podField('nodeName', 'Kube_Node').defaulted(), want: [`spec.nodeName: Invalid value: "Kube_Node": ${msg.dns1123Subdomain}`] },
    {
      name: 'tolerations',
      pod: podBuilder().podField('tolerations', [
        { operator: 'Equal', value: 'x' },
        { key: 'k', operator: 'Exists', value: 'v' },
        { key: 'k', operator: 'Near' },
        { key: 'k', effect: 'NoSchedule', tolerationSeconds: 30 },
        { key: 'k', effect: 'Never' },
      ]).defaulted(),
      want: [
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
        'spec.tolerations[1].operator: Invalid value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\'',
        'spec.tolerations[2].operator: Unsupported value: "Near": supported values: "Equal", "Exists"',
        "spec.tolerations[3].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
        'spec.tolerations[4].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      ],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(specErrors(c.pod), c.want));
  test('every error of a broken pod at once', () => {
    const pod = podBuilder('Broken_Pod').containers({ name: 'A', ports: [{ containerPort: 0 }] }, { name: 'A', image: 'x' }).restartPolicy('Maybe').defaulted();
    assert.deepEqual(fields(validateObject('Pod', pod)), [
      'metadata.name',
      'spec.containers[0].name',
      'spec.containers[0].image',
      'spec.containers[0].ports[0].containerPort',
      'spec.containers[1].name',
      'spec.containers[1].name',
      'spec.restartPolicy',
    ]);
  });
});

describe('pod updates', () => {
  const base = (): ReturnType<typeof podBuilder> => podBuilder('web').uid('u').containers(containerBuilder('app').image('nginx').port(80)).podField('tolerations', [{ key: 'a', operator: 'Exists' }]);
  test('the image may change', () => {
    const old = base().defaulted();
    const next = base().containers(containerBuilder('app').image('httpd').port(80)).defaulted();
    assert.deepEqual(validateObjectUpdate('Pod', next, old), []);
  });
  test('labels and annotations may change', () => {
    assert.deepEqual(validateObjectUpdate('Pod', base().labels({ x: 'y' }).defaulted(), base().defaulted()), []);
  });
  test('tolerations may be added, not changed', () => {
    const old = base().defaulted();
    const added = base().podField('tolerations', [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }]).defaulted();
    assert.deepEqual(validateObjectUpdate('Pod', added, old), []);
    const changed = base().podField('tolerations', [{ key: 'c', operator: 'Exists' }]).defaulted();
    assert.deepEqual(causes(validateObjectUpdate('Pod', changed, old)), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']);
  });
  test('scheduling gates may be removed, not added', () => {
    const gates = (...names: string[]) => names.map((name) => ({ name }));
    const old = base().podField('schedulingGates', gates('a', 'b')).defaulted();
    assert.deepEqual(validateObjectUpdate('Pod', base().podField('schedulingGates', gates('b')).defaulted(), old), []);
    assert.deepEqual(validateObjectUpdate('Pod', base().defaulted(), old), []);
    assert.deepEqual(causes(validateObjectUpdate('Pod', base().podField('schedulingGates', gates('a', 'c', 'b')).defaulted(), old)), [
      "spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'c'",
    ]);
    assert.deepEqual(causes(validateObjectUpdate('Pod', base().podField('schedulingGates', gates('x')).defaulted(), base().defaulted())), [
      "spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate 'x'",
    ]);
  });
  test('activeDeadlineSeconds may be set and lowered, not raised', () => {
    const old = base().podField('activeDeadlineSeconds', 100).defaulted();
    assert.deepEqual(validateObjectUpdate('Pod', base().podField('activeDeadlineSeconds', 50).defaulted(), old), []);
    assert.deepEqual(causes(validateObjectUpdate('Pod', base().podField('activeDeadlineSeconds', 200).defaulted(), old)), [
      'spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value',
    ]);
  });
  test('anything else is forbidden, with Kubernetes’ message and a diff', () => {
    const old = base().defaulted();
    const next = base().containers(containerBuilder('app').image('nginx').port(8080)).defaulted();
    const errs = validateObjectUpdate('Pod', next, old);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.field, 'spec');
    assert.equal(errs[0]!.type, 'FieldValueForbidden');
    const [first, ...diff] = errs[0]!.detail.split('\n');
    assert.equal(first, 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)');
    assert.deepEqual(diff, ['- spec.containers[0].ports[0].containerPort: 80', '+ spec.containers[0].ports[0].containerPort: 8080']);
  });
  test('containers may not be added', () => {
    const next = base().container(containerBuilder('sidecar')).defaulted();
    assert.deepEqual(causes(validateObjectUpdate('Pod', next, base().defaulted())), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  });
  test('an emptied image is required (reported once)', () => {
    const next = base().containers(containerBuilder('app').image('').port(80)).defaulted();
    assert.deepEqual(causes(validateObjectUpdate('Pod', next, base().defaulted())), ['spec.containers[0].image: Required value']);
  });
});
