// The API as the signed-in user: every request carries the session cookie (same origin) and the
// session's CSRF token; lists are kept live by watches, as informers do.

let csrf = '';
let onSignedOut = () => {};

export function setSession(token, signedOut) {
  csrf = token;
  onSignedOut = signedOut;
}

export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function failure(res) {
  let message = res.statusText;
  try {
    const s = await res.json();
    if (s && s.message) message = s.message;
  } catch {
    // not a Status: the status line says enough
  }
  if (res.status === 401) onSignedOut();
  return new ApiError(res.status, message);
}

export async function request(path, opts = {}) {
  const res = await fetch(path, {
    credentials: 'same-origin',
    ...opts,
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf, ...(opts.headers ?? {}) },
  });
  if (!res.ok) throw await failure(res);
  return res;
}

export async function getJson(path, opts) {
  return (await request(path, opts)).json();
}

/** Reads a streamed response line by line (watch events, log lines) until it ends or is aborted. */
export async function readLines(res, onLine) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      onLine(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) onLine(rest);
}

function keyOf(o) {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/**
 * A live list of one resource: LIST, then WATCH from its resourceVersion, again from the last
 * version seen when a watch ends, and a fresh LIST when the version is too old (410).
 * `onChange` is called (at most every 100 ms) with no arguments; read `items` then.
 */
export class Collection {
  constructor(path, onChange) {
    this.path = path;
    this.onChange = onChange;
    this.objects = new Map();
    this.error = undefined;
    this.loaded = false;
    this.abort = new AbortController();
    this.pending = false;
  }

  get items() {
    return [...this.objects.values()];
  }

  start() {
    this.run().catch((err) => {
      if (this.abort.signal.aborted) return;
      this.error = err;
      this.changed();
    });
    return this;
  }

  stop() {
    this.abort.abort();
  }

  changed() {
    if (this.pending) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      if (!this.abort.signal.aborted) this.onChange();
    }, 100);
  }

  async run() {
    const signal = this.abort.signal;
    let rv = await this.list();
    let failures = 0;
    while (!signal.aborted) {
      const sep = this.path.includes('?') ? '&' : '?';
      let gone = false;
      try {
        const res = await request(`${this.path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`, { signal });
        failures = 0;
        await readLines(res, (line) => {
          if (!line.trim()) return;
          const ev = JSON.parse(line);
          if (ev.type === 'ERROR') {
            if (ev.object?.code === 410) gone = true;
            return;
          }
          rv = ev.object?.metadata?.resourceVersion ?? rv;
          if (ev.type === 'BOOKMARK') return;
          if (ev.type === 'DELETED') this.objects.delete(keyOf(ev.object));
          else this.objects.set(keyOf(ev.object), ev.object);
          this.changed();
        });
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ApiError && err.code !== 410 && err.code < 500) throw err;
        gone = err instanceof ApiError && err.code === 410;
        // A dropped connection: back off a little, then resume.
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** failures++)));
      }
      if (gone && !signal.aborted) rv = await this.list();
    }
  }

  async list() {
    const body = await getJson(this.path, { signal: this.abort.signal });
    this.objects.clear();
    for (const o of body.items ?? []) this.objects.set(keyOf(o), o);
    this.error = undefined;
    this.loaded = true;
    this.changed();
    return body.metadata?.resourceVersion ?? '';
  }
}

/** The path of a resource's collection, in one namespace or (ns empty) all. */
export function collectionPath(group, version, plural, ns) {
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return ns ? `${base}/namespaces/${encodeURIComponent(ns)}/${plural}` : `${base}/${plural}`;
}
