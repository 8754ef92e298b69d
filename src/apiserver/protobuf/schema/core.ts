/** core/v1 object messages other than the pod template's (Namespace … Node, Event, Endpoints); grammar in dsl.ts. */
import type { MessageTable } from './dsl.js';

export const coreMessages: MessageTable = {
  NamespaceSpec: 'finalizers=1*',
  NamespaceCondition: 'type=1 status=2 lastTransitionTime=4:Time reason=5 message=6',
  NamespaceStatus: 'phase=1 conditions=2:NamespaceCondition*',
  Namespace: 'metadata=1:ObjectMeta spec=2:NamespaceSpec status=3:NamespaceStatus',
  ConfigMap: 'metadata=1:ObjectMeta data=2:{s} binaryData=3:{y} immutable=4:b?',
  Secret: 'metadata=1:ObjectMeta data=2:{y} type=3 stringData=4:{s} immutable=5:b?',
  ObjectReference: 'kind=1 namespace=2 name=3 uid=4 apiVersion=5 resourceVersion=6 fieldPath=7',
  ServiceAccount:
    'metadata=1:ObjectMeta secrets=2:ObjectReference* imagePullSecrets=3:LocalObjectReference* ' +
    'automountServiceAccountToken=4:b?',
  ServicePort: 'name=1 protocol=2 port=3:i32 targetPort=4:IntOrString nodePort=5:i32 appProtocol=6?',
  ClientIPConfig: 'timeoutSeconds=1:i32?',
  SessionAffinityConfig: 'clientIP=1:ClientIPConfig',
  ServiceSpec:
    'ports=1:ServicePort* selector=2:{s} clusterIP=3 type=4 externalIPs=5* sessionAffinity=7 loadBalancerIP=8 ' +
    'loadBalancerSourceRanges=9* externalName=10 externalTrafficPolicy=11 healthCheckNodePort=12:i32 ' +
    'publishNotReadyAddresses=13:b sessionAffinityConfig=14:SessionAffinityConfig ipFamilyPolicy=17? clusterIPs=18* ' +
    'ipFamilies=19* allocateLoadBalancerNodePorts=20:b? loadBalancerClass=21? internalTrafficPolicy=22? ' +
    'trafficDistribution=23?',
  PortStatus: 'port=1:i32 protocol=2 error=3?',
  LoadBalancerIngress: 'ip=1 hostname=2 ipMode=3? ports=4:PortStatus*',
  LoadBalancerStatus: 'ingress=1:LoadBalancerIngress*',
  ServiceStatus: 'loadBalancer=1:LoadBalancerStatus conditions=2:Condition*',
  Service: 'metadata=1:ObjectMeta spec=2:ServiceSpec status=3:ServiceStatus',
  PodCondition: 'type=1 status=2 lastProbeTime=3:Time lastTransitionTime=4:Time reason=5 message=6 observedGeneration=7:i64',
  HostIP: 'ip=1',
  PodIP: 'ip=1',
  ContainerStateWaiting: 'reason=1 message=2',
  ContainerStateRunning: 'startedAt=1:Time',
  ContainerStateTerminated: 'exitCode=1:i32 signal=2:i32 reason=3 message=4 startedAt=5:Time finishedAt=6:Time containerID=7',
  ContainerState: 'waiting=1:ContainerStateWaiting running=2:ContainerStateRunning terminated=3:ContainerStateTerminated',
  ImageVolumeStatus: 'imageRef=1',
  VolumeStatus: 'image=1:ImageVolumeStatus',
  VolumeMountStatus: 'name=1 mountPath=2 readOnly=3:b recursiveReadOnly=4? volumeStatus=5:VolumeStatus',
  LinuxContainerUser: 'uid=1:i64 gid=2:i64 supplementalGroups=3:i64*',
  ContainerUser: 'linux=1:LinuxContainerUser',
  ResourceHealth: 'resourceID=1 health=2 message=6?',
  ResourceStatus: 'name=1 resources=2:ResourceHealth*',
  ContainerStatus:
    'name=1 state=2:ContainerState lastState=3:ContainerState ready=4:b restartCount=5:i32 image=6 imageID=7 ' +
    'containerID=8 started=9:b? allocatedResources=10:{Quantity} resources=11:ResourceRequirements ' +
    'volumeMounts=12:VolumeMountStatus* user=13:ContainerUser allocatedResourcesStatus=14:ResourceStatus* ' +
    'stopSignal=15?',
  PodResourceClaimStatus: 'name=1 resourceClaimName=2?',
  ContainerExtendedResourceRequest: 'containerName=1 resourceName=2 requestName=3',
  PodExtendedResourceClaimStatus: 'requestMappings=1:ContainerExtendedResourceRequest* resourceClaimName=2',
  NodeAllocatableMappedResources: 'name=1 quantity=2:Quantity?',
  NodeAllocatableOverheadResources: 'name=1 perPod=2:Quantity? perContainer=3:Quantity?',
  NodeAllocatableResourceClaimStatus:
    'resourceClaimName=1 containers=2* mapping=4:NodeAllocatableMappedResources* ' +
    'overhead=5:NodeAllocatableOverheadResources*',
  VolumeHealthCondition: 'status=1 reason=2 message=3',
  PodVolumeHealth: 'name=1 healthConditions=2:VolumeHealthCondition* lastTransitionTime=3:Time',
  PodStatus:
    'phase=1 conditions=2:PodCondition* message=3 reason=4 hostIP=5 podIP=6 startTime=7:Time ' +
    'containerStatuses=8:ContainerStatus* qosClass=9 initContainerStatuses=10:ContainerStatus* nominatedNodeName=11 ' +
    'podIPs=12:PodIP* ephemeralContainerStatuses=13:ContainerStatus* resize=14 ' +
    'resourceClaimStatuses=15:PodResourceClaimStatus* hostIPs=16:HostIP* observedGeneration=17:i64 ' +
    'extendedResourceClaimStatus=18:PodExtendedResourceClaimStatus allocatedResources=19:{Quantity} ' +
    'resources=20:ResourceRequirements nodeAllocatableResourceClaimStatuses=21:NodeAllocatableResourceClaimStatus* ' +
    'volumeHealth=22:PodVolumeHealth*',
  Pod: 'metadata=1:ObjectMeta spec=2:PodSpec status=3:PodStatus',
  PodTemplateSpec: 'metadata=1:ObjectMeta spec=2:PodSpec',
  ReplicationControllerSpec: 'replicas=1:i32? selector=2:{s} template=3:PodTemplateSpec minReadySeconds=4:i32',
  ReplicationControllerCondition: 'type=1 status=2 lastTransitionTime=3:Time reason=4 message=5',
  ReplicationControllerStatus:
    'replicas=1:i32 fullyLabeledReplicas=2:i32 observedGeneration=3:i64 readyReplicas=4:i32 availableReplicas=5:i32 ' +
    'conditions=6:ReplicationControllerCondition*',
  ReplicationController: 'metadata=1:ObjectMeta spec=2:ReplicationControllerSpec status=3:ReplicationControllerStatus',
  EndpointAddress: 'ip=1 targetRef=2:ObjectReference hostname=3 nodeName=4?',
  EndpointPort: 'name=1 port=2:i32 protocol=3 appProtocol=4?',
  EndpointSubset: 'addresses=1:EndpointAddress* notReadyAddresses=2:EndpointAddress* ports=3:EndpointPort*',
  Endpoints: 'metadata=1:ObjectMeta subsets=2:EndpointSubset*',
  EventSource: 'component=1 host=2',
  EventSeries: 'count=1:i32 lastObservedTime=2:MicroTime',
  Event:
    'metadata=1:ObjectMeta involvedObject=2:ObjectReference reason=3 message=4 source=5:EventSource ' +
    'firstTimestamp=6:Time lastTimestamp=7:Time count=8:i32 type=9 eventTime=10:MicroTime series=11:EventSeries ' +
    'action=12 related=13:ObjectReference reportingComponent=14 reportingInstance=15',
  Taint: 'key=1 value=2 effect=3 timeAdded=4:Time',
  ConfigMapNodeConfigSource: 'namespace=1 name=2 uid=3 resourceVersion=4 kubeletConfigKey=5',
  NodeConfigSource: 'configMap=2:ConfigMapNodeConfigSource',
  NodePodPreemptionPolicy: 'disableResizePreemption=1*',
  NodeSpec:
    'podCIDR=1 externalID=2 providerID=3 unschedulable=4:b taints=5:Taint* configSource=6:NodeConfigSource ' +
    'podCIDRs=7* podPreemptionPolicy=8:NodePodPreemptionPolicy',
  NodeCondition: 'type=1 status=2 lastHeartbeatTime=3:Time lastTransitionTime=4:Time reason=5 message=6',
  NodeAddress: 'type=1 address=2',
  DaemonEndpoint: 'Port=1:i32',
  NodeDaemonEndpoints: 'kubeletEndpoint=1:DaemonEndpoint',
  NodeSwapStatus: 'capacity=1:i64?',
  NodeSystemInfo:
    'machineID=1 systemUUID=2 bootID=3 kernelVersion=4 osImage=5 containerRuntimeVersion=6 kubeletVersion=7 ' +
    'kubeProxyVersion=8 operatingSystem=9 architecture=10 swap=11:NodeSwapStatus',
  ContainerImage: 'names=1* sizeBytes=2:i64',
  AttachedVolume: 'name=1 devicePath=2',
  NodeConfigStatus: 'assigned=1:NodeConfigSource active=2:NodeConfigSource lastKnownGood=3:NodeConfigSource error=4',
  NodeRuntimeHandlerFeatures: 'recursiveReadOnlyMounts=1:b? userNamespaces=2:b?',
  NodeRuntimeHandler: 'name=1 features=2:NodeRuntimeHandlerFeatures',
  NodeFeatures: 'supplementalGroupsPolicy=1:b?',
  NodeStatus:
    'capacity=1:{Quantity} allocatable=2:{Quantity} phase=3 conditions=4:NodeCondition* addresses=5:NodeAddress* ' +
    'daemonEndpoints=6:NodeDaemonEndpoints nodeInfo=7:NodeSystemInfo images=8:ContainerImage* volumesInUse=9* ' +
    'volumesAttached=10:AttachedVolume* config=11:NodeConfigStatus runtimeHandlers=12:NodeRuntimeHandler* ' +
    'features=13:NodeFeatures declaredFeatures=14*',
  Node: 'metadata=1:ObjectMeta spec=2:NodeSpec status=3:NodeStatus',
  Binding: 'metadata=1:ObjectMeta target=2:ObjectReference',
};
