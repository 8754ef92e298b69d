// Workloads, each with a live picture of its pods: Deployments by ReplicaSet and revision (old
// and new pods as a rollout moves them), ReplicationControllers (a rolling update is two RCs
// trading pods), DaemonSets by node, StatefulSets by ordinal, Jobs and CronJobs by run.
import { h } from './dom.js';
import { byName, livePage, ownedBy } from './live.js';
import { age, podState, podStatus } from './format.js';

const REVISION = 'deployment.kubernetes.io/revision';

function podChip(p, extra) {
  const state = podState(p);
  return h('a', { class: `pod ${state}`, href: `#/pod/${encodeURIComponent(p.metadata.namespace)}/${encodeURIComponent(p.metadata.name)}`, title: podStatus(p), 'data-pod': p.metadata.name, 'data-state': state },
    p.metadata.name, extra ? h('small', {}, ` ${extra}`) : null);
}

function podRow(pods, extra) {
  return h('div', { class: 'pods' }, pods.length ? pods.sort(byName).map((p) => podChip(p, extra?.(p))) : h('span', { class: 'none' }, 'no pods'));
}

function card(kind, o, summary, ...body) {
  const ns = o.metadata.namespace;
  return h('article', { class: 'workload', 'data-kind': kind, 'data-name': o.metadata.name },
    h('header', {}, h('span', { class: 'kind' }, kind), ' ', h('strong', {}, o.metadata.name), ns ? h('small', {}, ` ${ns}`) : null,
      h('span', { class: 'summary' }, summary)),
    ...body);
}

function images(template) {
  return (template?.spec?.containers ?? []).map((c) => c.image).join(', ');
}

function deployment(d, rss, pods) {
  const mine = ownedBy(rss, d).sort((a, b) => Number(b.metadata.annotations?.[REVISION] ?? 0) - Number(a.metadata.annotations?.[REVISION] ?? 0));
  const s = d.status ?? {};
  return card('Deployment', d, `${s.readyReplicas ?? 0}/${d.spec?.replicas ?? 1} ready, ${s.updatedReplicas ?? 0} up to date`,
    ...mine.filter((rs) => (rs.spec?.replicas ?? 0) > 0 || ownedBy(pods, rs).length > 0 || rs === mine[0]).map((rs) =>
      h('div', { class: 'rs', 'data-rs': rs.metadata.name, 'data-revision': rs.metadata.annotations?.[REVISION] ?? '' },
        h('div', { class: 'rsline' }, `revision ${rs.metadata.annotations?.[REVISION] ?? '?'} · ${rs.metadata.name} · ${images(rs.spec?.template)} · ${rs.status?.readyReplicas ?? 0}/${rs.spec?.replicas ?? 0}`),
        podRow(ownedBy(pods, rs)))));
}

function replicated(kind, o, pods) {
  const s = o.status ?? {};
  return card(kind, o, `${s.readyReplicas ?? 0}/${o.spec?.replicas ?? 1} ready · ${images(o.spec?.template)}`, podRow(ownedBy(pods, o)));
}

function daemonSet(ds, pods) {
  const s = ds.status ?? {};
  return card('DaemonSet', ds, `${s.numberReady ?? 0}/${s.desiredNumberScheduled ?? 0} nodes ready · ${images(ds.spec?.template)}`,
    podRow(ownedBy(pods, ds), (p) => `on ${p.spec?.nodeName ?? '(unscheduled)'}`));
}

function job(j, pods) {
  const s = j.status ?? {};
  const done = (s.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return card('Job', j, `${done ? done.type : 'Running'} · ${s.succeeded ?? 0}/${j.spec?.completions ?? 1} succeeded, ${s.active ?? 0} active, ${s.failed ?? 0} failed`,
    podRow(ownedBy(pods, j)));
}

function cronJob(cj, jobs) {
  const mine = ownedBy(jobs, cj);
  return card('CronJob', cj, `${cj.spec?.schedule ?? ''}${cj.spec?.suspend ? ' (suspended)' : ''} · last ${cj.status?.lastScheduleTime ? age(cj.status.lastScheduleTime) + ' ago' : 'never'}`,
    h('div', { class: 'pods' }, mine.length ? mine.sort(byName).map((j) => h('span', { class: `pod ${(j.status?.succeeded ?? 0) > 0 ? 'succeeded' : 'running'}` }, j.metadata.name)) : h('span', { class: 'none' }, 'no jobs')));
}

export function mount(view, { ns }) {
  return livePage(view, {
    deployments: ['apps', 'v1', 'deployments'],
    replicasets: ['apps', 'v1', 'replicasets'],
    rcs: ['', 'v1', 'replicationcontrollers'],
    daemonsets: ['apps', 'v1', 'daemonsets'],
    statefulsets: ['apps', 'v1', 'statefulsets'],
    jobs: ['batch', 'v1', 'jobs'],
    cronjobs: ['batch', 'v1', 'cronjobs'],
    pods: ['', 'v1', 'pods'],
  }, ns, (c) => {
    const pods = c.pods.items;
    const rss = c.replicasets.items;
    // ReplicaSets a Deployment owns are shown inside it.
    const loneRss = rss.filter((rs) => !(rs.metadata.ownerReferences ?? []).some((r) => r.controller));
    const jobs = c.jobs.items;
    const loneJobs = jobs.filter((j) => !(j.metadata.ownerReferences ?? []).some((r) => r.controller && r.kind === 'CronJob'));
    const section = (title, cards) => h('section', { class: 'kind-section' }, h('h2', {}, title, h('small', {}, ` (${cards.length})`)), cards.length ? h('div', { class: 'cards' }, cards) : h('p', { class: 'none' }, 'none'));
    return h('div', {}, h('h1', {}, 'Workloads'),
      section('Deployments', c.deployments.items.sort(byName).map((d) => deployment(d, rss, pods))),
      section('ReplicaSets', loneRss.sort(byName).map((rs) => replicated('ReplicaSet', rs, pods))),
      section('ReplicationControllers', c.rcs.items.sort(byName).map((rc) => replicated('ReplicationController', rc, pods))),
      section('DaemonSets', c.daemonsets.items.sort(byName).map((ds) => daemonSet(ds, pods))),
      section('StatefulSets', c.statefulsets.items.sort(byName).map((s) => replicated('StatefulSet', s, pods))),
      section('Jobs', loneJobs.sort(byName).map((j) => job(j, pods))),
      section('CronJobs', c.cronjobs.items.sort(byName).map((cj) => cronJob(cj, jobs))));
  });
}
