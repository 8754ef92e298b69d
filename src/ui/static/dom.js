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
