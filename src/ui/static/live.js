// A page's live data: several collections watched together, the page redrawn when any changes.
import { Collection, collectionPath } from './api.js';
import { h, problem, reconcile } from './dom.js';

/**
 * `specs` maps a name to [group, version, plural, clusterScoped]; namespaced ones follow the
 * chosen namespace ('' for all). `draw(cols)` returns the page's content, drawn again on change
 * (returning the same element again, updated, spares the browser a full re-layout).
 */
export function livePage(view, specs, ns, draw) {
  const cols = {};
  const redraw = () => {
    const errors = Object.values(cols).filter((c) => c.error);
    const loading = Object.values(cols).some((c) => !c.loaded && !c.error);
    const body = loading && errors.length === 0 ? h('p', { class: 'loading' }, 'Loading…') : draw(cols);
    reconcile(view, [...errors.map((c) => problem(c.error)), body]);
  };
  for (const [name, [group, version, plural, clusterScoped]] of Object.entries(specs)) {
    cols[name] = new Collection(collectionPath(group, version, plural, clusterScoped ? '' : ns), redraw);
  }
  for (const c of Object.values(cols)) c.start();
  redraw();
  // Ages move on without events.
  const tick = setInterval(redraw, 10_000);
  return () => {
    clearInterval(tick);
    for (const c of Object.values(cols)) c.stop();
  };
}

/** The objects whose controller is `owner`. */
export function ownedBy(items, owner) {
  const uid = owner.metadata.uid;
  return items.filter((o) => (o.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.controller));
}

export function byName(a, b) {
  return `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
}
