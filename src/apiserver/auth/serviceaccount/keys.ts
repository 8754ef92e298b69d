/**
 * The key service-account tokens are signed with (kube-apiserver's
 * `--service-account-signing-key-file`, kubeadm's `pki/sa.key`): an RSA key made on first start
 * and kept owner-only beside the CA. Its key id is what Kubernetes computes (the unpadded
 * base64url SHA-256 of the public key's DER), so verifiers that pick keys by `kid` find it.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tightenFile } from '../../../util/private-files.js';

export interface SigningKeys {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;
  /** The public key as PEM (`sa.pub`), for anyone who verifies tokens outside the server. */
  readonly publicPem: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

/** Loads `<pkiDir>/sa.key`, creating it (RSA 2048, mode 0600) and `sa.pub` when absent. */
export function ensureSigningKeys(pkiDir: string): SigningKeys {
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  const keyPath = path.join(pkiDir, 'sa.key');
  const pubPath = path.join(pkiDir, 'sa.pub');
  if (!existsSync(keyPath)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  }
  tightenFile(keyPath);
  const privateKey = createPrivateKey(readFileSync(keyPath, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(pubPath) || readFileSync(pubPath, 'utf8') !== publicPem) writeFileSync(pubPath, publicPem, { mode: 0o600 });
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), publicPem };
}
