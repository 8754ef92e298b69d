/** Well-formed requests of the run's own (the admin's, over HTTP/2): the writes whose survival
 * is checked, readiness, and the normal workload that must still work after the fuzz. */
import http2 from 'node:http2';
import { tlsOptions, type Endpoint } from './wire.js';

export interface ApiAnswer {
  readonly status: number;
  readonly text: string;
  readonly json: any;
}

export class AdminClient {
  private session: http2.ClientHttp2Session | undefined;

  constructor(private readonly ep: Endpoint, private readonly token: string | undefined) {}

  private connect(): http2.ClientHttp2Session {
    if (!this.session || this.session.closed || this.session.destroyed) {
      this.session = http2.connect(this.ep.url, tlsOptions(this.ep, ['h2']) as http2.SecureClientSessionOptions);
      this.session.on('error', () => undefined);
    }
    return this.session;
  }

  request(method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<ApiAnswer> {
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = { ':method': method, ':path': path, accept: 'application/json' };
      if (this.token) headers['authorization'] = `Bearer ${this.token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const st = this.connect().request(headers, { endStream: body === undefined });
      const t = setTimeout(() => {
        st.close(http2.constants.NGHTTP2_CANCEL);
        reject(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      let status = 0;
      const chunks: Buffer[] = [];
      st.on('response', (h) => (status = Number(h[':status'])));
      st.on('data', (c: Buffer) => chunks.push(c));
      st.on('end', () => {
        clearTimeout(t);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status, text, json });
      });
      st.on('error', (err) => {
        clearTimeout(t);
        reject(err);
      });
      if (body !== undefined) st.end(JSON.stringify(body));
    });
  }

  /** Opens a watch and resolves with the first event for which `match` is true. */
  watchFor(path: string, match: (event: { type: string; object: any }) => boolean, timeoutMs = 10_000): { opened: Promise<void>; event: Promise<{ type: string; object: any }> } {
    const headers: http2.OutgoingHttpHeaders = { ':method': 'GET', ':path': path };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    const st = this.connect().request(headers);
    let opened!: () => void;
    const openedP = new Promise<void>((r) => (opened = r));
    const event = new Promise<{ type: string; object: any }>((resolve, reject) => {
      const t = setTimeout(() => {
        st.close(http2.constants.NGHTTP2_CANCEL);
        reject(new Error(`watch ${path}: no matching event in ${timeoutMs} ms`));
      }, timeoutMs);
      let buf = '';
      st.on('response', () => opened());
      st.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (!line.trim()) continue;
          const e = JSON.parse(line) as { type: string; object: any };
          if (match(e)) {
            clearTimeout(t);
            st.close(http2.constants.NGHTTP2_CANCEL);
            resolve(e);
          }
        }
      });
      st.on('error', (err) => {
        clearTimeout(t);
        reject(err);
      });
    });
    return { opened: openedP, event };
  }

  close(): void {
    this.session?.destroy();
  }
}
