// The web view: sign-in, then one page at a time chosen by the URL's hash
// (#/nodes, #/workloads, #/pods, #/pod/NS/NAME, #/services, #/events; ?ns=NAME for one namespace).
import { getJson, request, setSession } from './api.js';
import { h } from './dom.js';
import { showSignIn } from './signin.js';
import * as nodes from './nodes.js';
import * as workloads from './workloads.js';
import * as pods from './pods.js';
import * as services from './services.js';
import * as events from './events.js';

const pages = { nodes: nodes.mount, workloads: workloads.mount, pods: pods.mount, pod: pods.mountPod, services: services.mount, events: events.mount };
const view = document.getElementById('view');
const nav = document.getElementById('nav');
const nsForm = document.getElementById('nsform');
const nsInput = document.getElementById('ns');
const who = document.getElementById('who');
const signOut = document.getElementById('signout');
let unmount;
let session;

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = (path || 'nodes').split('/').map(decodeURIComponent);
  const ns = new URLSearchParams(query ?? '').get('ns') ?? '';
  return { page: parts[0], params: parts.slice(1), ns };
}

function show() {
  if (!session) return;
  unmount?.();
  unmount = undefined;
  const r = route();
  const mount = pages[r.page];
  for (const a of nav.querySelectorAll('a')) {
    a.classList.toggle('active', a.dataset.page === r.page);
    a.setAttribute('href', `#/${a.dataset.page}${r.ns ? `?ns=${encodeURIComponent(r.ns)}` : ''}`);
  }
  if (document.activeElement !== nsInput) nsInput.value = r.ns;
  if (!mount) {
    view.replaceChildren(h('p', { class: 'error' }, 'No such page.'));
    return;
  }
  unmount = mount(view, r);
}

function signedOut(note) {
  unmount?.();
  unmount = undefined;
  session = undefined;
  nav.hidden = nsForm.hidden = signOut.hidden = true;
  who.textContent = '';
  showSignIn(view, signedIn, note);
}

function signedIn(s) {
  session = s;
  setSession(s.csrfToken, () => signedOut('Your session ended: sign in again.'));
  nav.hidden = nsForm.hidden = signOut.hidden = false;
  who.textContent = s.user;
  who.title = (s.groups ?? []).join(', ');
  // Namespaces to pick from, when the user may list them.
  getJson('/api/v1/namespaces').then((list) => {
    document.getElementById('nslist').replaceChildren(...(list.items ?? []).map((n) => h('option', { value: n.metadata.name })));
  }).catch(() => undefined);
  show();
}

nsForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const r = route();
  const ns = nsInput.value.trim();
  location.hash = `#/${r.page}${r.params.length ? '/' + r.params.map(encodeURIComponent).join('/') : ''}${ns ? `?ns=${encodeURIComponent(ns)}` : ''}`;
});
nsInput.addEventListener('change', () => nsForm.requestSubmit());
signOut.addEventListener('click', async () => {
  await request('/ui/session', { method: 'DELETE' }).catch(() => undefined);
  signedOut();
});
window.addEventListener('hashchange', show);

fetch('/ui/session', { credentials: 'same-origin' })
  .then(async (res) => (res.ok ? signedIn(await res.json()) : signedOut()))
  .catch(() => signedOut('The server does not answer.'));
