/** Conversions between the legacy `extensions/v1beta1` forms the seeds use and the stored forms. */
import type { KubeObject } from '../types.js';

export interface Converter {
  /** The request body, as the client sent it in this version → the stored form. */
  toStorage(obj: KubeObject): KubeObject;
  /** The stored form → this version, for responses and watch events. */
  fromStorage(obj: KubeObject): KubeObject;
}

const identity: Converter = { toStorage: (o) => o, fromStorage: (o) => o };

/** By kind: Job, DaemonSet, ReplicaSet, Deployment. */
export const extensionsConverters: Readonly<Record<string, Converter>> = {
  Job: identity,
  DaemonSet: identity,
  ReplicaSet: identity,
  Deployment: identity,
};
