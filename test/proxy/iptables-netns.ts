/**
 * A small network of namespaces for the iptables proxy tests, created and removed by the tests
 * themselves: a "node" namespace (the proxy programs its iptables) with a bridge its backend
 * namespaces hang off, and a client namespace on its own link to the node:
 *
 *   client 10.77.0.2 ── 10.77.0.1 node ── bridge 10.77.1.1/24 ── backends 10.77.1.11, .12, …
 *
 * Backends are small node programs run with `ip netns exec` (HTTP on 8080 and a UDP echo on 5353,
 * both answering the backend's address); the client is one long-running node program in the
 * client namespace that makes requests on command. Traffic never leaves these namespaces.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface NetnsNames {
  /** Prefix of every namespace and link name (keep it short: interface names are ≤ 15 chars). */
  readonly prefix: string;
  readonly backends: number;
}

export const nodeAddress = '10.77.0.1';
export const clientAddress = '10.77.0.2';
export const bridgeAddress = '10.77.1.1';
export const podCidr = '10.77.1.0/24';
export const backendAddress = (i: number): string => `10.77.1.${11 + i}`;
export const httpPort = 8080;
export const udpPort = 5353;

const backendScript = `
const http = require('node:http'), dgram = require('node:dgram');
const ip = process.argv[1];
const s = http.createServer((q, r) => { r.setHeader('connection', 'close'); r.end(ip); });
const u = dgram.createSocket('udp4');
u.on('message', (m, from) => u.send(ip, from.port, from.address));
s.listen(${httpPort}, ip, () => u.bind(${udpPort}, ip, () => console.log('ready')));
`;

/** Answers JSON lines {id, ip, port, count, udp?, srcPort?} with {id, out: [body or "ERR:CODE", …]}. */
const clientScript = `
const http = require('node:http'), dgram = require('node:dgram');
const get = (ip, port) => new Promise((res) => {
  const req = http.get({ host: ip, port, path: '/', agent: false, timeout: 5000 }, (r) => {
    let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => res(b));
  });
  req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
  req.on('error', (e) => res('ERR:' + (e.code || e.message)));
});
const udp = (ip, port, srcPort) => new Promise((res) => {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const done = (v) => { clearTimeout(t); s.close(); res(v); };
  const t = setTimeout(() => done('ERR:ETIMEDOUT'), 5000);
  s.on('message', (m) => done(m.toString()));
  s.on('error', (e) => done('ERR:' + (e.code || e.message)));
  s.bind(srcPort || 0, () => s.send('ping', port, ip));
});
require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
  const q = JSON.parse(line);
  const out = [];
  for (let i = 0; i < q.count; i++) out.push(await (q.udp ? udp : get)(q.ip, q.port, q.srcPort));
  process.stdout.write(JSON.stringify({ id: q.id, out }) + '\\n');
});
console.log('ready');
`;

function sh(...argv: string[]): string {
  return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function quiet(...argv: string[]): void {
  try {
    sh(...argv);
  } catch {
    // Cleanup of something already gone.
  }
}

/** Waits for a child's first stdout line to be `ready`. */
function ready(proc: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const lines = readline.createInterface({ input: proc.stdout! });
    lines.once('line', (l) => (l.trim() === 'ready' ? resolve() : reject(new Error(`${what}: ${l}`))));
    proc.once('exit', (code) => reject(new Error(`${what} exited ${code}: ${err}`)));
  });
}

export class NetnsLab {
  readonly node: string;
  readonly client: string;
  readonly backendNs: readonly string[];
  private readonly procs: ChildProcess[] = [];
  private clientProc: ChildProcess | undefined;
  private clientLines: readline.Interface | undefined;
  private waiting = new Map<number, (out: string[]) => void>();
  private nextId = 1;

  constructor(private readonly names: NetnsNames) {
    this.node = `${names.prefix}-node`;
    this.client = `${names.prefix}-client`;
    this.backendNs = Array.from({ length: names.backends }, (_, i) => `${names.prefix}-b${i}`);
  }

  /** Runs `argv` inside namespace `ns`. */
  exec(ns: string, ...argv: string[]): string {
    return sh('ip', 'netns', 'exec', ns, ...argv);
  }

