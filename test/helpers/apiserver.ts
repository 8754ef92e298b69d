/** Starts a real skiff API server in-process for tests, and talks to it over HTTPS. */
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type http from 'node:http';
import { ApiServer, type ApiServerOptions } from '../../src/apiserver/index.js';
import { issueNodeServingCertificate } from '../../src/apiserver/certs.js';

export interface TestServer {
  readonly server: ApiServer;
  readonly url: string;
  readonly dataDir: string;
  readonly kubeconfig: string;
  /** An HTTPS request with the admin token (unless `token` is given, '' for none). */
  request(method: string, path: string, opts?: RequestOptions): Promise<Response>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is when a string. */
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly token?: string;
}

export interface Response {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: any;
}

/**
 * The bare API server runs no controllers, so no `default` service account appears in a
 * namespace: the ServiceAccount admission plugin and the `kubernetes` Service are off unless a
 * test turns them on (`disableAdmissionPlugins: []`, `kubernetesService: true`); `skiff up` and
 * the control plane run with both.
 */
export async function startTestServer(opts: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'skiff-test-'));
  const server = new ApiServer({
    listen: '127.0.0.1:0',
    datastore: 'memory://',
    disableAdmissionPlugins: ['ServiceAccount'],
    kubernetesService: false,
    ...opts,
    dataDir,
  });
  await server.start();
  const request = (method: string, p: string, ro: RequestOptions = {}) => httpsRequest(server, method, p, ro);
  return {
    server,
    url: server.url,
    dataDir,
    kubeconfig: server.kubeconfigPath,
    request,
    async stop() {
      await server.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function httpsRequest(server: ApiServer, method: string, p: string, ro: RequestOptions = {}): Promise<Response> {
  const u = new URL(p, server.url);
  const body = ro.body === undefined ? undefined : typeof ro.body === 'string' ? ro.body : JSON.stringify(ro.body);
  const token = ro.token ?? server.adminToken;
  const headers: Record<string, string> = {
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...(body !== undefined ? { 'Content-Type': ro.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}),
    ...(ro.headers ?? {}),
  };
  return new Promise((resolve, reject) => {
    const req = https.request(u, { method, headers, ca: server.caCert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A streaming GET (watch): collects newline-delimited JSON events until `close()`. */
export function openStream(server: ApiServer, p: string, headers: Record<string, string> = {}) {
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const waiters: (() => void)[] = [];
  let status = 0;
  let ended = false;
  const req = https.request(new URL(p, server.url), { headers: { Authorization: `Bearer ${server.adminToken}`, ...headers }, ca: server.caCert }, (res) => {
    status = res.statusCode ?? 0;
    let buf = '';
    res.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) events.push(JSON.parse(line) as (typeof events)[number]);
      }
      for (const w of waiters.splice(0)) w();
    });
    res.on('end', () => {
      ended = true;
      for (const w of waiters.splice(0)) w();
    });
  });
  req.on('error', () => undefined);
  req.end();
  return {
    events,
    get status() {
      return status;
    },
    get ended() {
      return ended;
    },
    /** Resolves when at least `n` events arrived (rejects after `ms`). */
    async waitFor(n: number, ms = 5000): Promise<void> {
      const deadline = Date.now() + ms;
      while (events.length < n) {
        if (ended) throw new Error(`stream ended with ${events.length} of ${n} events`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out with ${events.length} of ${n} events: ${JSON.stringify(events.map((e) => e.type))}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
    close() {
      req.destroy();
    },
  };
}

/** A stand-in for node `nodeName`'s endpoint on 127.0.0.1: HTTPS with a serving certificate from
 * the server's CA, as the API server's node dialer requires of every node. */
export function fakeNodeEndpoint(server: ApiServer, nodeName: string, handler: http.RequestListener): https.Server {
  const { key, cert } = issueNodeServingCertificate(server.clusterCa, nodeName, ['127.0.0.1']);
  return https.createServer({ key, cert }, handler);
}
