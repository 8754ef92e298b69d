/**
 * `skiff proxy [--port 8001] [--address 127.0.0.1]`: kubectl proxy — a local plain-HTTP server
 * that forwards every request (and upgrade) to the API server with the kubeconfig's credentials,
 * answers streamed. As kubectl, it serves only local Host names by default and refuses exec and
 * attach paths; it prints `Starting to serve on ADDRESS:PORT` and runs until interrupted.
 */
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import type { Command } from 'commander';
import { tlsOf } from '../../client/index.js';
import { CliError, kubeCommand, runKube, type CliContext, type GlobalFlags } from '../kube/index.js';

interface ProxyOptions extends GlobalFlags {
  port: string;
  address: string;
  acceptHosts: string;
  rejectPaths: string;
  apiPrefix: string;
}

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'authorization']);

function regexps(list: string): RegExp[] {
  return list.split(',').filter(Boolean).map((s) => new RegExp(s));
}

function forwardHeaders(raw: readonly string[], token: string): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (!hopByHop.has(name.toLowerCase())) out[name] = raw[i + 1]!;
  }
  if (token) out['Authorization'] = `Bearer ${token}`;
  return out;
}

function serve(ctx: CliContext, opts: ProxyOptions): http.Server {
  const accept = regexps(opts.acceptHosts), reject = regexps(opts.rejectPaths);
  const prefix = opts.apiPrefix.endsWith('/') ? opts.apiPrefix : `${opts.apiPrefix}/`;
  const server = new URL(ctx.config.server);
  /** The path on the API server, or why the request is refused. */
  const route = (req: http.IncomingMessage): string | undefined => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = req.url ?? '/';
    if (!accept.some((r) => r.test(host)) || !url.startsWith(prefix)) return undefined;
    const path = '/' + url.slice(prefix.length);
    if (reject.some((r) => r.test(path.split('?')[0]!))) return undefined;
    return path;
  };
  const s = http.createServer((req, res) => {
    const path = route(req);
    if (path === undefined) {
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('Forbidden');
      return;
    }
    const up = https.request({ host: server.hostname, port: server.port || 443, method: req.method ?? 'GET', path, headers: forwardHeaders(req.rawHeaders, ctx.config.token), ...tlsOf(ctx.config) }, (answer) => {
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
        const name = answer.rawHeaders[i]!;
        if (!['connection', 'keep-alive', 'transfer-encoding'].includes(name.toLowerCase())) headers.push([name, answer.rawHeaders[i + 1]!]);
      }
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage ?? '', headers.flat());
      res.flushHeaders();
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    up.on('error', (err) => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`proxy error: ${err.message}`);
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  s.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = route(req);
    if (path === undefined) return socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\nConnection: close\r\n\r\nForbidden');
    const upstream = tls.connect({ host: server.hostname, port: Number(server.port || 443), servername: server.hostname, ...tlsOf(ctx.config) }, () => {
      let text = `${req.method ?? 'GET'} ${path} HTTP/1.1\r\nHost: ${server.host}\r\n`;
      const headers = forwardHeaders(req.rawHeaders, ctx.config.token);
      headers['Connection'] = 'Upgrade';
      headers['Upgrade'] = req.headers.upgrade ?? '';
      for (const [k, v] of Object.entries(headers)) text += `${k}: ${String(v)}\r\n`;
      upstream.write(text + '\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });
  return s;
}

export function proxyCommand(): Command {
  return kubeCommand('proxy', 'run a proxy to the Kubernetes API server')
    .usage('[--port=PORT] [--address=ADDRESS] [--api-prefix=prefix]')
    .option('-p, --port <port>', 'the port to serve on; 0 picks a free one', '8001')
    .option('--address <address>', 'the IP address to serve on', '127.0.0.1')
    .option('--accept-hosts <regexps>', 'Host names served (comma-separated regular expressions)', '^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$')
    .option('--reject-paths <regexps>', 'paths refused (comma-separated regular expressions)', '^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach')
    .option('--api-prefix <prefix>', 'the prefix to serve the proxied API under', '/')
    .action(runKube<ProxyOptions>(async (ctx, _args, opts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid argument "${opts.port}" for "-p, --port" flag`);
      const s = serve(ctx, opts);
      await new Promise<void>((resolve, reject) => {
        s.once('error', (err) => reject(new CliError(`listen tcp ${opts.address}:${port}: ${err.message}`)));
        s.listen(port, opts.address, () => resolve());
      });
      const a = s.address() as AddressInfo;
      ctx.out.write(`Starting to serve on ${a.address}:${a.port}\n`);
      // Serves until interrupted.
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      s.close();
      s.closeAllConnections();
    }));
}
