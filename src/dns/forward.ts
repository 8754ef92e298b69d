/**
 * Names outside the cluster zone go to the host's resolvers (`nameserver` lines of
 * /etc/resolv.conf, as CoreDNS's `forward . /etc/resolv.conf`), over UDP, with a cache keyed by
 * name and type for the smallest TTL of the answer (negative answers: the SOA minimum, at most 30 s;
 * a cache of `maxEntries` names, oldest out first). At most `maxInFlight` queries wait upstream at
 * once: beyond that a query is answered SERVFAIL at once rather than queued, so a flood costs bounded memory.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';

export interface ForwarderOptions {
  /** Upstream `ip` or `ip:port`; default the nameservers of /etc/resolv.conf. */
  readonly upstreams?: readonly string[];
  /** Addresses never forwarded to (our own: a resolv.conf naming us must not loop). */
  readonly exclude?: readonly string[];
  readonly timeoutMs?: number;
  readonly maxInFlight?: number;
  readonly maxEntries?: number;
}

/** The nameservers of a resolv.conf text. */
export function resolvConfNameservers(text: string): string[] {
  return text.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[0] === 'nameserver' && f[1] && isIP(f[1]) !== 0).map((f) => f[1]!);
}

export function hostNameservers(path = '/etc/resolv.conf'): string[] {
  try {
    return resolvConfNameservers(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

interface Cached {
  readonly until: number;
  readonly packet: dnsPacket.Packet;
}

export class Forwarder {
  private readonly upstreams: { host: string; port: number }[];
  private readonly cache = new Map<string, Cached>();
  private inFlight = 0;

  constructor(private readonly opts: ForwarderOptions = {}) {
    const exclude = new Set(opts.exclude ?? []);
    this.upstreams = (opts.upstreams ?? hostNameservers()).map((u) => {
      const m = /^(.*):(\d+)$/.exec(u);
      return m && isIP(m[1]!) === 4 ? { host: m[1]!, port: Number(m[2]) } : { host: u, port: 53 };
    }).filter((u) => !exclude.has(u.host));
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  /** The upstream answer to `q` (answers, authorities and rcode), or undefined (SERVFAIL). */
  async resolve(q: dnsPacket.Question): Promise<dnsPacket.Packet | undefined> {
    const key = `${q.name.toLowerCase()}/${q.type}`;
    const hit = this.cache.get(key);
    if (hit && hit.until > Date.now()) return hit.packet;
    if (hit) this.cache.delete(key);
    if (this.upstreams.length === 0 || this.inFlight >= (this.opts.maxInFlight ?? 1000)) return undefined;
    this.inFlight++;
    try {
      for (const u of this.upstreams) {
        const answer = await this.ask(u, q).catch(() => undefined);
        if (!answer) continue;
        const rcode = (answer.flags ?? 0) & 0xf;
        if (rcode === 0 || rcode === 3) this.store(key, answer); // NOERROR, NXDOMAIN
        return answer;
      }
      return undefined;
    } finally {
      this.inFlight--;
    }
  }

  private store(key: string, p: dnsPacket.Packet): void {
    const ttls = [...(p.answers ?? []), ...(p.authorities ?? [])].map((a) => ('ttl' in a && typeof a.ttl === 'number' ? a.ttl : 30));
    const ttl = Math.min(30, ...ttls);
    if (ttl <= 0) return;
    if (this.cache.size >= (this.opts.maxEntries ?? 10_000)) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { until: Date.now() + ttl * 1000, packet: p });
  }

  private ask(u: { host: string; port: number }, q: dnsPacket.Question): Promise<dnsPacket.Packet> {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket(isIP(u.host) === 6 ? 'udp6' : 'udp4');
      const id = Math.floor(Math.random() * 65536);
      const timer = setTimeout(() => done(new Error('upstream timeout')), this.opts.timeoutMs ?? 2000);
      const done = (err: Error | undefined, p?: dnsPacket.Packet): void => {
        clearTimeout(timer);
        sock.close();
        if (err) reject(err);
        else resolve(p!);
      };
      sock.on('error', (err) => done(err));
      sock.on('message', (msg) => {
        try {
          const p = dnsPacket.decode(msg);
          if (p.id === id) done(undefined, p);
        } catch {
          // a malformed reply: keep waiting for the real one until the timeout
        }
      });
      const body = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: q.name, type: q.type, class: 'IN' }] });
      sock.send(body, u.port, u.host);
    });
  }
}
