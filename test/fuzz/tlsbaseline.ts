/**
 * What a bare Node TLS server costs per idle connection, with nothing of skiff in it: the ground
 * for the fuzz run's RSS bound (run.ts: 40 KB per idle connection).
 *   node dist/test/fuzz/tlsbaseline.js [connections]
 * The server runs in a child process so its RSS is its own.
 */
import { fork } from 'node:child_process';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { rssOf } from './target.js';

function selfSigned(): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  cert.setIssuer([{ name: 'commonName', value: '127.0.0.1' }]);
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  return { key, cert: forge.pki.certificateToPem(cert) };
}

if (process.argv[2] === '--serve') {
  const { key, cert } = JSON.parse(process.argv[3]!) as { key: string; cert: string };
  const server = tls.createServer({ key, cert }, (s) => s.on('error', () => undefined));
  server.listen(0, '127.0.0.1', () => process.send!((server.address() as { port: number }).port));
} else {
  const n = Number(process.argv[2] ?? 2000);
  const child = fork(fileURLToPath(import.meta.url), ['--serve', JSON.stringify(selfSigned())]);
  const port = await new Promise<number>((r) => child.once('message', (m) => r(m as number)));
  await new Promise((r) => setTimeout(r, 500));
  const before = rssOf(child.pid)!;
  const sockets: tls.TLSSocket[] = [];
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => new Promise<void>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve());
      s.on('error', () => resolve());
      sockets.push(s);
    })));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssOf(child.pid)!;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`bare Node ${process.version} TLS server: RSS ${mb(before)} MB idle → ${mb(after)} MB with ${n} idle connections (${((after - before) / n / 1024).toFixed(1)} KB each)`);
  for (const s of sockets) s.destroy();
  child.kill();
}
