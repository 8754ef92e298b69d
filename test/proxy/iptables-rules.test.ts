/** The iptables proxy's pure half: Services + Endpoints → chains (table-driven), and the restore
 * text between two rule sets — only what changed is rewritten. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Endpoints, Service } from '../../src/api/kinds.js';
import {
  buildRuleSet, deleteText, endpointChainName, restoreText, serviceChainName, shareOf, skiffChainsIn, type RuleSet,
} from '../../src/proxy/iptables/index.js';
import { serviceBuilder } from '../helpers/builders.js';

type Obj = Record<string, unknown>;

function svc(name: string, clusterIP: string, ports: Obj[], extra: Record<string, unknown> = {}): Service {
  const b = serviceBuilder(name).namespace('shop').clusterIP(clusterIP).ports(...ports);
  for (const [k, v] of Object.entries(extra)) b.set(k, v);
  return b.build() as unknown as Service;
}

function eps(name: string, ips: readonly string[], ports: Obj[], notReady: readonly string[] = []): Endpoints {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'shop' },
    subsets: ips.length || notReady.length
      ? [{ addresses: ips.map((ip) => ({ ip })), ...(notReady.length ? { notReadyAddresses: notReady.map((ip) => ({ ip })) } : {}), ports: ports as never }]
      : [],
  };
}

/** The slices the mirroring controller would make of `ep`: one per subset. */
function slicesOf(ep: Endpoints | undefined): EndpointSlice[] {
  return (ep?.subsets ?? []).map((ss) => ({
    metadata: { name: ep!.metadata.name, namespace: ep!.metadata.namespace },
    addressType: 'IPv4',
    ports: (ss.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: [...(ss.addresses ?? []).map((a) => ({ addresses: [a.ip], conditions: { ready: true } })), ...(ss.notReadyAddresses ?? []).map((a) => ({ addresses: [a.ip], conditions: { ready: false } }))],
  }));
}

const build = (services: Service[], endpoints: Endpoints[], clusterCidr?: string): RuleSet => {
  const byName = new Map(endpoints.map((e) => [e.metadata.name, e]));
  return buildRuleSet(services, (s) => slicesOf(byName.get(s.metadata.name)), clusterCidr ? { clusterCidr } : {});
};

const rules = (rs: RuleSet, table: 'nat' | 'filter', chain: string): readonly string[] => rs[table].get(chain) ?? [];
const svcChain = (port: string, proto = 'TCP') => serviceChainName(`shop/${port}`, proto);
const sepChain = (port: string, ep: string, proto = 'TCP') => endpointChainName(`shop/${port}`, proto, ep);
const serviceChains = (rs: RuleSet): string[] => [...rs.nat.keys()].filter((c) => /^SKIFF-(SVC|SEP)-/.test(c));

interface Case {
  readonly name: string;
  readonly services: Service[];
  readonly endpoints: Endpoints[];
  readonly clusterCidr?: string;
  check(rs: RuleSet): void;
}

const cases: Case[] = [
  {
    name: 'ClusterIP: one SVC chain spreading evenly over three SEP chains that DNAT',
    services: [svc('cart', '10.96.4.10', [{ name: 'http', port: 80, targetPort: 8080 }])],
    endpoints: [eps('cart', ['10.42.1.5', '10.42.2.6', '10.42.3.7'], [{ name: 'http', port: 8080 }])],
    check(rs) {
      const chain = svcChain('cart:http');
      assert.ok(rules(rs, 'nat', 'SKIFF-SERVICES').some((r) => r.startsWith('-d 10.96.4.10/32 ') && r.endsWith(`-p tcp -m tcp --dport 80 -j ${chain}`)));
      const spread = rules(rs, 'nat', chain).map((r) => /(--probability \S+ )?-j (\S+)$/.exec(r)!.slice(1));
      assert.deepEqual(spread, [
        ['--probability 0.3333333333 ', sepChain('cart:http', '10.42.1.5:8080')],
        ['--probability 0.5000000000 ', sepChain('cart:http', '10.42.2.6:8080')],
        [undefined, sepChain('cart:http', '10.42.3.7:8080')],
      ]);
      const sep = rules(rs, 'nat', sepChain('cart:http', '10.42.2.6:8080'));
      assert.match(sep[0]!, /^-s 10\.42\.2\.6\/32 .* -j SKIFF-MARK-MASQ$/, 'hairpin mark');
      assert.match(sep[1]!, /-p tcp -m tcp -j DNAT --to-destination 10\.42\.2\.6:8080$/);
      assert.deepEqual(rules(rs, 'filter', 'SKIFF-SERVICES'), []);
      assert.equal(rules(rs, 'nat', 'SKIFF-SERVICES').at(-1)!.endsWith('! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j SKIFF-NODEPORTS'), true, 'node ports last');
    },
  },
  {
    name: 'multi-port: one SVC chain per port, endpoints matched by port name',
    services: [svc('db', '10.96.4.20', [{ name: 'sql', port: 5432 }, { name: 'metrics', port: 9187 }])],
    endpoints: [eps('db', ['10.42.1.9'], [{ name: 'sql', port: 5432 }])],
    check(rs) {
      assert.ok(rs.nat.has(svcChain('db:sql')));
      assert.ok(!rs.nat.has(svcChain('db:metrics')), 'no endpoints for metrics');
      assert.equal(rules(rs, 'filter', 'SKIFF-SERVICES').length, 1);
      assert.match(rules(rs, 'filter', 'SKIFF-SERVICES')[0]!, /-d 10\.96\.4\.20\/32 .*--dport 9187 -j REJECT/);
    },
  },
  {
    name: 'named target ports: the DNAT goes to the number the Endpoints carry',
    services: [svc('api', '10.96.4.30', [{ name: 'web', port: 80, targetPort: 'http-alt' }])],
    endpoints: [eps('api', ['10.42.5.1', '10.42.5.2'], [{ name: 'web', port: 8081 }])],
    check(rs) {
      for (const ip of ['10.42.5.1', '10.42.5.2']) {
        assert.match(rules(rs, 'nat', sepChain('api:web', `${ip}:8081`))[1]!, new RegExp(`DNAT --to-destination ${ip.replace(/\./g, '\\.')}:8081$`));
      }
    },
  },
  {
    name: 'no endpoints (or only not-ready ones) → REJECT in filter, nothing in nat',
    services: [svc('empty', '10.96.4.40', [{ port: 80 }], { 'spec.type': 'NodePort' }), svc('warming', '10.96.4.41', [{ port: 81 }])],
    endpoints: [eps('warming', [], [{ port: 81 }], ['10.42.6.1'])],
    check(rs) {
      assert.deepEqual(serviceChains(rs), []);
      const rejects = rules(rs, 'filter', 'SKIFF-SERVICES');
      assert.equal(rejects.length, 2, 'empty has no nodePort set here, so cluster IPs only');
      assert.ok(rejects.every((r) => r.endsWith('-j REJECT --reject-with icmp-port-unreachable')));
      assert.deepEqual(rules(rs, 'nat', 'SKIFF-NODEPORTS'), []);
    },
  },
  {
    name: 'NodePort: marked for masquerade and sent to the SVC chain from SKIFF-NODEPORTS',
    services: [svc('shopfront', '10.96.4.50', [{ name: 'http', port: 80, nodePort: 30777 }], { 'spec.type': 'NodePort' }),
      svc('dark', '10.96.4.51', [{ port: 80, nodePort: 30778 }], { 'spec.type': 'NodePort' })],
    endpoints: [eps('shopfront', ['10.42.7.1'], [{ name: 'http', port: 8080 }])],
    check(rs) {
      const np = rules(rs, 'nat', 'SKIFF-NODEPORTS');
      assert.equal(np.length, 2);
      assert.match(np[0]!, /--dport 30777 -j SKIFF-MARK-MASQ$/);
      assert.match(np[1]!, new RegExp(`--dport 30777 -j ${svcChain('shopfront:http')}$`));
      assert.ok(rules(rs, 'filter', 'SKIFF-SERVICES').some((r) => r.includes('-m addrtype --dst-type LOCAL') && r.includes('--dport 30778 -j REJECT')));
    },
  },
  {
    name: 'ClientIP affinity: recent checks before the spread, recent set at the DNAT',
    services: [svc('sticky', '10.96.4.60', [{ port: 443 }], { 'spec.sessionAffinity': 'ClientIP', 'spec.sessionAffinityConfig': { clientIP: { timeoutSeconds: 600 } } })],
    endpoints: [eps('sticky', ['10.42.8.1', '10.42.8.2'], [{ port: 8443 }])],
    check(rs) {
      const chain = rules(rs, 'nat', svcChain('sticky:'));
      const a = sepChain('sticky:', '10.42.8.1:8443');
      const b = sepChain('sticky:', '10.42.8.2:8443');
      assert.equal(chain.length, 4);
      assert.match(chain[0]!, new RegExp(`-m recent --name ${a} --rcheck --seconds 600 --reap -j ${a}$`));
      assert.match(chain[1]!, new RegExp(`-m recent --name ${b} --rcheck --seconds 600 --reap -j ${b}$`));
      assert.match(chain[2]!, /--probability 0\.5000000000/);
      assert.match(rules(rs, 'nat', a)[1]!, new RegExp(`-m recent --name ${a} --set -m tcp -j DNAT`));
    },
  },
  {
    name: 'headless and ExternalName services get no rules at all',
    services: [svc('peers', 'None', [{ port: 7000 }]), svc('ext', '', [{ port: 80 }], { 'spec.type': 'ExternalName', 'spec.externalName': 'example.org' })],
    endpoints: [eps('peers', ['10.42.9.1'], [{ port: 7000 }]), eps('ext', ['10.42.9.2'], [{ port: 80 }])],
    check(rs) {
      assert.deepEqual(serviceChains(rs), []);
      assert.equal(rules(rs, 'nat', 'SKIFF-SERVICES').length, 1, 'only the node ports jump');
      assert.deepEqual(rules(rs, 'filter', 'SKIFF-SERVICES'), []);
    },
  },
  {
    name: 'UDP: udp matches and a UDP flow per endpoint for conntrack',
    services: [svc('dns', '10.96.4.70', [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }])],
    endpoints: [eps('dns', ['10.42.10.1', '10.42.10.2'], [{ name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'dns-tcp', port: 5353, protocol: 'TCP' }])],
    check(rs) {
      assert.notEqual(svcChain('dns:dns', 'UDP'), svcChain('dns:dns-tcp', 'TCP'));
      assert.ok(rules(rs, 'nat', 'SKIFF-SERVICES').some((r) => r.endsWith(`-p udp -m udp --dport 53 -j ${svcChain('dns:dns', 'UDP')}`)));
      assert.match(rules(rs, 'nat', sepChain('dns:dns', '10.42.10.1:5353', 'UDP'))[1]!, /-p udp -m udp -j DNAT --to-destination 10\.42\.10\.1:5353$/);
      assert.deepEqual([...rs.udpFlows].sort(), ['10.96.4.70:53>10.42.10.1', '10.96.4.70:53>10.42.10.2']);
    },
  },
  {
    name: 'cluster CIDR: traffic to a cluster IP from outside the pod range is masqueraded first',
    services: [svc('cart', '10.96.4.10', [{ port: 80 }])],
    endpoints: [eps('cart', ['10.42.1.5'], [{ port: 8080 }])],
    clusterCidr: '10.42.0.0/16',
    check(rs) {
      assert.match(rules(rs, 'nat', svcChain('cart:'))[0]!, /^! -s 10\.42\.0\.0\/16 -d 10\.96\.4\.10\/32 .* -j SKIFF-MARK-MASQ$/);
    },
  },
];

