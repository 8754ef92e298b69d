// Pods: status, readiness, restarts, node and labels, live; one pod's details and a log tail
// that follows (pods/log with follow=true), each line added as text.
import { h, table, chips, problem, reconcile, ElementCache } from './dom.js';
import { byName, livePage } from './live.js';
import { age, isReady, podState, podStatus, restarts } from './format.js';
import { request, readLines, Collection } from './api.js';

const MAX_LOG_LINES = 1000;

function podRow(p) {
  const cs = p.status?.containerStatuses ?? [];
  return h('tr', { 'data-pod': p.metadata.name, class: podState(p) },
    h('td', {}, h('a', { href: `#/pod/${encodeURIComponent(p.metadata.namespace)}/${encodeURIComponent(p.metadata.name)}` }, p.metadata.name)),
    h('td', {}, p.metadata.namespace),
    h('td', { class: 'status' }, podStatus(p)),
    h('td', {}, `${cs.filter((c) => c.ready).length}/${p.spec?.containers?.length ?? 0}`),
    h('td', { class: 'restarts' }, String(restarts(p))),
    h('td', {}, p.spec?.nodeName ?? ''),
    h('td', {}, p.status?.podIP ?? ''),
    h('td', { class: 'age' }),
    h('td', { class: 'labels' }, chips(p.metadata.labels)));
}

export function mount(view, { ns }) {
  // One table for the page's life: each redraw rebuilds only the rows of pods that changed.
  const rows = new ElementCache(podRow);
  const tbody = h('tbody');
  const count = h('small');
  const section = h('section', {}, h('h1', {}, 'Pods', count),
    h('div', { class: 'scroll' }, h('table', { id: 'pods' },
      h('thead', {}, h('tr', {}, ['Name', 'Namespace', 'Status', 'Ready', 'Restarts', 'Node', 'IP', 'Age', 'Labels'].map((x) => h('th', {}, x)))), tbody)));
  return livePage(view, { pods: ['', 'v1', 'pods'] }, ns, ({ pods }) => {
    const items = pods.items.sort(byName);
    const drawn = items.map((p) => rows.get(p));
    reconcile(tbody, drawn);
    rows.sweep();
    // Ages move on by themselves: only their text is touched, not the rows.
    drawn.forEach((tr, i) => {
      const cell = tr.querySelector('td.age');
      const text = age(items[i].metadata.creationTimestamp);
      if (cell.textContent !== text) cell.textContent = text;
    });
    count.textContent = ` (${items.length})`;
    return section;
  });
}

/** One pod, live, with its log. */
export function mountPod(view, { params }) {
  const [ns, name] = params;
  const abort = new AbortController();
  const details = h('div', { id: 'pod-details' }, h('p', { class: 'loading' }, 'Loading…'));
  const log = h('pre', { id: 'log', class: 'log' });
  const picker = h('select', { id: 'container' });
  const logState = h('small', { id: 'log-state' });
  view.replaceChildren(h('section', {}, h('h1', {}, 'Pod ', h('span', { id: 'pod-name' }, name), h('small', {}, ` ${ns}`)), details,
    h('h2', {}, 'Log ', picker, ' ', logState), log));
  let following;
  const follow = async (container) => {
    following?.abort();
    const mine = (following = new AbortController());
    log.replaceChildren();
    logState.textContent = 'following';
    const q = new URLSearchParams({ follow: 'true', tailLines: '200', container });
    try {
      const res = await request(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/log?${q}`, { signal: mine.signal, headers: { Accept: '*/*' } });
      await readLines(res, (line) => {
        log.appendChild(document.createTextNode(`${line}\n`));
        while (log.childNodes.length > MAX_LOG_LINES) log.firstChild.remove();
        log.scrollTop = log.scrollHeight;
      });
      if (!mine.signal.aborted) logState.textContent = 'ended';
    } catch (err) {
      if (!mine.signal.aborted) {
        logState.textContent = '';
        log.replaceChildren(problem(err));
      }
    }
  };
  picker.addEventListener('change', () => void follow(picker.value));
  // The pod itself, watched through a one-object collection (fieldSelector on its name).
  const col = new Collection(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`, () => {
    if (col.error) return details.replaceChildren(problem(col.error));
    const p = col.items[0];
    if (!p) return details.replaceChildren(h('p', { class: 'none' }, 'This pod does not exist (any more).'));
    if (picker.options.length === 0) {
      for (const c of p.spec?.containers ?? []) picker.appendChild(h('option', { value: c.name }, c.name));
      if (picker.value) void follow(picker.value);
    }
    details.replaceChildren(
      h('dl', {},
        h('dt', {}, 'Status'), h('dd', { class: 'status' }, podStatus(p), isReady(p) ? ' (ready)' : ''),
        h('dt', {}, 'Node'), h('dd', {}, p.spec?.nodeName ?? '(not scheduled)'),
        h('dt', {}, 'IP'), h('dd', {}, p.status?.podIP ?? ''),
        h('dt', {}, 'Restarts'), h('dd', {}, String(restarts(p))),
        h('dt', {}, 'Created'), h('dd', {}, `${age(p.metadata.creationTimestamp)} ago`),
        h('dt', {}, 'Labels'), h('dd', { class: 'labels' }, chips(p.metadata.labels)),
        h('dt', {}, 'Annotations'), h('dd', { class: 'annotations' }, chips(p.metadata.annotations, 'annotation'))),
      table(['Container', 'Image', 'State', 'Ready', 'Restarts'], (p.status?.containerStatuses ?? []).map((c) => [
        c.name, c.image, Object.keys(c.state ?? {})[0] ?? '', c.ready ? 'yes' : 'no', String(c.restartCount ?? 0)])));
  }).start();
  return () => {
    abort.abort();
    following?.abort();
    col.stop();
  };
}
