/** core/v1 PodSpec and everything under it except volume sources (grammar in dsl.ts). */
import type { MessageTable } from './dsl.js';

export const podMessages: MessageTable = {
  LocalObjectReference: 'name=1',
  ObjectFieldSelector: 'apiVersion=1 fieldPath=2',
  ResourceFieldSelector: 'containerName=1 resource=2 divisor=3:Quantity',
  ContainerPort: 'name=1 hostPort=2:i32 containerPort=3:i32 protocol=4 hostIP=5',
  ConfigMapEnvSource: '~=1:LocalObjectReference optional=2:b?',
  SecretEnvSource: '~=1:LocalObjectReference optional=2:b?',
  EnvFromSource: 'prefix=1 configMapRef=2:ConfigMapEnvSource secretRef=3:SecretEnvSource',
  ConfigMapKeySelector: '~=1:LocalObjectReference key=2 optional=3:b?',
  SecretKeySelector: '~=1:LocalObjectReference key=2 optional=3:b?',
  FileKeySelector: 'volumeName=1 path=2 key=3 optional=4:b?',
  EnvVarSource:
    'fieldRef=1:ObjectFieldSelector resourceFieldRef=2:ResourceFieldSelector configMapKeyRef=3:ConfigMapKeySelector ' +
    'secretKeyRef=4:SecretKeySelector fileKeyRef=5:FileKeySelector',
  EnvVar: 'name=1 value=2 valueFrom=3:EnvVarSource',
  ResourceClaim: 'name=1 request=2',
  ResourceRequirements: 'limits=1:{Quantity} requests=2:{Quantity} claims=3:ResourceClaim*',
  ContainerResizePolicy: 'resourceName=1 restartPolicy=2',
  ContainerRestartRuleOnExitCodes: 'operator=1 values=2:i32*',
  ContainerRestartRule: 'action=1 exitCodes=2:ContainerRestartRuleOnExitCodes',
  VolumeMount:
    'name=1 readOnly=2:b mountPath=3 subPath=4 mountPropagation=5? subPathExpr=6 recursiveReadOnly=7? ' +
    'bindMountOptions=8*',
  VolumeDevice: 'name=1 devicePath=2',
  ExecAction: 'command=1*',
  HTTPHeader: 'name=1 value=2',
  HTTPGetAction: 'path=1 port=2:IntOrString host=3 scheme=4 httpHeaders=5:HTTPHeader* protocol=6?',
  TCPSocketAction: 'port=1:IntOrString host=2',
  GRPCAction: 'port=1:i32 service=2? mode=3?',
  ProbeHandler: 'exec=1:ExecAction httpGet=2:HTTPGetAction tcpSocket=3:TCPSocketAction grpc=4:GRPCAction',
  Probe:
    '~=1:ProbeHandler initialDelaySeconds=2:i32 timeoutSeconds=3:i32 periodSeconds=4:i32 successThreshold=5:i32 ' +
    'failureThreshold=6:i32 terminationGracePeriodSeconds=7:i64?',
  SleepAction: 'seconds=1:i64',
  LifecycleHandler: 'exec=1:ExecAction httpGet=2:HTTPGetAction tcpSocket=3:TCPSocketAction sleep=4:SleepAction',
  Lifecycle: 'postStart=1:LifecycleHandler preStop=2:LifecycleHandler stopSignal=3?',
  Capabilities: 'add=1* drop=2*',
  SELinuxOptions: 'user=1 role=2 type=3 level=4',
  WindowsSecurityContextOptions: 'gmsaCredentialSpecName=1? gmsaCredentialSpec=2? runAsUserName=3? hostProcess=4:b?',
  SeccompProfile: 'type=1 localhostProfile=2?',
  AppArmorProfile: 'type=1 localhostProfile=2?',
  SecurityContext:
    'capabilities=1:Capabilities privileged=2:b? seLinuxOptions=3:SELinuxOptions runAsUser=4:i64? runAsNonRoot=5:b? ' +
    'readOnlyRootFilesystem=6:b? allowPrivilegeEscalation=7:b? runAsGroup=8:i64? procMount=9? ' +
    'windowsOptions=10:WindowsSecurityContextOptions seccompProfile=11:SeccompProfile ' +
    'appArmorProfile=12:AppArmorProfile',
  Container:
    'name=1 image=2 command=3* args=4* workingDir=5 ports=6:ContainerPort* env=7:EnvVar* ' +
    'resources=8:ResourceRequirements volumeMounts=9:VolumeMount* livenessProbe=10:Probe readinessProbe=11:Probe ' +
    'lifecycle=12:Lifecycle terminationMessagePath=13 imagePullPolicy=14 securityContext=15:SecurityContext ' +
    'stdin=16:b stdinOnce=17:b tty=18:b envFrom=19:EnvFromSource* terminationMessagePolicy=20 ' +
    'volumeDevices=21:VolumeDevice* startupProbe=22:Probe resizePolicy=23:ContainerResizePolicy* restartPolicy=24? ' +
    'restartPolicyRules=25:ContainerRestartRule*',
  EphemeralContainerCommon:
    'name=1 image=2 command=3* args=4* workingDir=5 ports=6:ContainerPort* env=7:EnvVar* ' +
    'resources=8:ResourceRequirements volumeMounts=9:VolumeMount* livenessProbe=10:Probe readinessProbe=11:Probe ' +
    'lifecycle=12:Lifecycle terminationMessagePath=13 imagePullPolicy=14 securityContext=15:SecurityContext ' +
    'stdin=16:b stdinOnce=17:b tty=18:b envFrom=19:EnvFromSource* terminationMessagePolicy=20 ' +
    'volumeDevices=21:VolumeDevice* startupProbe=22:Probe resizePolicy=23:ContainerResizePolicy* restartPolicy=24? ' +
    'restartPolicyRules=25:ContainerRestartRule*',
  EphemeralContainer: '~=1:EphemeralContainerCommon targetContainerName=2',
  Sysctl: 'name=1 value=2',
  PodSecurityContext:
    'seLinuxOptions=1:SELinuxOptions runAsUser=2:i64? runAsNonRoot=3:b? supplementalGroups=4:i64* fsGroup=5:i64? ' +
    'runAsGroup=6:i64? sysctls=7:Sysctl* windowsOptions=8:WindowsSecurityContextOptions fsGroupChangePolicy=9? ' +
    'seccompProfile=10:SeccompProfile appArmorProfile=11:AppArmorProfile supplementalGroupsPolicy=12? ' +
    'seLinuxChangePolicy=13?',
  NodeSelectorRequirement: 'key=1 operator=2 values=3*',
  NodeSelectorTerm: 'matchExpressions=1:NodeSelectorRequirement* matchFields=2:NodeSelectorRequirement*',
  NodeSelector: 'nodeSelectorTerms=1:NodeSelectorTerm*',
  PreferredSchedulingTerm: 'weight=1:i32 preference=2:NodeSelectorTerm',
  NodeAffinity:
    'requiredDuringSchedulingIgnoredDuringExecution=1:NodeSelector ' +
    'preferredDuringSchedulingIgnoredDuringExecution=2:PreferredSchedulingTerm*',
  PodAffinityTerm:
    'labelSelector=1:LabelSelector namespaces=2* topologyKey=3 namespaceSelector=4:LabelSelector matchLabelKeys=5* ' +
    'mismatchLabelKeys=6*',
  WeightedPodAffinityTerm: 'weight=1:i32 podAffinityTerm=2:PodAffinityTerm',
  PodAffinity:
    'requiredDuringSchedulingIgnoredDuringExecution=1:PodAffinityTerm* ' +
    'preferredDuringSchedulingIgnoredDuringExecution=2:WeightedPodAffinityTerm*',
  PodAntiAffinity:
    'requiredDuringSchedulingIgnoredDuringExecution=1:PodAffinityTerm* ' +
    'preferredDuringSchedulingIgnoredDuringExecution=2:WeightedPodAffinityTerm*',
  Affinity: 'nodeAffinity=1:NodeAffinity podAffinity=2:PodAffinity podAntiAffinity=3:PodAntiAffinity',
  Toleration: 'key=1 operator=2 value=3 effect=4 tolerationSeconds=5:i64?',
  HostAlias: 'ip=1 hostnames=2*',
  PodDNSConfigOption: 'name=1 value=2?',
  PodDNSConfig: 'nameservers=1* searches=2* options=3:PodDNSConfigOption*',
  PodReadinessGate: 'conditionType=1',
  TopologySpreadConstraint:
    'maxSkew=1:i32 topologyKey=2 whenUnsatisfiable=3 labelSelector=4:LabelSelector minDomains=5:i32? ' +
    'nodeAffinityPolicy=6? nodeTaintsPolicy=7? matchLabelKeys=8*',
  PodOS: 'name=1',
  PodSchedulingGate: 'name=1',
  PodResourceClaim: 'name=1 resourceClaimName=3? resourceClaimTemplateName=4?',
  PodSchedulingGroup: 'podGroupName=1?',
  EvictionResponder: 'name=1 priority=2:i32?',
  PodSpec:
    'volumes=1:Volume* containers=2:Container* restartPolicy=3 terminationGracePeriodSeconds=4:i64? ' +
    'activeDeadlineSeconds=5:i64? dnsPolicy=6 nodeSelector=7:{s} serviceAccountName=8 serviceAccount=9 nodeName=10 ' +
    'hostNetwork=11:b hostPID=12:b hostIPC=13:b securityContext=14:PodSecurityContext ' +
    'imagePullSecrets=15:LocalObjectReference* hostname=16 subdomain=17 affinity=18:Affinity schedulerName=19 ' +
    'initContainers=20:Container* automountServiceAccountToken=21:b? tolerations=22:Toleration* ' +
    'hostAliases=23:HostAlias* priorityClassName=24 priority=25:i32? dnsConfig=26:PodDNSConfig ' +
    'shareProcessNamespace=27:b? readinessGates=28:PodReadinessGate* runtimeClassName=29? enableServiceLinks=30:b? ' +
    'preemptionPolicy=31? overhead=32:{Quantity} topologySpreadConstraints=33:TopologySpreadConstraint* ' +
    'ephemeralContainers=34:EphemeralContainer* setHostnameAsFQDN=35:b? os=36:PodOS hostUsers=37:b? ' +
    'schedulingGates=38:PodSchedulingGate* resourceClaims=39:PodResourceClaim* resources=40:ResourceRequirements ' +
    'hostnameOverride=41? schedulingGroup=43:PodSchedulingGroup evictionResponders=44:EvictionResponder*',
};
