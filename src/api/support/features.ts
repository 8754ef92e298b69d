/**
 * The pod-spec features whose effect depends on what runs the pod. Each says where in a pod spec
 * it is used, so that admission can refuse what no runtime does (check.ts) and warn about what
 * the runtimes of the cluster's nodes do not (tables.ts says which). Fields every runtime honours
 * the same way (names, env, ports, probes, …) are not listed: only what can be missing.
 */
import { isRecord } from '../types.js';

type Obj = Record<string, unknown>;

/** One place a pod spec uses a feature: the path below the spec, and for enumerated values the
 * value and what would be accepted (so the refusal reads "Unsupported value"). */
export interface Use {
  readonly path: string;
  readonly value?: string;
  readonly supported?: readonly string[];
}

export interface Feature {
  readonly id: string;
  /** The field as `kubectl explain` names it, below the pod spec. */
  readonly field: string;
  /** What it is, in a few words: the refusal says "not supported by skiff: <what>". */
  readonly what: string;
  readonly uses: (spec: Obj) => Use[];
}

const recs = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => (isRecord(x) ? x : {})) : []);
const set = (v: unknown): boolean => v !== undefined && v !== null;

type Located = { c: Obj; path: string };
/** Computed once per spec: admission asks every feature about the same spec. */
const containerCache = new WeakMap<Obj, Located[]>();
const volumeCache = new WeakMap<Obj, Obj[]>();

/** Every container of the spec with its path (`containers[0]`, `initContainers[1]`). */
function containers(spec: Obj): Located[] {
  let found = containerCache.get(spec);
  if (!found) {
    found = [];
    for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
      const items = spec[list];
      if (Array.isArray(items)) items.forEach((c, i) => found!.push({ c: isRecord(c) ? c : {}, path: `${list}[${i}]` }));
    }
    containerCache.set(spec, found);
  }
  return found;
}

function volumes(spec: Obj): Obj[] {
  let found = volumeCache.get(spec);
  if (!found) {
    found = recs(spec['volumes']);
    volumeCache.set(spec, found);
  }
  return found;
}

function podField(id: string, field: string, what: string, used: (v: unknown) => boolean): Feature {
  const parts = field.split('.');
  return {
    id, field, what,
    uses: (spec) => {
      let v: unknown = spec;
      for (const p of parts) v = isRecord(v) ? v[p] : undefined;
      return used(v) ? [{ path: field }] : [];
    },
  };
}

function containerField(id: string, field: string, what: string, used: (v: unknown) => boolean): Feature {
  const parts = field.split('.');
  return {
    id, field: `containers[*].${field}`, what,
    uses: (spec) => containers(spec).flatMap(({ c, path }) => {
      let v: unknown = c;
      for (const p of parts) v = isRecord(v) ? v[p] : undefined;
      return used(v) ? [{ path: `${path}.${field}` }] : [];
    }),
  };
}

/** A volume source, by its key in the volume (`nfs`, `csi`, …). */
function volumeType(kind: string, what: string): Feature {
  return {
    id: `volume.${kind}`, field: `volumes[*].${kind}`, what,
    uses: (spec) => volumes(spec).flatMap((v, i) => (set(v[kind]) ? [{ path: `volumes[${i}].${kind}` }] : [])),
  };
}

/** seccomp or AppArmor profiles of the pod and its containers that ask for something (a
 * profile of type Unconfined asks for nothing: it is what no profile means). */
function profile(id: string, key: 'seccompProfile' | 'appArmorProfile', what: string): Feature {
  const asks = (p: unknown): boolean => isRecord(p) && p['type'] !== 'Unconfined';
  return {
    id, field: `securityContext.${key}`, what,
    uses: (spec) => [
      ...(asks(isRecord(spec['securityContext']) ? spec['securityContext'][key] : undefined) ? [{ path: `securityContext.${key}` }] : []),
      ...containers(spec).flatMap(({ c, path }) => (asks(isRecord(c['securityContext']) ? c['securityContext'][key] : undefined) ? [{ path: `${path}.securityContext.${key}` }] : [])),
    ],
  };
}

const truthy = (v: unknown): boolean => v === true;
const present = (v: unknown): boolean => set(v) && !(Array.isArray(v) && v.length === 0) && !(isRecord(v) && Object.keys(v).length === 0);

/** Volume sources by kind; the runtimes' tables (tables.ts) say which are mounted: not the
 * network and cloud disks, the in-tree and CSI drivers. */
const foreignVolumes: readonly (readonly [string, string])[] = [
  ['gitRepo', 'gitRepo volumes (deprecated in Kubernetes)'], ['gcePersistentDisk', 'GCE persistent disks'],
  ['awsElasticBlockStore', 'AWS EBS volumes'], ['nfs', 'NFS volumes'], ['iscsi', 'iSCSI volumes'], ['glusterfs', 'GlusterFS volumes'],
  ['flocker', 'Flocker volumes'], ['persistentVolumeClaim', 'persistent volume claims'],
  ['rbd', 'Ceph RBD volumes'], ['quobyte', 'Quobyte volumes'], ['cinder', 'Cinder volumes'], ['cephfs', 'CephFS volumes'],
  ['flexVolume', 'FlexVolume drivers'], ['downwardAPI', 'downwardAPI volumes (use env valueFrom.fieldRef)'], ['fc', 'Fibre Channel volumes'],
  ['azureFile', 'Azure File volumes'], ['vsphereVolume', 'vSphere volumes'], ['azureDisk', 'Azure Disk volumes'],
  ['photonPersistentDisk', 'Photon persistent disks'], ['portworxVolume', 'Portworx volumes'], ['scaleIO', 'ScaleIO volumes'],
  ['storageos', 'StorageOS volumes'], ['csi', 'CSI volumes (no CSI drivers)'], ['ephemeral', 'generic ephemeral volumes (no PersistentVolumes)'],
  ['image', 'image volumes'],
];

