/** Server-set object metadata: names from generateName, uid, timestamps. */
import { randomUUID, randomInt } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import { kubeTime } from '../../api/time.js';

// Kubernetes' generateName alphabet: no vowels (no accidental words) and no look-alike characters.
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}


/** Fill what the server owns on create. `name` is generated here when only generateName is set
 * (the 63-character limit leaves room for the 5-character suffix, as Kubernetes does). */
export function fillCreateMetadata(obj: KubeObject): void {
  const m = obj.metadata;
  if (!m.name && m.generateName) {
    const base = m.generateName.length > 58 ? m.generateName.slice(0, 58) : m.generateName;
    m.name = base + randomSuffix();
  }
  m.uid = randomUUID();
  m.creationTimestamp = kubeTime();
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
}

/** Fields of metadata an update may not change: they are carried over from the stored object. */
export function keepImmutableMetadata(obj: KubeObject, old: KubeObject): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.name = o.name;
  if (o.namespace !== undefined) m.namespace = o.namespace;
  if (o.generateName !== undefined) m.generateName = o.generateName;
  else delete m.generateName;
  // deletionTimestamp only ever comes from a DELETE; clients cannot set or clear it.
  if (o.deletionTimestamp !== undefined) {
    m.deletionTimestamp = o.deletionTimestamp;
    m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  delete m.selfLink;
}
