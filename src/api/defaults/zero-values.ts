/**
 * The fields Kubernetes always sends although nobody set them. kube-apiserver encodes Go structs,
 * so a field without `omitempty` (an int, a string) goes out as its zero value and a nested struct
 * goes out as at least `{}`; strict clients (the official Python client's generated models) refuse
 * an object that lacks them — a just-created ReplicationController must say `replicas: 0`.
 *
 * One shape per kind, listing only such fields: in status, and an Event's top-level ones; never in
 * spec, which update validation compares between the stored and the sent form. The registry fills
 * them after validation, before it stores, and when it decodes, so every read and write path (get,
 * list, watch, create/update/patch/delete answers) carries them, for objects stored earlier too.
 */
import { isRecord } from '../types.js';
import type { KubeObject } from '../types.js';
import type { Obj } from './util.js';

/** A leaf is the zero value itself; an object is filled field by field (created when absent);
 * a one-element array applies its element's shape to every item present. */
type Shape = string | number | boolean | ShapeObject | readonly [Shape];
interface ShapeObject { readonly [k: string]: Shape }

function isShapeObject(s: Shape | undefined): s is ShapeObject {
  return typeof s === 'object' && !Array.isArray(s);
}

/** core/v1 ContainerStatus: name, ready, restartCount, image, imageID and both states. */
const containerStatus: Shape = { name: '', state: {}, lastState: {}, ready: false, restartCount: 0, image: '', imageID: '' };

/** ReplicationController and ReplicaSet (apps/v1, extensions/v1beta1): only `replicas`. */
const replicasStatus: Shape = { status: { replicas: 0 } };

const shapes: Readonly<Record<string, Shape>> = {
  Pod: {
    status: { containerStatuses: [containerStatus], initContainerStatuses: [containerStatus], ephemeralContainerStatuses: [containerStatus] },
  },
  ReplicationController: replicasStatus,
  ReplicaSet: replicasStatus,
  StatefulSet: { status: { replicas: 0, availableReplicas: 0 } },
  DaemonSet: {
    status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
  },
  Service: { status: { loadBalancer: {} } },
  PodDisruptionBudget: { status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } },
  Node: {
    status: {
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        machineID: '', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '',
        kubeletVersion: '', kubeProxyVersion: '', operatingSystem: '', architecture: '',
      },
    },
  },
  Event: { involvedObject: {}, source: {}, reportingComponent: '', reportingInstance: '' },
};

function fill(target: Obj, shape: ShapeObject): void {
  for (const [key, want] of Object.entries(shape)) {
    const have = target[key];
    if (Array.isArray(want)) {
      const item = (want as readonly [Shape])[0];
      if (Array.isArray(have) && isShapeObject(item)) for (const el of have) if (isRecord(el)) fill(el, item);
    } else if (isShapeObject(want)) {
      if (have === undefined || have === null) {
        const created: Obj = {};
        fill(created, want);
        target[key] = created;
      } else if (isRecord(have)) {
        fill(have, want);
      }
    } else if (have === undefined || have === null) {
      target[key] = want;
    }
  }
}

/** Adds, in place, the zero values Kubernetes would send for `kind` where they are absent;
 * what is present (even malformed) is left for validation to judge. Idempotent. */
export function fillZeroValues(kind: string | undefined, obj: KubeObject): void {
  const shape = kind === undefined ? undefined : shapes[kind];
  if (isShapeObject(shape)) fill(obj as unknown as Obj, shape);
}
