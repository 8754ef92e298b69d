/** Pod volumes and their sources. */
import {
  any, bool, defs, int, int64, list, obj, quantity, quantityMap, ref, str, strList, type Definitions, type Schema,
} from './dsl.js';

const atomic = { listType: 'atomic' } as const;
const mode = (what: string): Schema => int(`Permission bits for ${what}, as a number (0644 octal is 420). Defaults to 0644.`);

/** Old in-tree volume plugins: known by name so manifests that use them are accepted; their
 * contents are not checked. */
const legacyPlugins: Readonly<Record<string, Schema>> = Object.fromEntries(
  ['azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'glusterfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume']
    .map((n) => [n, any(`A volume of the in-tree \`${n}\` plugin (deprecated); its fields are passed through unchecked.`)]),
);

export const volumeDefinitions: Definitions = defs('core', {
  Volume: obj({
    name: str('Name of the volume, unique in the pod; volumeMounts refer to it.'),
    emptyDir: ref('core.EmptyDirVolumeSource', 'An empty directory that lives as long as the pod.'),
    hostPath: ref('core.HostPathVolumeSource', 'A file or directory of the node.'),
    configMap: ref('core.ConfigMapVolumeSource', 'The keys of a config map as files.'),
    secret: ref('core.SecretVolumeSource', 'The keys of a secret as files.'),
    persistentVolumeClaim: ref('core.PersistentVolumeClaimVolumeSource', 'A persistent volume bound to a claim.'),
    downwardAPI: ref('core.DownwardAPIVolumeSource', 'Fields of the pod as files.'),
    projected: ref('core.ProjectedVolumeSource', 'Several sources (secrets, config maps, downward API, tokens) in one directory.'),
    nfs: ref('core.NFSVolumeSource', 'An NFS export.'),
    csi: ref('core.CSIVolumeSource', 'An inline volume from a CSI driver.'),
    image: ref('core.ImageVolumeSource', 'The contents of an OCI image, read-only.'),
    gitRepo: ref('core.GitRepoVolumeSource', 'Deprecated: a git repository cloned into an empty directory.'),
    iscsi: ref('core.ISCSIVolumeSource', 'An iSCSI disk.'),
    awsElasticBlockStore: ref('core.AWSElasticBlockStoreVolumeSource', 'Deprecated: an AWS EBS volume.'),
    gcePersistentDisk: ref('core.GCEPersistentDiskVolumeSource', 'Deprecated: a GCE persistent disk.'),
    ephemeral: ref('core.EphemeralVolumeSource', 'A volume from a claim created with the pod and deleted with it.'),
    ...legacyPlugins,
  }, 'A named volume of a pod; exactly one source may be set.', ['name']),
  EmptyDirVolumeSource: obj({
    medium: str('Storage medium: empty for the node\'s default disk, `Memory` for tmpfs.'),
    sizeLimit: quantity('The most the directory may hold.'),
  }, 'An empty directory.'),
  HostPathVolumeSource: obj({
    path: str('Path on the node.'),
    type: str('What must be at the path: empty (no check), `DirectoryOrCreate`, `Directory`, `FileOrCreate`, `File`, `Socket`, `CharDevice`, `BlockDevice`.'),
  }, 'A path on the node.', ['path']),
  ConfigMapVolumeSource: obj({
    name: str('Name of the config map.'),
    items: list(ref('core.KeyToPath'), 'Only these keys, at these paths; all keys when empty.', atomic),
    defaultMode: mode('the files'),
    optional: bool('Whether the config map may be missing.'),
  }, 'A config map as a directory of files.'),
  SecretVolumeSource: obj({
    secretName: str('Name of the secret.'),
    items: list(ref('core.KeyToPath'), 'Only these keys, at these paths; all keys when empty.', atomic),
    defaultMode: mode('the files'),
    optional: bool('Whether the secret may be missing.'),
  }, 'A secret as a directory of files.'),
  KeyToPath: obj({
    key: str('The key to project.'),
    path: str('Relative path of the file.'),
    mode: mode('this file'),
  }, 'Maps a key to a file.', ['key', 'path']),
  PersistentVolumeClaimVolumeSource: obj({
    claimName: str('Name of the claim in the pod\'s namespace.'),
    readOnly: bool('Mount read-only.'),
  }, 'A persistent volume claim.', ['claimName']),
  DownwardAPIVolumeSource: obj({
    items: list(ref('core.DownwardAPIVolumeFile'), 'The files.', atomic),
    defaultMode: mode('the files'),
  }, 'Pod fields and container resources as files.'),
  DownwardAPIVolumeFile: obj({
    path: str('Relative path of the file.'),
    fieldRef: ref('core.ObjectFieldSelector', 'A pod field: metadata.name, metadata.namespace, metadata.uid, metadata.labels, metadata.annotations.'),
    resourceFieldRef: ref('core.ResourceFieldSelector', 'A container resource limit or request.'),
    mode: mode('this file'),
  }, 'One downward API file.', ['path']),
  ProjectedVolumeSource: obj({
    sources: list(ref('core.VolumeProjection'), 'The sources.', atomic),
    defaultMode: mode('the files'),
  }, 'Several sources projected into one directory.'),
  VolumeProjection: obj({
    secret: ref('core.SecretProjection', 'A secret.'),
    configMap: ref('core.ConfigMapProjection', 'A config map.'),
    downwardAPI: ref('core.DownwardAPIProjection', 'Downward API files.'),
    serviceAccountToken: ref('core.ServiceAccountTokenProjection', 'A service account token.'),
    clusterTrustBundle: ref('core.ClusterTrustBundleProjection', 'Certificates of a cluster trust bundle.'),
  }, 'One projected source.'),
  SecretProjection: obj({
    name: str('Name of the secret.'),
    items: list(ref('core.KeyToPath'), 'Only these keys.', atomic),
    optional: bool('Whether the secret may be missing.'),
  }, 'A projected secret.'),
  ConfigMapProjection: obj({
    name: str('Name of the config map.'),
    items: list(ref('core.KeyToPath'), 'Only these keys.', atomic),
    optional: bool('Whether the config map may be missing.'),
  }, 'A projected config map.'),
  DownwardAPIProjection: obj({ items: list(ref('core.DownwardAPIVolumeFile'), 'The files.', atomic) }, 'Projected downward API files.'),
  ServiceAccountTokenProjection: obj({
    audience: str('Intended audience of the token.'),
    expirationSeconds: int64('Requested validity of the token. Default one hour.'),
    path: str('Relative path of the token file.'),
  }, 'A projected service account token.', ['path']),
  ClusterTrustBundleProjection: obj({
    name: str('Name of a trust bundle.'),
    signerName: str('Select bundles by signer.'),
    labelSelector: ref('meta.LabelSelector', 'Select bundles by labels.'),
    optional: bool('Whether the bundle may be missing.'),
    path: str('Relative path of the file.'),
  }, 'Projected trust bundle certificates.', ['path']),
  NFSVolumeSource: obj({
    server: str('Host name or address of the NFS server.'),
    path: str('The exported path.'),
    readOnly: bool('Mount read-only.'),
  }, 'An NFS mount.', ['server', 'path']),
  CSIVolumeSource: obj({
    driver: str('Name of the CSI driver.'),
    readOnly: bool('Mount read-only.'),
    fsType: str('Filesystem type, such as `ext4`.'),
    volumeAttributes: { t: 'map', values: str(), description: 'Driver-specific attributes.' },
    nodePublishSecretRef: ref('core.LocalObjectReference', 'A secret passed to the driver.'),
  }, 'An inline CSI volume.', ['driver']),
  ImageVolumeSource: obj({
    reference: str('The image reference.'),
    pullPolicy: str('`Always`, `Never` or `IfNotPresent`.'),
  }, 'An OCI image mounted as a volume.'),
  GitRepoVolumeSource: obj({
    repository: str('Repository URL.'),
    revision: str('Commit hash to check out.'),
    directory: str('Target directory name.'),
  }, 'A git repository clone.', ['repository']),
  ISCSIVolumeSource: obj({
    targetPortal: str('Target portal, `ip:port`.'),
    iqn: str('iSCSI qualified name of the target.'),
    lun: int('Target LUN number.'),
    iscsiInterface: str('iSCSI interface name.'),
    fsType: str('Filesystem type.'),
    readOnly: bool('Mount read-only.'),
    portals: strList('Further target portals.'),
    chapAuthDiscovery: bool('Use CHAP for discovery.'),
    chapAuthSession: bool('Use CHAP for the session.'),
    secretRef: ref('core.LocalObjectReference', 'CHAP credentials.'),
    initiatorName: str('Custom initiator name.'),
  }, 'An iSCSI disk.', ['targetPortal', 'iqn', 'lun']),
  AWSElasticBlockStoreVolumeSource: obj({
    volumeID: str('The EBS volume ID.'),
    fsType: str('Filesystem type.'),
    partition: int('Partition number.'),
    readOnly: bool('Mount read-only.'),
  }, 'An AWS EBS volume.', ['volumeID']),
  GCEPersistentDiskVolumeSource: obj({
    pdName: str('Name of the disk.'),
    fsType: str('Filesystem type.'),
    partition: int('Partition number.'),
    readOnly: bool('Mount read-only.'),
  }, 'A GCE persistent disk.', ['pdName']),
  EphemeralVolumeSource: obj({
    volumeClaimTemplate: ref('core.PersistentVolumeClaimTemplate', 'The claim to create for the pod, named `<pod>-<volume>`.'),
  }, 'A generic ephemeral volume.'),
  PersistentVolumeClaimTemplate: obj({
    metadata: ref('meta.ObjectMeta', 'Labels and annotations copied to the claim.'),
    spec: ref('core.PersistentVolumeClaimSpec', 'The spec of the claim.'),
  }, 'A template of a persistent volume claim.', ['spec']),
  PersistentVolumeClaimSpec: obj({
    accessModes: strList('`ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany` or `ReadWriteOncePod`.'),
    selector: ref('meta.LabelSelector', 'Volumes to consider, by label.'),
    resources: ref('core.VolumeResourceRequirements', 'The storage requested.'),
    volumeName: str('Bind to this persistent volume.'),
    storageClassName: str('The storage class of the volume.'),
    volumeMode: str('`Filesystem` (default) or `Block`.'),
    dataSource: ref('core.TypedLocalObjectReference', 'Populate the volume from a snapshot or claim.'),
    dataSourceRef: ref('core.TypedObjectReference', 'Populate the volume from any populator object.'),
    volumeAttributesClassName: str('The volume attributes class.'),
  }, 'The desired storage of a claim.'),
  VolumeResourceRequirements: obj({
    limits: quantityMap('The most storage allowed.'),
    requests: quantityMap('The storage requested, e.g. `storage: 1Gi`.'),
  }, 'Storage requirements.'),
  TypedObjectReference: obj({
    apiGroup: str('Group of the referent; empty for core.'),
    kind: str('Kind of the referent.'),
    name: str('Name of the referent.'),
    namespace: str('Namespace of the referent.'),
  }, 'A typed reference to an object.', ['kind', 'name']),
});
