// Sign-in: a bearer token pasted in (a service account's or one skiff issued), or the client
// certificate the browser presented. The server answers with an HttpOnly session cookie.
import { h } from './dom.js';

export function showSignIn(view, onSignedIn, note) {
  const token = h('textarea', { id: 'token', name: 'token', rows: '4', placeholder: 'Bearer token', autocomplete: 'off', spellcheck: 'false' });
  const message = h('p', { id: 'signin-error', class: 'error', role: 'alert' }, note ?? '');
  const submit = h('button', { type: 'submit', id: 'signin' }, 'Sign in');
  const cert = h('button', { type: 'button', id: 'signin-cert' }, 'Use my client certificate');
  const form = h('form', { id: 'signin-form', class: 'signin' }, h('h1', {}, 'Sign in to skiff'),
    h('label', { for: 'token' }, 'Token'), token, h('div', { class: 'buttons' }, submit, cert), message);
  const send = async (body) => {
    message.textContent = '';
    const res = await fetch('/ui/session', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.ok) return onSignedIn(await res.json());
    let why = res.statusText;
    try {
      why = (await res.json()).message ?? why;
    } catch {
      // the status line says enough
    }
    message.textContent = res.status === 401 ? `Sign-in refused: ${body.token ? 'the token is not valid' : 'no valid client certificate'} (${why})` : why;
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void send({ token: token.value.trim() });
  });
  cert.addEventListener('click', () => void send({}));
  view.replaceChildren(form);
  token.focus();
}