  /** Builds the namespaces and links (removing leftovers of an earlier, crashed run first). */
  async create(): Promise<void> {
    this.destroyNamespaces();
    const p = this.names.prefix;
    for (const ns of [this.node, this.client, ...this.backendNs]) {
      sh('ip', 'netns', 'add', ns);
      sh('ip', '-n', ns, 'link', 'set', 'lo', 'up');
    }
    this.exec(this.node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    const br = `${p}br`;
    sh('ip', '-n', this.node, 'link', 'add', br, 'type', 'bridge');
    sh('ip', '-n', this.node, 'addr', 'add', `${bridgeAddress}/24`, 'dev', br);
    sh('ip', '-n', this.node, 'link', 'set', br, 'up');
    this.backendNs.forEach((ns, i) => {
      const v = `${p}v${i}`;
      sh('ip', '-n', this.node, 'link', 'add', v, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      sh('ip', '-n', this.node, 'link', 'set', v, 'master', br, 'up');
      // As the CNI bridge plugin's hairpinMode: a pod's packet DNATed back to itself may leave
      // by the port it came in on (bridge netfilter sends it there, not through the node's IP stack).
      sh('ip', '-n', this.node, 'link', 'set', v, 'type', 'bridge_slave', 'hairpin', 'on');
      sh('ip', '-n', ns, 'addr', 'add', `${backendAddress(i)}/24`, 'dev', 'eth0');
      sh('ip', '-n', ns, 'link', 'set', 'eth0', 'up');
      sh('ip', '-n', ns, 'route', 'add', 'default', 'via', bridgeAddress);
    });
    const c = `${p}c`;
    sh('ip', '-n', this.node, 'link', 'add', c, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.client);
    sh('ip', '-n', this.node, 'addr', 'add', `${nodeAddress}/24`, 'dev', c);
    sh('ip', '-n', this.node, 'link', 'set', c, 'up');
    sh('ip', '-n', this.client, 'addr', 'add', `${clientAddress}/24`, 'dev', 'eth0');
    sh('ip', '-n', this.client, 'link', 'set', 'eth0', 'up');
    sh('ip', '-n', this.client, 'route', 'add', 'default', 'via', nodeAddress);
    // A node has a default route: packets to a cluster IP without endpoints are routed (and so
    // reach the REJECT in FORWARD) instead of failing the route lookup with "network unreachable".
    // (A veth pair with both ends in the node: the kernel here has no dummy links.)
    sh('ip', '-n', this.node, 'link', 'add', `${p}up`, 'type', 'veth', 'peer', 'name', `${p}up1`);
    sh('ip', '-n', this.node, 'link', 'set', `${p}up1`, 'up');
    sh('ip', '-n', this.node, 'link', 'set', `${p}up`, 'up');
    sh('ip', '-n', this.node, 'route', 'add', 'default', 'dev', `${p}up`);

    await Promise.all(this.backendNs.map((ns, i) => {
      const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', backendScript, backendAddress(i)], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.procs.push(proc);
      return ready(proc, `backend in ${ns}`);
    }));
    const client = spawn('ip', ['netns', 'exec', this.client, process.execPath, '-e', clientScript], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.procs.push(client);
    this.clientProc = client;
    await ready(client, 'client');
    this.clientLines = readline.createInterface({ input: client.stdout! });
    this.clientLines.on('line', (l) => {
      const msg = JSON.parse(l) as { id: number; out: string[] };
      this.waiting.get(msg.id)?.(msg.out);
      this.waiting.delete(msg.id);
    });
  }

  /** `count` requests from the client namespace, each on a fresh connection (or socket; UDP
   * from `srcPort` when given, so every datagram is one conntrack flow). */
  ask(ip: string, port: number, count: number, udp = false, srcPort?: number): Promise<string[]> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.clientProc!.stdin!.write(`${JSON.stringify({ id, ip, port, count, udp, srcPort })}\n`);
    });
  }

  /** One HTTP GET from inside namespace `ns` (hairpin: a backend calling its own service). */
  getFrom(ns: string, ip: string, port: number): string {
    const once = `require('node:http').get({ host: process.argv[1], port: +process.argv[2], agent: false, timeout: 2000 }, (r) => r.pipe(process.stdout)).on('error', (e) => console.log('ERR:' + e.code)).on('timeout', function () { this.destroy(); });`;
    return this.exec(ns, process.execPath, '-e', once, ip, String(port)).trim();
  }

  /** Stops every program and removes every namespace (and with them their links). */
  destroy(): void {
    this.clientLines?.close();
    for (const p of this.procs) if (p.exitCode === null) p.kill('SIGKILL');
    this.destroyNamespaces();
  }

  private destroyNamespaces(): void {
    for (const ns of [this.client, ...this.backendNs, this.node]) quiet('ip', 'netns', 'del', ns);
  }
}

/** How many answers came from each backend address. */
export function tally(out: readonly string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of out) t[o] = (t[o] ?? 0) + 1;
  return t;
}
