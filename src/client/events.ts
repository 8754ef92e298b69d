/**
 * Kubernetes Events for what a component did (`SuccessfulCreate`, `FailedScheduling`, …). The same
 * reason and message about the same object within ten minutes bump `count` on one Event instead of
 * writing a new one, as client-go's event correlator does; and, as its spam filter does, one
 * object gets at most 25 Events in a burst, then one per five minutes — so a controller creating a
 * thousand pods records a few dozen Events, not a thousand. Recording never throws: an Event
 * that cannot be written is lost, the work it describes is not.
 */
import { randomBytes } from 'node:crypto';
import { events as eventsResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Event } from '../api/kinds.js';
import type { RestClient } from './rest.js';
import { kubeTime } from '../api/time.js';

const aggregateWindowMs = 10 * 60_000;
const maxRemembered = 4096;
/** client-go's EventSourceObjectSpamFilter defaults: burst 25, one more per 300 s. */
const spamBurst = 25;
const spamRefillMs = 300_000;

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

interface Seen {
  readonly namespace: string;
  readonly name: string;
  count: number;
  last: number;
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly client: RestClient, readonly source: EventSource) {}

  /** Records an Event about `obj`; resolves when written (or given up on). */
  async event(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const key = `${obj.kind ?? ''}/${namespace}/${obj.metadata.name ?? ''}/${obj.metadata.uid ?? ''}/${type}/${reason}/${message}`;
    const now = Date.now();
    if (!this.admit(`${obj.kind ?? ''}/${namespace}/${obj.metadata.name ?? ''}/${obj.metadata.uid ?? ''}`, now)) return;
    const stamp = kubeTime(now);
    const prior = this.seen.get(key);
    try {
      if (prior && now - prior.last < aggregateWindowMs) {
        prior.count++;
        prior.last = now;
        await this.client.patch(eventsResource, prior.namespace, prior.name, { count: prior.count, lastTimestamp: stamp });
        return;
      }
      const name = `${obj.metadata.name ?? 'unknown'}.${now.toString(16)}${randomBytes(2).toString('hex')}`;
      const ev: Event = {
        metadata: { name, namespace },
        involvedObject: {
          kind: obj.kind,
          namespace: obj.metadata.namespace,
          name: obj.metadata.name,
          uid: obj.metadata.uid,
          apiVersion: obj.apiVersion,
          resourceVersion: obj.metadata.resourceVersion,
        },
        reason,
        message,
        type,
        source: { component: this.source.component, ...(this.source.host ? { host: this.source.host } : {}) },
        firstTimestamp: stamp,
        lastTimestamp: stamp,
        count: 1,
        reportingComponent: this.source.component,
        reportingInstance: this.source.host ?? '',
      } as Event;
      await this.client.create(eventsResource, ev);
      this.remember(key, { namespace, name, count: 1, last: now });
    } catch {
      // The Event is gone (deleted, or its namespace is); the next occurrence starts a new one.
      this.seen.delete(key);
    }
  }

  /** The spam filter's token bucket for one object. */
  private admit(objectKey: string, now: number): boolean {
    let b = this.buckets.get(objectKey);
    if (!b) {
      if (this.buckets.size >= maxRemembered) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      b = { tokens: spamBurst, at: now };
      this.buckets.set(objectKey, b);
    }
    b.tokens = Math.min(spamBurst, b.tokens + (now - b.at) / spamRefillMs);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private remember(key: string, s: Seen): void {
    if (this.seen.size >= maxRemembered) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(key, s);
  }
}
