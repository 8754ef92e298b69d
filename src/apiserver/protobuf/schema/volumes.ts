/** core/v1 Volume and its sources (grammar in dsl.ts). */
import type { MessageTable } from './dsl.js';

export const volumeMessages: MessageTable = {
  HostPathVolumeSource: 'path=1 type=2?',
  EmptyDirVolumeSource: 'medium=1 sizeLimit=2:Quantity? mode=3:i32?',
  GCEPersistentDiskVolumeSource: 'pdName=1 fsType=2 partition=3:i32 readOnly=4:b',
  AWSElasticBlockStoreVolumeSource: 'volumeID=1 fsType=2 partition=3:i32 readOnly=4:b',
  GitRepoVolumeSource: 'repository=1 revision=2 directory=3',
  KeyToPath: 'key=1 path=2 mode=3:i32? user=4:i64?',
  SecretVolumeSource: 'secretName=1 items=2:KeyToPath* defaultMode=3:i32? optional=4:b? defaultUser=5:i64?',
  NFSVolumeSource: 'server=1 path=2 readOnly=3:b',
  ISCSIVolumeSource:
    'targetPortal=1 iqn=2 lun=3:i32 iscsiInterface=4 fsType=5 readOnly=6:b portals=7* chapAuthDiscovery=8:b ' +
    'secretRef=10:LocalObjectReference chapAuthSession=11:b initiatorName=12?',
  GlusterfsVolumeSource: 'endpoints=1 path=2 readOnly=3:b',
  PersistentVolumeClaimVolumeSource: 'claimName=1 readOnly=2:b',
  RBDVolumeSource: 'monitors=1* image=2 fsType=3 pool=4 user=5 keyring=6 secretRef=7:LocalObjectReference readOnly=8:b',
  FlexVolumeSource: 'driver=1 fsType=2 secretRef=3:LocalObjectReference readOnly=4:b options=5:{s}',
  CinderVolumeSource: 'volumeID=1 fsType=2 readOnly=3:b secretRef=4:LocalObjectReference',
  CephFSVolumeSource: 'monitors=1* path=2 user=3 secretFile=4 secretRef=5:LocalObjectReference readOnly=6:b',
  FlockerVolumeSource: 'datasetName=1 datasetUUID=2',
  DownwardAPIVolumeFile: 'path=1 fieldRef=2:ObjectFieldSelector resourceFieldRef=3:ResourceFieldSelector mode=4:i32? user=5:i64?',
  DownwardAPIVolumeSource: 'items=1:DownwardAPIVolumeFile* defaultMode=2:i32? defaultUser=3:i64?',
  FCVolumeSource: 'targetWWNs=1* lun=2:i32? fsType=3 readOnly=4:b wwids=5*',
  AzureFileVolumeSource: 'secretName=1 shareName=2 readOnly=3:b',
  ConfigMapVolumeSource: '~=1:LocalObjectReference items=2:KeyToPath* defaultMode=3:i32? optional=4:b? defaultUser=5:i64?',
  VsphereVirtualDiskVolumeSource: 'volumePath=1 fsType=2 storagePolicyName=3 storagePolicyID=4',
  QuobyteVolumeSource: 'registry=1 volume=2 readOnly=3:b user=4 group=5 tenant=6',
  AzureDiskVolumeSource: 'diskName=1 diskURI=2 cachingMode=3? fsType=4? readOnly=5:b? kind=6?',
  PhotonPersistentDiskVolumeSource: 'pdID=1 fsType=2',
  SecretProjection: '~=1:LocalObjectReference items=2:KeyToPath* optional=4:b?',
  DownwardAPIProjection: 'items=1:DownwardAPIVolumeFile*',
  ConfigMapProjection: '~=1:LocalObjectReference items=2:KeyToPath* optional=4:b?',
  ServiceAccountTokenProjection: 'audience=1 expirationSeconds=2:i64? path=3 user=4:i64?',
  ClusterTrustBundleProjection: 'name=1? signerName=2? labelSelector=3:LabelSelector path=4 optional=5:b? user=6:i64?',
  PodCertificateProjection:
    'signerName=1 keyType=2 maxExpirationSeconds=3:i32? credentialBundlePath=4 keyPath=5 certificateChainPath=6 ' +
    'userAnnotations=7:{s} user=8:i64?',
  VolumeProjection:
    'secret=1:SecretProjection downwardAPI=2:DownwardAPIProjection configMap=3:ConfigMapProjection ' +
    'serviceAccountToken=4:ServiceAccountTokenProjection clusterTrustBundle=5:ClusterTrustBundleProjection ' +
    'podCertificate=6:PodCertificateProjection',
  ProjectedVolumeSource: 'sources=1:VolumeProjection* defaultMode=2:i32? defaultUser=3:i64?',
  PortworxVolumeSource: 'volumeID=1 fsType=2 readOnly=3:b',
  ScaleIOVolumeSource:
    'gateway=1 system=2 secretRef=3:LocalObjectReference sslEnabled=4:b protectionDomain=5 storagePool=6 ' +
    'storageMode=7 volumeName=8 fsType=9 readOnly=10:b',
  StorageOSVolumeSource: 'volumeName=1 volumeNamespace=2 fsType=3 readOnly=4:b secretRef=5:LocalObjectReference',
  CSIVolumeSource: 'driver=1 readOnly=2:b? fsType=3? volumeAttributes=4:{s} nodePublishSecretRef=5:LocalObjectReference',
  VolumeResourceRequirements: 'limits=1:{Quantity} requests=2:{Quantity}',
  TypedLocalObjectReference: 'apiGroup=1? kind=2 name=3',
  TypedObjectReference: 'apiGroup=1? kind=2 name=3 namespace=4?',
  PersistentVolumeClaimSpec:
    'accessModes=1* resources=2:VolumeResourceRequirements volumeName=3 selector=4:LabelSelector ' +
    'storageClassName=5? volumeMode=6? dataSource=7:TypedLocalObjectReference dataSourceRef=8:TypedObjectReference ' +
    'volumeAttributesClassName=9?',
  PersistentVolumeClaimTemplate: 'metadata=1:ObjectMeta spec=2:PersistentVolumeClaimSpec',
  EphemeralVolumeSource: 'volumeClaimTemplate=1:PersistentVolumeClaimTemplate',
  ImageVolumeSource: 'reference=1 pullPolicy=2',
  VolumeSource:
    'hostPath=1:HostPathVolumeSource emptyDir=2:EmptyDirVolumeSource ' +
    'gcePersistentDisk=3:GCEPersistentDiskVolumeSource awsElasticBlockStore=4:AWSElasticBlockStoreVolumeSource ' +
    'gitRepo=5:GitRepoVolumeSource secret=6:SecretVolumeSource nfs=7:NFSVolumeSource iscsi=8:ISCSIVolumeSource ' +
    'glusterfs=9:GlusterfsVolumeSource persistentVolumeClaim=10:PersistentVolumeClaimVolumeSource ' +
    'rbd=11:RBDVolumeSource flexVolume=12:FlexVolumeSource cinder=13:CinderVolumeSource ' +
    'cephfs=14:CephFSVolumeSource flocker=15:FlockerVolumeSource downwardAPI=16:DownwardAPIVolumeSource ' +
    'fc=17:FCVolumeSource azureFile=18:AzureFileVolumeSource configMap=19:ConfigMapVolumeSource ' +
    'vsphereVolume=20:VsphereVirtualDiskVolumeSource quobyte=21:QuobyteVolumeSource ' +
    'azureDisk=22:AzureDiskVolumeSource photonPersistentDisk=23:PhotonPersistentDiskVolumeSource ' +
    'portworxVolume=24:PortworxVolumeSource scaleIO=25:ScaleIOVolumeSource projected=26:ProjectedVolumeSource ' +
    'storageos=27:StorageOSVolumeSource csi=28:CSIVolumeSource ephemeral=29:EphemeralVolumeSource ' +
    'image=30:ImageVolumeSource',
  Volume: 'name=1 ~=2:VolumeSource',
};