describe('buildRuleSet', () => {
  for (const c of cases) test(c.name, () => c.check(build(c.services, c.endpoints, c.clusterCidr)));

  test('shareOf: 1/n, 1/(n-1), … gives each of n an even share', () => {
    for (const n of [2, 3, 5, 8]) {
      let left = 1;
      const shares: number[] = [];
      for (let i = 0; i < n - 1; i++) {
        const p = Number(shareOf(i, n));
        shares.push(left * p);
        left *= 1 - p;
      }
      shares.push(left);
      for (const s of shares) assert.ok(Math.abs(s - 1 / n) < 1e-9, `n=${n}: ${shares.join(',')}`);
    }
  });
});

describe('restoreText', () => {
  const two = (cartIPs: string[]): RuleSet => build(
    [svc('cart', '10.96.4.10', [{ port: 80 }]), svc('till', '10.96.4.11', [{ port: 80 }])],
    [eps('cart', cartIPs, [{ port: 8080 }]), eps('till', ['10.42.4.1', '10.42.4.2'], [{ port: 8080 }])],
  );

  test('first write declares and fills every chain, nothing deleted', () => {
    const rs = two(['10.42.1.1', '10.42.1.2']);
    const text = restoreText(undefined, rs);
    assert.match(text, /^\*nat\n:SKIFF-SERVICES - \[0:0\]\n/);
    assert.equal((text.match(/^COMMIT$/gm) ?? []).length, 2);
    assert.doesNotMatch(text, /^-X /m);
    for (const c of [...rs.nat.keys()]) assert.ok(text.includes(`:${c} - [0:0]`), c);
  });

  test('endpoint removal rewrites only that service\'s chains', () => {
    const before = two(['10.42.1.1', '10.42.1.2', '10.42.1.3']);
    const after = two(['10.42.1.1', '10.42.1.3']);
    const text = restoreText(before, after);
    const declared = [...text.matchAll(/^:(\S+)/gm)].map((m) => m[1]);
    const gone = sepChain('cart:', '10.42.1.2:8080');
    assert.deepEqual(declared, [svcChain('cart:'), gone]);
    assert.deepEqual([...text.matchAll(/^-X (\S+)/gm)].map((m) => m[1]), [gone]);
    assert.doesNotMatch(text, /\*filter/, 'filter untouched');
    assert.ok(!text.includes(svcChain('till:')), 'the other service untouched');
  });

  test('last endpoint gone: the service leaves nat, a REJECT appears in filter', () => {
    const text = restoreText(two(['10.42.1.1']), two([]));
    assert.match(text, /^\*nat\n:SKIFF-SERVICES - \[0:0\]\n/);
    assert.ok(text.includes(`-X ${svcChain('cart:')}`) && text.includes(`-X ${sepChain('cart:', '10.42.1.1:8080')}`));
    assert.match(text, /\*filter\n:SKIFF-SERVICES - \[0:0\]\n-A SKIFF-SERVICES -d 10\.96\.4\.10\/32 .*REJECT/);
  });

  test('no change: empty text', () => {
    assert.equal(restoreText(two(['10.42.1.1']), two(['10.42.1.1'])), '');
  });

  test('chains left by an earlier run are deleted on a full write', () => {
    const text = restoreText(undefined, two(['10.42.1.1']), { nat: ['SKIFF-SVC-0000000000000000', 'SKIFF-SERVICES'], filter: [] });
    assert.deepEqual([...text.matchAll(/^-X (\S+)/gm)].map((m) => m[1]), ['SKIFF-SVC-0000000000000000']);
  });

  test('skiffChainsIn and deleteText: every SKIFF chain from iptables-save, others ignored', () => {
    const save = '*filter\n:INPUT ACCEPT [0:0]\n:SKIFF-FORWARD - [0:0]\n:DOCKER - [0:0]\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:SKIFF-SERVICES - [0:0]\n:SKIFF-SVC-ABC - [0:0]\nCOMMIT\n';
    const found = skiffChainsIn(save);
    assert.deepEqual(found, { nat: ['SKIFF-SERVICES', 'SKIFF-SVC-ABC'], filter: ['SKIFF-FORWARD'] });
    assert.equal(deleteText(found), '*nat\n:SKIFF-SERVICES - [0:0]\n:SKIFF-SVC-ABC - [0:0]\n-X SKIFF-SERVICES\n-X SKIFF-SVC-ABC\nCOMMIT\n*filter\n:SKIFF-FORWARD - [0:0]\n-X SKIFF-FORWARD\nCOMMIT\n');
  });
});
