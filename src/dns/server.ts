/**
 * The cluster DNS server: UDP and TCP on one address and port. Each query is answered from the
 * cluster zone (zone.ts) when the name is the cluster's, else forwarded (forward.ts). UDP answers
 * fit the client's EDNS0 payload size (512 bytes without EDNS0, at most 4096); one that does not is
 * sent empty with the TC bit, and the client asks again over TCP. Malformed queries get FORMERR
 * when their header can be read and are dropped otherwise; responses are never answered; other
 * opcodes get NOTIMP. Nothing a client sends is kept beyond its query, so a flood costs CPU, not
 * memory (TCP connections are capped and idle ones closed).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Logger } from '../util/log.js';
import type { Forwarder } from './forward.js';
import type { Rr, Zone } from './zone.js';

const rcodes: Readonly<Record<string, number>> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
export const maxUdpPayload = 4096;

export interface DnsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly zone: Zone;
  readonly forwarder?: Forwarder;
  readonly log: Logger;
  readonly maxTcpConnections?: number;
  readonly tcpIdleMs?: number;
}

function header(buf: Buffer): { id: number; flags: number } | undefined {
  return buf.length >= 12 ? { id: buf.readUInt16BE(0), flags: buf.readUInt16BE(2) } : undefined;
}

function bare(id: number, rdFlag: number, rcode: number, questions: dnsPacket.Question[] = []): Buffer {
  return dnsPacket.encode({ type: 'response', id, flags: rdFlag | dnsPacket.RECURSION_AVAILABLE | rcode, questions });
}

export class DnsServer {
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** Encoded cluster answers by question (name as asked, type, size limit, EDNS0), valid while
   * the zone's generation is the one they were made in: the hot path of a busy service name is a
   * lookup and an id rewrite. */
  private readonly answers = new Map<string, { generation: number; body: Buffer }>();
  /** Queries answered (tests, metrics). */
  answered = 0;
  port = 0;

  constructor(private readonly opts: DnsServerOptions) {}

  async start(): Promise<void> {
    // With port 0 the UDP socket picks a free port, which TCP may hold already (another
    // process's ephemeral port): pick again rather than fail the whole server.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bindBoth();
        return;
      } catch (err) {
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (!inUse || this.opts.port !== 0 || attempt >= 20) throw err;
      }
    }
  }

  private async bindBoth(): Promise<void> {
    const udp = dgram.createSocket(net.isIPv6(this.opts.host) ? 'udp6' : 'udp4');
    udp.on('message', (msg, rinfo) => {
      void this.handle(msg, 'udp').then((out) => {
        if (out) udp.send(out, rinfo.port, rinfo.address);
      }).catch((err: unknown) => this.opts.log.warn({ err: String(err) }, 'dns query failed'));
    });
    udp.on('error', (err) => this.opts.log.warn({ err: err.message }, 'dns udp socket error'));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.opts.port, this.opts.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const port = udp.address().port;
    const tcp = net.createServer((s) => this.serveTcp(s));
    tcp.maxConnections = this.opts.maxTcpConnections ?? 256;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, this.opts.host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    this.udp = udp;
    this.port = port;
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r()));
    this.tcp = undefined;
  }

  private serveTcp(s: net.Socket): void {
    this.sockets.add(s);
    s.setTimeout(this.opts.tcpIdleMs ?? 10_000, () => s.destroy());
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
    let buf = Buffer.alloc(0);
    s.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void this.handle(msg, 'tcp').then((out) => {
          if (!out || s.destroyed) return;
          const framed = Buffer.alloc(2 + out.length);
          framed.writeUInt16BE(out.length, 0);
          out.copy(framed, 2);
          s.write(framed);
        }).catch(() => s.destroy());
      }
    });
  }

  /** The answer to one query message, or undefined to drop it. */
  async handle(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const h = header(msg);
    if (!h || h.flags & 0x8000) return undefined; // unreadable, or a response
    const rd = h.flags & dnsPacket.RECURSION_DESIRED;
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return bare(h.id, rd, rcodes['FORMERR']!);
    }
    if (((h.flags >> 11) & 0xf) !== 0) return bare(h.id, rd, rcodes['NOTIMP']!);
    const questions = query.questions ?? [];
    const q = questions[0];
    if (questions.length !== 1 || !q) return bare(h.id, rd, rcodes['FORMERR']!);
    const opt = (query.additionals ?? []).find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    const limit = transport === 'tcp' ? 65535 : Math.min(maxUdpPayload, Math.max(512, opt?.udpPayloadSize ?? 512));
    const optOut = opt ? [{ type: 'OPT', name: '.', udpPayloadSize: maxUdpPayload, flags: 0 } as unknown as dnsPacket.Answer] : [];
    this.answered++;
    const zone = this.opts.zone;
    const name = q.name.toLowerCase();
    const cacheKey = `${q.name}|${q.type}|${limit}|${opt ? 1 : 0}`;
    const hit = this.answers.get(cacheKey);
    if (hit && hit.generation === zone.generation) {
      const out = Buffer.from(hit.body);
      out.writeUInt16BE(h.id, 0);
      out.writeUInt16BE((out.readUInt16BE(2) & ~dnsPacket.RECURSION_DESIRED) | rd, 2);
      return out;
    }
    const generation = zone.generation;
    let rcode = 0;
    let aa = 0;
    let answers: dnsPacket.Answer[] = [];
    let authorities: dnsPacket.Answer[] = [];
    let additionals: dnsPacket.Answer[] = [];
    const local = zone.owns(name) ? zone.answer(q.name, q.type) : undefined;
    if (local) {
      aa = dnsPacket.AUTHORITATIVE_ANSWER;
      rcode = rcodes[local.rcode]!;
      const rr = (r: Rr): dnsPacket.Answer => ({ ...r, class: 'IN' }) as dnsPacket.Answer;
      answers = local.answers.map(rr);
      authorities = local.authorities.map(rr);
      additionals = local.additionals.map(rr);
    } else {
      const up = await this.opts.forwarder?.resolve({ name: q.name, type: q.type, class: 'IN' });
      if (!up) return bare(h.id, rd, rcodes['SERVFAIL']!, [q]);
      rcode = (up.flags ?? 0) & 0xf;
      answers = up.answers ?? [];
      authorities = up.authorities ?? [];
      additionals = (up.additionals ?? []).filter((a) => a.type !== 'OPT');
    }
    const flags = rd | dnsPacket.RECURSION_AVAILABLE | aa | rcode;
    let out = dnsPacket.encode({ type: 'response', id: h.id, flags, questions: [q], answers, authorities, additionals: [...additionals, ...optOut] });
    if (out.length > limit) {
      out = dnsPacket.encode({ type: 'response', id: h.id, flags: flags | dnsPacket.TRUNCATED_RESPONSE, questions: [q], additionals: optOut });
    }
    if (local) {
      if (this.answers.size >= 10_000) this.answers.clear();
      this.answers.set(cacheKey, { generation, body: out });
    }
    return out;
  }
}
