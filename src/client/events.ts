/**
 * Kubernetes Events for what a component did (`SuccessfulCreate`, `FailedScheduling`, …). The same
 * reason and message about the same object within ten minutes bump `count` on one Event instead of
 * writing a new one, as client-go's event correlator does. Recording never throws: an Event that
 * cannot be written is lost, the work it describes is not.
 */
import { randomBytes } from 'node:crypto';
import { events as eventsResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Event } from '../api/kinds.js';
import type { RestClient } from './rest.js';

const aggregateWindowMs = 10 * 60_000;
const maxRemembered = 4096;

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

  constructor(private readonly client: RestClient, readonly source: EventSource) {}

  /** Records an Event about `obj`; resolves when written (or given up on). */
  async event(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const key = `${obj.kind ?? ''}/${namespace}/${obj.metadata.name ?? ''}/${obj.metadata.uid ?? ''}/${type}/${reason}/${message}`;
    const now = Date.now();
    const stamp = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
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

  private remember(key: string, s: Seen): void {
    if (this.seen.size >= maxRemembered) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(key, s);
  }
}
