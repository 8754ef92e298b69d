/**
 * An HTTP echo server for ingress tests, run as a container's program (`node echo-server.js HOST
 * PORT NAME`): every request is answered with JSON of its name, method, path and headers, and an
 * `Upgrade` request is switched (101) and then echoes whatever it receives, as a WebSocket echo
 * would at the byte level. On SIGTERM it stops accepting, finishes what is in flight and exits.
 */
import http from 'node:http';

export interface Echo {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [host = '127.0.0.1', port = '8080', name = 'echo'] = process.argv.slice(2);
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body: Echo = { name, method: req.method ?? '', path: req.url ?? '', headers: req.headers };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: import('node:stream').Duplex) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${String(req.headers.upgrade)}\r\nConnection: Upgrade\r\nX-Echo-Name: ${name}\r\n\r\n`);
    socket.pipe(socket);
  });
  server.listen(Number(port), host, () => process.stdout.write(`serving on ${host}:${port}\n`));
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
