/** A DNS test client (dns-packet) over UDP and TCP, and a tiny upstream resolver to forward to. */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export interface AskOptions {
  readonly tcp?: boolean;
  readonly edns?: number;
  readonly timeoutMs?: number;
}

export function queryPacket(name: string, type: string, opts: AskOptions = {}, id = Math.floor(Math.random() * 65536)): Buffer {
  return dnsPacket.encode({
    type: 'query', id, flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }],
    ...(opts.edns ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: opts.edns } as unknown as dnsPacket.Answer] } : {}),
  });
}

export function sendUdp(port: number, host: string, body: Buffer, timeoutMs = 2000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(m);
    });
    s.send(body, port, host);
  });
}

export function sendTcp(port: number, host: string, body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host);
    let buf = Buffer.alloc(0);
    s.on('connect', () => {
      const framed = Buffer.alloc(2 + body.length);
      framed.writeUInt16BE(body.length, 0);
      body.copy(framed, 2);
      s.write(framed);
    });
    s.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        s.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
    s.on('error', reject);
  });
}

export async function ask(port: number, name: string, type: string, opts: AskOptions = {}, host = '127.0.0.1'): Promise<dnsPacket.DecodedPacket & { rcode: string }> {
  const body = queryPacket(name, type, opts);
  const out = opts.tcp ? await sendTcp(port, host, body) : await sendUdp(port, host, body, opts.timeoutMs);
  if (!out) throw new Error(`no answer to ${name} ${type}`);
  return dnsPacket.decode(out) as dnsPacket.DecodedPacket & { rcode: string };
}

/** An upstream resolver answering every A query with `ip`, counting the questions it got. */
export async function fakeUpstream(ip: string): Promise<{ port: number; hits: Map<string, number>; close(): void }> {
  const s = dgram.createSocket('udp4');
  const hits = new Map<string, number>();
  s.on('message', (m, r) => {
    const q = dnsPacket.decode(m);
    const question = q.questions![0]!;
    hits.set(question.name, (hits.get(question.name) ?? 0) + 1);
    const nx = question.name.startsWith('nx.');
    s.send(dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | (nx ? 3 : 0), questions: [question],
      answers: nx || question.type !== 'A' ? [] : [{ type: 'A', name: question.name, ttl: 120, class: 'IN', data: ip }],
    }), r.port, r.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, hits, close: () => s.close() };
}
