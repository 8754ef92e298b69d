/**
 * Pod defaulting, as Kubernetes' SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container and the
 * declarative defaults of core/v1 do it.
 *
 * Pod templates (in RCs, replica sets, deployments, daemon sets, jobs) get the PodSpec and container
 * defaults but not the Pod-only ones (`enableServiceLinks`, requests copied from limits, host ports
 * from container ports under hostNetwork): Kubernetes keeps those in SetDefaults_Pod so that
 * changing them never changes a controller's template (and thus never rolls its pods).
 */
import { Quantity } from '../quantity.js';
import { isRecord } from '../types.js';
import { ensureObj, objAt, records, setDefault, type Obj } from './util.js';

/** The tag of an image reference, `latest` when it has neither tag nor digest (Docker's rule). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const hasDigest = at >= 0;
  const name = hasDigest ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.indexOf(':', lastSlash + 1);
  if (colon >= 0) return name.slice(colon + 1);
  return hasDigest ? '' : 'latest';
}

/** `Always` for `:latest` and untagged images, else `IfNotPresent`. */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  return typeof image === 'string' && imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Quantities rounded up to milli precision and written canonically (`0.5` → `500m`,
 * `1024Mi` → `1Gi`), as Kubernetes' SetDefaults_ResourceList and serialisation do. Unparseable
 * values are left for validation to report. */
export function defaultResourceList(list: unknown): void {
  if (!isRecord(list)) return;
  for (const [k, v] of Object.entries(list)) {
    const q = typeof v === 'string' || typeof v === 'number' ? Quantity.tryParse(String(v)) : undefined;
    if (q) list[k] = q.roundUp(-3).toString();
  }
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  for (const [k, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (p[k] === undefined || p[k] === null || p[k] === 0) p[k] = v;
  }
  const http = objAt(p, 'httpGet');
  if (http) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
  // GRPCAction.service is `+default=""`: kubectl 1.32 describe dereferences it.
  const grpc = objAt(p, 'grpc');
  if (grpc) setDefault(grpc, 'service', '');
}

function defaultLifecycleHandler(h: Obj | undefined): void {
  const http = objAt(h, 'httpGet');
  if (http) {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

/** SetDefaults_Container and the container's declarative defaults. */
export function defaultContainer(c: Obj): void {
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(c['image']));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const p of records(c['ports'])) setDefault(p, 'protocol', 'TCP');
  for (const e of records(c['env'])) {
    const ref = objAt(objAt(e, 'valueFrom'), 'fieldRef');
    if (ref) setDefault(ref, 'apiVersion', 'v1');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(objAt(c, probe));
  const lifecycle = objAt(c, 'lifecycle');
  defaultLifecycleHandler(objAt(lifecycle, 'postStart'));
  defaultLifecycleHandler(objAt(lifecycle, 'preStop'));
  const res = objAt(c, 'resources');
  defaultResourceList(res?.['limits']);
  defaultResourceList(res?.['requests']);
}

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

/** SetDefaults_Volume (no source → emptyDir) and the sources' defaults (file modes 0644). */
export function defaultVolume(v: Obj): void {
  if (!volumeSources.some((s) => v[s] !== undefined && v[s] !== null)) v['emptyDir'] = {};
  for (const src of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = objAt(v, src);
    if (s) setDefault(s, 'defaultMode', 420);
  }
  const hostPath = objAt(v, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  for (const item of records(objAt(v, 'downwardAPI')?.['items'])) {
    const ref = objAt(item, 'fieldRef');
    if (ref) setDefault(ref, 'apiVersion', 'v1');
  }
}

/** SetDefaults_PodSpec and the defaults of everything a PodSpec holds. */
export function defaultPodSpec(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  if (spec['securityContext'] === undefined || spec['securityContext'] === null) spec['securityContext'] = {};
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of records(spec['containers'])) defaultContainer(c);
  for (const c of records(spec['initContainers'])) defaultContainer(c);
  for (const c of records(spec['ephemeralContainers'])) defaultContainer(c);
  for (const v of records(spec['volumes'])) defaultVolume(v);
}

/** The pod-only defaults of SetDefaults_Pod. */
function defaultPodOnly(spec: Obj): void {
  const all = [...records(spec['containers']), ...records(spec['initContainers'])];
  for (const c of all) {
    const res = objAt(c, 'resources');
    const limits = objAt(res, 'limits');
    if (!res || !limits) continue;
    const requests = ensureObj(res, 'requests');
    if (!requests) continue;
    for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
  }
  setDefault(spec, 'enableServiceLinks', true);
  if (spec['hostNetwork'] === true) {
    for (const c of all) {
      for (const p of records(c['ports'])) {
        if (p['hostPort'] === undefined || p['hostPort'] === null || p['hostPort'] === 0) p['hostPort'] = p['containerPort'];
      }
    }
  }
}

/** A Pod's defaults, in place. */
export function defaultPod(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  defaultPodSpec(spec);
  defaultPodOnly(spec);
}

/** A pod template's defaults (`spec.template` of a controller), in place. */
export function defaultPodTemplate(template: unknown): void {
  if (!isRecord(template)) return;
  const spec = ensureObj(template, 'spec');
  if (spec) defaultPodSpec(spec);
}
