/** Which Ingresses a controller serves (by class name, legacy annotation or default class), and
 * which class the DefaultIngressClass admission picks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ingress, IngressClass } from '../../src/api/kinds.js';
import { ingressClassOf, isIngressOf } from '../../src/api/ingressclass.js';
import { defaultClass } from '../../src/apiserver/registry/networking/index.js';

const cls = (name: string, controller: string, opts: { isDefault?: boolean; created?: string } = {}): IngressClass => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
  metadata: { name, creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z', ...(opts.isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
  spec: { controller },
});
const ing = (className?: string, annotation?: string): Ingress => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
  metadata: { name: 'i', namespace: 'ns', ...(annotation ? { annotations: { 'kubernetes.io/ingress.class': annotation } } : {}) },
  spec: { ...(className ? { ingressClassName: className } : {}), defaultBackend: { service: { name: 's', port: { number: 80 } } } },
});

test('an Ingress belongs to the controller of its class, its annotation\'s class, or the default class', () => {
  const classes = [cls('skiff', 'skiff.io/ingress', { isDefault: true }), cls('nginx', 'k8s.io/ingress-nginx')];
  const cases: { name: string; ingress: Ingress; want: string | undefined; ours: boolean }[] = [
    { name: 'by name', ingress: ing('skiff'), want: 'skiff', ours: true },
    { name: 'another class by name', ingress: ing('nginx'), want: 'nginx', ours: false },
    { name: 'by the legacy annotation', ingress: ing(undefined, 'nginx'), want: 'nginx', ours: false },
    { name: 'no class: the default one', ingress: ing(), want: 'skiff', ours: true },
    { name: 'a class that does not exist', ingress: ing('gone'), want: undefined, ours: false },
  ];
  for (const c of cases) {
    assert.equal(ingressClassOf(c.ingress, classes)?.metadata.name, c.want, c.name);
    assert.equal(isIngressOf('skiff.io/ingress', c.ingress, classes), c.ours, c.name);
  }
});

test('the default class: only annotated ones, the newest of several, none without', () => {
  assert.equal(defaultClass([cls('a', 'x.io/a'), cls('b', 'x.io/b')]), undefined);
  assert.equal(defaultClass([cls('a', 'x.io/a', { isDefault: true }), cls('b', 'x.io/b')])?.metadata.name, 'a');
  const older = cls('older', 'x.io/a', { isDefault: true, created: '2026-01-01T00:00:00Z' });
  const newer = cls('newer', 'x.io/b', { isDefault: true, created: '2026-03-01T00:00:00Z' });
  assert.equal(defaultClass([older, newer])?.metadata.name, 'newer');
  assert.equal(defaultClass([newer, older])?.metadata.name, 'newer');
});
