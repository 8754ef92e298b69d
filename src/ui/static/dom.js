// DOM building without HTML parsing: every value from the cluster (names, labels, annotations,
// log lines) becomes a text node, so nothing it contains can run or change the page's structure.

/** An element: attrs are set as attributes (never event handlers); children are nodes or text. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) throw new Error('event handlers are attached with addEventListener');
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** A table with a header row; rows are arrays of cells (text or nodes). */
export function table(headers, rows, attrs = {}) {
  return h('div', { class: 'scroll' },
    h('table', attrs,
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
      h('tbody', {}, rows.map((r) => (r instanceof Node ? r : h('tr', {}, r.map((c) => h('td', {}, c))))))));
}

/** A refusal or failure from the API, said in its own words. */
export function problem(err) {
  const forbidden = err && err.code === 403;
  return h('p', { class: forbidden ? 'forbidden' : 'error', role: 'alert' },
    forbidden ? 'Forbidden: ' : 'Error: ', err && err.message ? err.message : String(err));
}

/** Key=value chips for labels or annotations. */
export function chips(map, cls = 'label') {
  return Object.entries(map ?? {}).map(([k, v]) => h('span', { class: cls }, v === '' ? k : `${k}=${v}`));
}

/** Makes `parent`'s children exactly `nodes`, moving only what is out of place, so that a redraw
 * that reuses unchanged elements costs the browser little restyling and layout. */
export function reconcile(parent, nodes) {
  let cur = parent.firstChild;
  for (const n of nodes) {
    if (cur === n) {
      cur = cur.nextSibling;
      continue;
    }
    parent.insertBefore(n, cur);
  }
  while (cur) {
    const next = cur.nextSibling;
    parent.removeChild(cur);
    cur = next;
  }
}

/** Elements built once per object version (and whatever else `extra` names, e.g. an age), so a
 * list redrawn on every event rebuilds only what changed. */
export class ElementCache {
  constructor(build) {
    this.build = build;
    this.entries = new Map();
  }

  get(obj, extra = '') {
    const id = obj.metadata.uid ?? `${obj.metadata.namespace}/${obj.metadata.name}`;
    const key = `${obj.metadata.resourceVersion}|${extra}`;
    const hit = this.entries.get(id);
    if (hit && hit.key === key) {
      hit.seen = true;
      return hit.el;
    }
    const el = this.build(obj);
    this.entries.set(id, { key, el, seen: true });
    return el;
  }

  /** Forgets what the last draw did not ask for (deleted objects). */
  sweep() {
    for (const [id, e] of this.entries) {
      if (!e.seen) this.entries.delete(id);
      e.seen = false;
    }
  }
}
