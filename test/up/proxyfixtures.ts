/** Backends for the proxy tests: an echo server (python3 on the pod's address) that answers
 * with what it was sent, streams on `/slow` until released, and counts clients that left. */
import { stringify } from 'yaml';

const echoServer = String.raw`
import base64, hashlib, json, os, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
release = threading.Event()
state = {'gone': 0}
class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *a): pass
    def chunk(self, b):
        self.wfile.write(b'%x\r\n%s\r\n' % (len(b), b)); self.wfile.flush()
    def send(self, code, body, ctype='application/json'):
        self.send_response(code); self.send_header('Content-Type', ctype); self.send_header('Content-Length', str(len(body))); self.end_headers()
        if self.command != 'HEAD': self.wfile.write(body)
    def answer(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        if self.path == '/release':
            release.set(); return self.send(200, b'released')
        if self.headers.get('Upgrade', '').lower() == 'websocket':
            # One text frame echoed back upper-cased, then the connection ends.
            key = self.headers['Sec-WebSocket-Key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
            self.send_response(101); self.send_header('Upgrade', 'websocket'); self.send_header('Connection', 'Upgrade')
            self.send_header('Sec-WebSocket-Accept', base64.b64encode(hashlib.sha1(key.encode()).digest()).decode()); self.end_headers(); self.wfile.flush()
            b0, b1 = self.rfile.read(2); n = b1 & 0x7f
            if n == 126: n = int.from_bytes(self.rfile.read(2), 'big')
            mask = self.rfile.read(4); data = bytes(c ^ mask[i % 4] for i, c in enumerate(self.rfile.read(n)))
            reply = (data.decode().upper() + ' ' + self.path).encode()
            self.wfile.write(bytes([0x81, len(reply)]) + reply); self.wfile.flush()
            self.close_connection = True
            return
        if self.path == '/moved':
            self.send_response(302); self.send_header('Location', 'http://%s/target/?k=v' % self.headers.get('Host')); self.send_header('Content-Length', '0'); self.end_headers(); return
        if self.path == '/stats':
            return self.send(200, json.dumps(state).encode())
        if self.path.startswith('/slow'):
            self.send_response(200); self.send_header('Content-Type', 'text/plain'); self.send_header('Transfer-Encoding', 'chunked'); self.end_headers()
            self.chunk(b'first\n')
            release.wait(60); release.clear()
            if 'forever' not in self.path:
                self.chunk(b'second\n'); self.wfile.write(b'0\r\n\r\n'); return
            try:
                for i in range(600):
                    self.chunk(b'tick\n'); time.sleep(0.1)
            except OSError:
                state['gone'] += 1
            return
        out = {'method': self.command, 'path': self.path, 'body': body.decode('utf-8', 'replace'), 'headers': {k.lower(): v for k, v in self.headers.items()}, 'pod': os.environ.get('POD')}
        self.send(int(os.environ.get('CODE', '200')) if self.path.startswith('/code') else 200, json.dumps(out).encode())
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer
ThreadingHTTPServer((os.environ['IP'], int(os.environ['PORT'])), H).serve_forever()
`;

/** A pod running the echo server on `port` (named `api`), and a service in front of it. */
export function echoPodAndService(name: string, port: number, servicePort: number): string {
  const labels = { app: name };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      containers: [{
        name: 'echo',
        image: 'busybox',
        command: ['python3', '-c', echoServer],
        env: [
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'PORT', value: String(port) },
          { name: 'CODE', value: '418' },
        ],
        ports: [{ containerPort: port, name: 'api' }],
        readinessProbe: { tcpSocket: { port: 'api' }, periodSeconds: 1 },
      }],
    },
  };
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: labels, ports: [{ name: 'api', port: servicePort, targetPort: 'api' }] },
  };
  return `${stringify(pod)}---\n${stringify(svc)}`;
}
