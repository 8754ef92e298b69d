/**
 * Conversions between the legacy `extensions/v1beta1` forms the seeds use and the stored forms
 * (`batch/v1` Job, `apps/v1` DaemonSet, ReplicaSet, Deployment). The field mapping is documented
 * in `extensions.ts`.
 */
import type { KubeObject } from '../types.js';
import {
  appsFromStorage, daemonSetToStorage, deploymentToStorage, jobFromStorage, jobToStorage, replicaSetToStorage,
} from './extensions.js';

export { normalizeSelector, selectorFromTemplate } from './selector.js';
import { hpaV1FromStorage, hpaV1ToStorage } from './autoscaling.js';
export { LEGACY_API_VERSION } from './extensions.js';

export interface Converter {
  /** The request body, as the client sent it in this version → the stored form. */
  toStorage(obj: KubeObject): KubeObject;
  /** The stored form → this version, for responses and watch events. */
  fromStorage(obj: KubeObject): KubeObject;
}

/** By kind: Job, DaemonSet, ReplicaSet, Deployment. */
export const extensionsConverters: Readonly<Record<string, Converter>> = {
  Job: { toStorage: jobToStorage, fromStorage: jobFromStorage },
  DaemonSet: { toStorage: daemonSetToStorage, fromStorage: appsFromStorage },
  ReplicaSet: { toStorage: replicaSetToStorage, fromStorage: appsFromStorage },
  Deployment: { toStorage: deploymentToStorage, fromStorage: appsFromStorage },
};

/** autoscaling/v1 HorizontalPodAutoscaler ↔ the stored autoscaling/v2 form. */
export const autoscalingV1Converter: Converter = { toStorage: hpaV1ToStorage, fromStorage: hpaV1FromStorage };
