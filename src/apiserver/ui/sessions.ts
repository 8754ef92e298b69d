/**
 * The web view's sign-in sessions: an opaque random id in an HttpOnly cookie names a session held
 * in this server's memory, which remembers how the user signed in (the bearer token, or the
 * identity of the client certificate). Each API request of the UI is authenticated again from
 * that, so a token revoked or a service account deleted ends the UI's access at once. A session
 * ends after `idleMs` without a request, or `maxMs` after sign-in, whichever comes first.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { UserInfo } from '../auth/index.js';

export interface UiSession {
  readonly id: string;
  /** The per-session token state-changing requests must echo in `X-CSRF-Token`. */
  readonly csrf: string;
  readonly user: UserInfo;
  /** How requests authenticate: the bearer token signed in with, or the certificate's user. */
  readonly token?: string;
  readonly certUser?: UserInfo;
  readonly created: number;
  /** This session's idle limit: the server's, or shorter if the user asked at sign-in. */
  readonly idleMs: number;
  lastUsed: number;
  /** Requests in progress on this session (watches, log streams), cut when it is signed out. */
  readonly open: Set<{ destroy(): void }>;
}

export interface UiSessionOptions {
  /** A session unused this long ends (default 8 h). */
  readonly idleMs?: number;
  /** A session ends this long after sign-in whatever its use (default 24 h). */
  readonly maxMs?: number;
  /** At most this many sessions live at once; the least recently used goes first (default 10,000). */
  readonly maxSessions?: number;
}

export const DEFAULT_UI_IDLE_MS = 8 * 3600_000;

export class UiSessions {
  private readonly sessions = new Map<string, UiSession>();
  readonly idleMs: number;
  private readonly maxMs: number;
  private readonly maxSessions: number;

  constructor(opts: UiSessionOptions = {}, private readonly now: () => number = Date.now) {
    this.idleMs = opts.idleMs ?? DEFAULT_UI_IDLE_MS;
    this.maxMs = opts.maxMs ?? 24 * 3600_000;
    this.maxSessions = opts.maxSessions ?? 10_000;
  }

  /** A new session; `idleMs` may shorten (never lengthen) the server's idle limit. */
  create(user: UserInfo, how: { token: string } | { certUser: UserInfo }, idleMs?: number): UiSession {
    this.sweep();
    // Map keeps insertion order and `lookup` re-inserts on use: the first key is the least recent.
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    const t = this.now();
    const idle = Math.min(this.idleMs, idleMs !== undefined && idleMs > 0 ? idleMs : Infinity);
    const s: UiSession = { id: randomId(), csrf: randomId(), user, ...how, created: t, idleMs: idle, lastUsed: t, open: new Set() };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session of a cookie value, its idle clock restarted; undefined when unknown or expired. */
  lookup(id: string | undefined): UiSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const t = this.now();
    if (this.expired(s, t)) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastUsed = t;
    this.sessions.delete(id);
    this.sessions.set(id, s);
    return s;
  }

  /** Ends a session, and the streams it still has open (signing out stops what the page watched). */
  end(id: string): void {
    const s = this.sessions.get(id);
    this.sessions.delete(id);
    for (const r of s?.open ?? []) r.destroy();
  }

  get size(): number {
    return this.sessions.size;
  }

  private expired(s: UiSession, t: number): boolean {
    return t - s.lastUsed > s.idleMs || t - s.created > this.maxMs;
  }

  /** Drops expired sessions, so sign-ins that never sign out do not pile up. */
  private sweep(): void {
    const t = this.now();
    for (const [id, s] of this.sessions) if (this.expired(s, t)) this.sessions.delete(id);
  }
}

/** Whether a CSRF header matches the session's token (compared in constant time). */
export function csrfMatches(s: UiSession, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(s.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

function randomId(): string {
  return randomBytes(32).toString('base64url');
}
