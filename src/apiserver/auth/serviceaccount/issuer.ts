/**
 * Signs and verifies service-account JWTs (RS256, with the key id in the header as Kubernetes'
 * jwtTokenGenerator writes it). Verification here is only the signature and the token's shape;
 * what the claims mean (issuer, audience, time, the bound objects) is the authenticator's.
 */
import { SignJWT, compactVerify, type JWTPayload } from 'jose';
import type { SigningKeys } from './keys.js';
import type { BoundClaims, LegacyClaims } from './claims.js';

/** kube-apiserver's default `--service-account-issuer` as kubeadm sets it. */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** Verified tokens remembered (their signature never changes; claims are judged every time). */
const VERIFIED_CACHE_SIZE = 4096;

export class TokenSigner {
  /** Token → its verified payload, oldest first: an RSA verification per request would cost
   * more than the rest of authentication together. */
  private readonly verified = new Map<string, Record<string, unknown>>();

  constructor(private readonly keys: SigningKeys) {}

  async sign(claims: BoundClaims | LegacyClaims): Promise<string> {
    return new SignJWT({ ...claims } as unknown as JWTPayload)
      .setProtectedHeader({ alg: 'RS256', kid: this.keys.keyId })
      .sign(this.keys.privateKey);
  }

  /** The payload of a token this key signed, or undefined (bad signature, not a JWT, another
   * key). Time claims are checked later, with Kubernetes' words. */
  async verify(token: string): Promise<Record<string, unknown> | undefined> {
    const known = this.verified.get(token);
    if (known) return known;
    const payload = await this.verifySignature(token);
    if (payload) {
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, payload);
    }
    return payload;
  }

  private async verifySignature(token: string): Promise<Record<string, unknown> | undefined> {
    try {
      const { payload } = await compactVerify(token, this.keys.publicKey, { algorithms: ['RS256'] });
      const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
      return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Whether a bearer token has a JWT's shape (three base64url parts), so it is worth verifying. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
