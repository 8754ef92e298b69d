// Nodes: capacity, allocatable, what pods request of it, conditions and pod count.
import { h, table } from './dom.js';
import { livePage } from './live.js';
import { bytes, cpu, podRequests, quantity } from './format.js';

export function mount(view, { ns }) {
  return livePage(view, { nodes: ['', 'v1', 'nodes', true], pods: ['', 'v1', 'pods'] }, ns, ({ nodes, pods }) => {
    const onNode = new Map();
    for (const p of pods.items) {
      if (!p.spec?.nodeName || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const list = onNode.get(p.spec.nodeName) ?? [];
      list.push(p);
      onNode.set(p.spec.nodeName, list);
    }
    const rows = nodes.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)).map((n) => {
      const cap = n.status?.capacity ?? {};
      const alloc = n.status?.allocatable ?? {};
      const mine = onNode.get(n.metadata.name) ?? [];
      const req = mine.map(podRequests).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
      const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
      const conditions = (n.status?.conditions ?? []).map((c) => {
        const bad = c.type === 'Ready' ? c.status !== 'True' : c.status === 'True';
        return h('span', { class: bad ? 'cond bad' : 'cond', title: c.message ?? '' }, `${c.type}=${c.status}`);
      });
      return h('tr', { 'data-node': n.metadata.name },
        h('td', {}, n.metadata.name),
        h('td', { class: ready?.status === 'True' ? 'ok' : 'bad' }, ready?.status === 'True' ? 'Ready' : 'NotReady', n.spec?.unschedulable ? ',SchedulingDisabled' : ''),
        h('td', {}, `${cpu(quantity(cap.cpu))} / ${cpu(quantity(alloc.cpu))}`, h('br'), h('small', {}, `requested ${cpu(req.cpu)}`)),
        h('td', {}, `${bytes(quantity(cap.memory))} / ${bytes(quantity(alloc.memory))}`, h('br'), h('small', {}, `requested ${bytes(req.memory)}`)),
        h('td', { class: 'pods-count' }, `${mine.length} / ${alloc.pods ?? cap.pods ?? '?'}`),
        // Usage: filled from metrics.k8s.io once the Metrics API is served (issue 19, items 1-2).
        h('td', { class: 'usage', title: 'needs the Metrics API (metrics.k8s.io), not served yet' }, '—'),
        h('td', {}, conditions));
    });
    return h('section', {}, h('h1', {}, 'Nodes'),
      table(['Name', 'Status', 'CPU cap / alloc', 'Memory cap / alloc', 'Pods', 'Usage', 'Conditions'], rows, { id: 'nodes' }),
      ns ? h('p', { class: 'note' }, `Pod counts and requests are of namespace ${ns} only.`) : null);
  });
}