export const features: readonly Feature[] = [
  volumeType('hostPath', 'hostPath volumes'),
  volumeType('emptyDir', 'emptyDir volumes'),
  {
    id: 'volume.emptyDir.medium', field: 'volumes[*].emptyDir.medium', what: 'memory-backed emptyDir volumes',
    uses: (spec) => volumes(spec).flatMap((v, i) => (isRecord(v['emptyDir']) && present(v['emptyDir']['medium']) ? [{ path: `volumes[${i}].emptyDir.medium` }] : [])),
  },
  {
    id: 'volume.emptyDir.sizeLimit', field: 'volumes[*].emptyDir.sizeLimit', what: 'emptyDir size limits',
    uses: (spec) => volumes(spec).flatMap((v, i) => (isRecord(v['emptyDir']) && present(v['emptyDir']['sizeLimit']) ? [{ path: `volumes[${i}].emptyDir.sizeLimit` }] : [])),
  },
  volumeType('secret', 'secret volumes'),
  volumeType('configMap', 'configMap volumes'),
  volumeType('projected', 'projected volumes'),
  ...foreignVolumes.map(([kind, what]) => volumeType(kind, what)),
  {
    id: 'container.volumeDevices', field: 'containers[*].volumeDevices', what: 'raw block devices (no PersistentVolumes)',
    uses: (spec) => containers(spec).flatMap(({ c, path }) => (present(c['volumeDevices']) ? [{ path: `${path}.volumeDevices` }] : [])),
  },
  {
    id: 'container.mountPropagation', field: 'containers[*].volumeMounts[*].mountPropagation', what: 'mount propagation',
    uses: (spec) => containers(spec).flatMap(({ c, path }) => recs(c['volumeMounts']).flatMap((m, i) => (present(m['mountPropagation']) && m['mountPropagation'] !== 'None' ? [{ path: `${path}.volumeMounts[${i}].mountPropagation` }] : []))),
  },
  podField('pod.hostNetwork', 'hostNetwork', "the host's network namespace", truthy),
  podField('pod.hostPID', 'hostPID', "the host's PID namespace", truthy),
  podField('pod.hostIPC', 'hostIPC', "the host's IPC namespace", truthy),
  podField('pod.shareProcessNamespace', 'shareProcessNamespace', 'one PID namespace for all containers of the pod', truthy),
  podField('pod.hostAliases', 'hostAliases', 'extra /etc/hosts entries', present),
  podField('pod.hostname', 'hostname', 'the pod hostname', present),
  podField('pod.setHostnameAsFQDN', 'setHostnameAsFQDN', 'the FQDN as hostname', truthy),
  podField('pod.dnsConfig', 'dnsConfig', 'DNS resolver settings', present),
  {
    id: 'pod.os', field: 'os.name', what: 'Windows pods',
    uses: (spec) => (isRecord(spec['os']) && present(spec['os']['name']) && spec['os']['name'] !== 'linux' ? [{ path: 'os.name', value: String(spec['os']['name']), supported: ['linux'] }] : []),
  },
  podField('pod.runtimeClassName', 'runtimeClassName', 'RuntimeClasses (skiff serves none)', present),
  podField('pod.imagePullSecrets', 'imagePullSecrets', 'registry credentials', present),
  profile('seccomp', 'seccompProfile', 'seccomp profiles'),
  profile('apparmor', 'appArmorProfile', 'AppArmor profiles'),
  podField('pod.sysctls', 'securityContext.sysctls', 'namespaced sysctls', present),
  podField('pod.fsGroup', 'securityContext.fsGroup', 'volume ownership by fsGroup', set),
  {
    id: 'seLinuxOptions', field: 'securityContext.seLinuxOptions', what: 'SELinux labels',
    uses: (spec) => [
      ...(isRecord(spec['securityContext']) && present(spec['securityContext']['seLinuxOptions']) ? [{ path: 'securityContext.seLinuxOptions' }] : []),
      ...containers(spec).flatMap(({ c, path }) => (isRecord(c['securityContext']) && present(c['securityContext']['seLinuxOptions']) ? [{ path: `${path}.securityContext.seLinuxOptions` }] : [])),
    ],
  },
  containerField('container.limits', 'resources.limits', 'resource limits', present),
  containerField('container.privileged', 'securityContext.privileged', 'privileged containers', truthy),
  containerField('container.capabilities', 'securityContext.capabilities', 'capability sets', present),
  containerField('container.allowPrivilegeEscalation', 'securityContext.allowPrivilegeEscalation', 'no_new_privs', (v) => v === false),
  containerField('container.readOnlyRootFilesystem', 'securityContext.readOnlyRootFilesystem', 'read-only root filesystems', truthy),
  containerField('container.procMount', 'securityContext.procMount', 'an unmasked /proc', (v) => v === 'Unmasked'),
  containerField('container.stdin', 'stdin', 'stdin (skiff has no attach)', truthy),
  containerField('container.tty', 'tty', 'a terminal (skiff has no attach)', truthy),
];

export const featureById: ReadonlyMap<string, Feature> = new Map(features.map((f) => [f.id, f]));
