/** Services and endpoints: ports, types, cluster IPs, affinity, traffic policies, updates. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { causes, msg, objectBuilder, serviceBuilder } from '../helpers/builders.js';

const errs = (o: KubeObject): string[] => causes(validateObject('Service', o));

describe('valid services', () => {
  const cases: [string, KubeObject][] = [
    ['the seed NodePort service', serviceBuilder('nginx-service').type('NodePort').selector({ hello: 'world' }).ports({ protocol: 'TCP', port: 80, nodePort: 30088 }).defaulted()],
    ['an exposed RC on another port', serviceBuilder('nginx-services').type('NodePort').ports({ port: 30188, targetPort: 80 }).defaulted()],
    ['a LoadBalancer', serviceBuilder('my-second-service').type('LoadBalancer').ports({ port: 80 }).defaulted()],
    ['a headless service without ports', serviceBuilder('db').clusterIP('None').ports().defaulted()],
    ['named ports and a named target', serviceBuilder('multi').ports({ name: 'http', port: 80, targetPort: 'web' }, { name: 'dns', port: 53, protocol: 'UDP' }).defaulted()],
    ['an allocated IP', serviceBuilder('s').clusterIP('10.96.0.12').defaulted()],
    ['ExternalName', serviceBuilder('ext').type('ExternalName').set('spec.externalName', 'db.example.com.').ports().selector(undefined).defaulted()],
    ['ClientIP affinity', serviceBuilder('sticky').set('spec.sessionAffinity', 'ClientIP').defaulted()],
  ];
  for (const [name, svc] of cases) test(name, () => assert.deepEqual(errs(svc), []));
});

describe('invalid services', () => {
  const cases: { name: string; svc: KubeObject; want: string[] }[] = [
    { name: 'no ports', svc: serviceBuilder('s').ports().defaulted(), want: ['spec.ports: Required value'] },
    {
      name: 'port out of range and bad protocol',
      svc: serviceBuilder('s').ports({ port: 0, protocol: 'ICMP', targetPort: 70000 }).defaulted(),
      want: [
        `spec.ports[0].port: Invalid value: 0: ${msg.portRange}`,
        'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        `spec.ports[0].targetPort: Invalid value: 70000: ${msg.portRange}`,
      ],
    },
    {
      name: 'several ports need names, unique ones',
      svc: serviceBuilder('s').ports({ port: 80 }, { name: 'a', port: 81 }, { name: 'a', port: 82 }).defaulted(),
      want: ['spec.ports[0].name: Required value', 'spec.ports[2].name: Duplicate value: "a"'],
    },
    {
      name: 'a target port name that is not an IANA name',
      svc: serviceBuilder('s').ports({ port: 80, targetPort: 'Web_Port' }).defaulted(),
      want: ['spec.ports[0].targetPort: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
    },
    {
      name: 'the same port twice',
      svc: serviceBuilder('s').ports({ name: 'a', port: 80 }, { name: 'b', port: 80 }).defaulted(),
      want: ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'],
    },
    {
      name: 'a node port on a ClusterIP service',
      svc: serviceBuilder('s').ports({ port: 80, nodePort: 30080 }).defaulted(),
      want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    },
    {
      name: 'the same node port twice',
      svc: serviceBuilder('s').type('NodePort').ports({ name: 'a', port: 80, nodePort: 30088 }, { name: 'b', port: 81, nodePort: 30088 }).defaulted(),
      want: ['spec.ports[1].nodePort: Duplicate value: 30088'],
    },
    { name: 'an unknown type', svc: serviceBuilder('s').type('Internal').defaulted(), want: ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
    {
      name: 'an unknown session affinity',
      svc: serviceBuilder('s').set('spec.sessionAffinity', 'Cookie').defaulted(),
      want: ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'],
    },
    {
      name: 'a cluster IP that is not an IP',
      svc: serviceBuilder('s').clusterIP('10.0.0.300').defaulted(),
      want: ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    },
    {
      name: 'a headless NodePort',
      svc: serviceBuilder('s').type('NodePort').clusterIP('None').defaulted(),
      want: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
    },
    {
      name: 'ExternalName without a name',
      svc: serviceBuilder('s').type('ExternalName').ports().defaulted(),
      want: ['spec.externalName: Required value'],
    },
    {
      name: 'externalTrafficPolicy on a ClusterIP service',
      svc: serviceBuilder('s').set('spec.externalTrafficPolicy', 'Local').defaulted(),
      want: ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    },
    { name: 'a selector with a bad value', svc: serviceBuilder('s').selector({ app: 'hello world' }).defaulted(), want: [`spec.selector: Invalid value: "hello world": ${msg.labelValue}`] },
    {
      name: 'a name that starts with a digit',
      svc: serviceBuilder('80-web').defaulted(),
      want: [`metadata.name: Invalid value: "80-web": ${msg.dns1035Label}`],
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(errs(c.svc), c.want));
});

describe('service updates', () => {
  const stored = (): KubeObject => serviceBuilder('web').uid('u').type('NodePort').clusterIP('10.96.0.10').ports({ port: 80, nodePort: 30500 }).defaulted();
  test('ports and selector may change', () => {
    const next = serviceBuilder('web').uid('u').type('NodePort').clusterIP('10.96.0.10').ports({ port: 8080, nodePort: 30500 }).selector({ app: 'new' }).defaulted();
    assert.deepEqual(validateObjectUpdate('Service', next, stored()), []);
  });
  test('the cluster IP may not change', () => {
    const next = serviceBuilder('web').uid('u').type('NodePort').clusterIP('10.96.0.99').ports({ port: 80, nodePort: 30500 }).defaulted();
    assert.deepEqual(causes(validateObjectUpdate('Service', next, stored())), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set']);
  });
  test('turning into an ExternalName releases the IP', () => {
    const next = serviceBuilder('web').uid('u').type('ExternalName').set('spec.externalName', 'example.com').ports().defaulted();
    assert.deepEqual(validateObjectUpdate('Service', next, stored()), []);
  });
});

describe('endpoints', () => {
  test('valid, loopback pod addresses included (process runtime)', () => {
    const ep = objectBuilder('v1', 'Endpoints', 'nginx-service').set('subsets', [
      { addresses: [{ ip: '127.0.1.5', nodeName: 'kube-node1', targetRef: { kind: 'Pod', name: 'p' } }], notReadyAddresses: [{ ip: '10.244.1.7' }], ports: [{ port: 80 }] },
    ]).defaulted();
    assert.deepEqual(causes(validateObject('Endpoints', ep)), []);
  });
  test('invalid', () => {
    const ep = objectBuilder('v1', 'Endpoints', 'svc').set('subsets', [
      { ports: [{ port: 80 }] },
      { addresses: [{ ip: 'nowhere' }], ports: [{ port: 80 }, { name: 'b', port: 0, protocol: 'ICMP' }] },
    ]).defaulted();
    assert.deepEqual(causes(validateObject('Endpoints', ep)), [
      'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
      'subsets[1].addresses[0].ip: Invalid value: "nowhere": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[1].ports[0].name: Required value',
      `subsets[1].ports[1].port: Invalid value: 0: ${msg.portRange}`,
      'subsets[1].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });
});
