// Services with their endpoints, from EndpointSlices (discovery.k8s.io/v1), live.
import { h, table } from './dom.js';
import { byName, livePage } from './live.js';

const SERVICE_NAME = 'kubernetes.io/service-name';

function endpointsOf(svc, slices) {
  const out = [];
  for (const s of slices) {
    if (s.metadata.namespace !== svc.metadata.namespace || s.metadata.labels?.[SERVICE_NAME] !== svc.metadata.name) continue;
    const ports = (s.ports ?? []).map((p) => p.port).filter((p) => p !== undefined);
    for (const e of s.endpoints ?? []) {
      const ready = e.conditions?.ready !== false;
      for (const a of e.addresses ?? []) {
        const text = ports.length ? ports.map((p) => `${a}:${p}`).join(', ') : a;
        out.push(h('span', { class: ready ? 'endpoint ready' : 'endpoint notready', title: e.targetRef?.name ?? '' }, text, ready ? '' : ' (not ready)'));
      }
    }
  }
  return out.length ? out : h('span', { class: 'none' }, '<none>');
}

export function mount(view, { ns }) {
  return livePage(view, { services: ['', 'v1', 'services'], slices: ['discovery.k8s.io', 'v1', 'endpointslices'] }, ns, ({ services, slices }) => {
    const rows = services.items.sort(byName).map((s) => h('tr', { 'data-service': s.metadata.name },
      h('td', {}, s.metadata.name),
      h('td', {}, s.metadata.namespace),
      h('td', {}, s.spec?.type ?? 'ClusterIP'),
      h('td', {}, s.spec?.clusterIP ?? ''),
      h('td', {}, (s.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(', ')),
      h('td', { class: 'endpoints' }, endpointsOf(s, slices.items))));
    return h('section', {}, h('h1', {}, 'Services'), table(['Name', 'Namespace', 'Type', 'Cluster IP', 'Ports', 'Endpoints'], rows, { id: 'services' }));
  });
}
