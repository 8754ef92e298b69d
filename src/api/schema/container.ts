/** Containers: image and command, ports, environment, resources, mounts, probes, lifecycle. */
import {
  bool, defs, int, int64, intOrString, keyedList, list, obj, quantityMap, ref, str, strList, type Definitions, type Schema,
} from './dsl.js';

const containerFields: Readonly<Record<string, Schema>> = {
  name: str('Name of the container, unique within the pod (a DNS label). Cannot be updated.'),
  image: str('The container image to run, e.g. `nginx:1.25` or `registry.example/app@sha256:…`.'),
  command: strList('The entrypoint, replacing the image\'s ENTRYPOINT. `$(VAR)` references to container variables are expanded; `$$` escapes. Not run in a shell.'),
  args: strList('Arguments to the entrypoint, replacing the image\'s CMD. `$(VAR)` references are expanded as for command.'),
  workingDir: str('The working directory of the process; the image default when empty.'),
  ports: list(ref('core.ContainerPort'), 'Ports the container exposes. Informational, except for hostPort, which is opened on the node.', {
    mergeKey: 'containerPort', strategy: 'merge', listType: 'map', mapKeys: ['containerPort', 'protocol'],
  }),
  envFrom: list(ref('core.EnvFromSource'), 'Sources (config maps, secrets) whose every key becomes an environment variable. Explicit `env` entries win.', { listType: 'atomic' }),
  env: keyedList(ref('core.EnvVar'), 'name', 'Environment variables to set in the container.'),
  resources: ref('core.ResourceRequirements', 'Compute resources (cpu, memory) requested and limited.'),
  resizePolicy: list(ref('core.ContainerResizePolicy'), 'How the container reacts when its resources are resized in place.', { listType: 'atomic' }),
  restartPolicy: str('For init containers only: `Always` makes it a sidecar that keeps running beside the app containers.'),
  volumeMounts: keyedList(ref('core.VolumeMount'), 'mountPath', 'Pod volumes to mount into the container\'s filesystem.'),
  volumeDevices: keyedList(ref('core.VolumeDevice'), 'devicePath', 'Block devices the container uses.'),
  livenessProbe: ref('core.Probe', 'Checks that the container is alive; it is restarted when the probe fails.'),
  readinessProbe: ref('core.Probe', 'Checks that the container can serve; it is removed from service endpoints while the probe fails.'),
  startupProbe: ref('core.Probe', 'Checks that the container has started; other probes wait until it succeeds.'),
  lifecycle: ref('core.Lifecycle', 'Actions run after the container starts and before it stops.'),
  terminationMessagePath: str('File whose contents become the termination message. Default `/dev/termination-log`.'),
  terminationMessagePolicy: str('`File` (default) reads the message file; `FallbackToLogsOnError` uses the log tail when the file is empty and the container failed.'),
  imagePullPolicy: str('`Always`, `Never` or `IfNotPresent`. Defaults to `Always` for `:latest` or untagged images, else `IfNotPresent`.'),
  securityContext: ref('core.SecurityContext', 'Security options for this container; they override the pod\'s.'),
  stdin: bool('Keep a stdin buffer open for the container (for attach).'),
  stdinOnce: bool('Close stdin after the first attach session ends.'),
  tty: bool('Allocate a TTY for the container; usually with stdin.'),
};

const handlerFields: Readonly<Record<string, Schema>> = {
  exec: ref('core.ExecAction', 'Runs a command in the container.'),
  httpGet: ref('core.HTTPGetAction', 'Sends an HTTP GET.'),
  tcpSocket: ref('core.TCPSocketAction', 'Opens a TCP connection.'),
};

export const containerDefinitions: Definitions = defs('core', {
  Container: obj(containerFields, 'A single application container in a pod.', ['name']),
  EphemeralContainer: obj({
    ...containerFields,
    targetContainerName: str('The container whose namespaces (process, IPC) this debugging container joins.'),
  }, 'A temporary container added to a running pod for debugging.', ['name']),
  ContainerPort: obj({
    name: str('A name for the port (an IANA_SVC_NAME), unique in the pod, that services can refer to.'),
    containerPort: int('The port number the container listens on (1–65535).'),
    hostPort: int('A port opened on the node and forwarded to containerPort. Most pods do not need one.'),
    protocol: str('`TCP` (default), `UDP` or `SCTP`.'),
    hostIP: str('The node address to bind hostPort to.'),
  }, 'A network port of a container.', ['containerPort']),
  EnvVar: obj({
    name: str('Name of the variable.'),
    value: str('The value. `$(VAR)` references to earlier variables are expanded. Defaults to empty.'),
    valueFrom: ref('core.EnvVarSource', 'Where to take the value from, instead of `value`.'),
  }, 'An environment variable of a container.', ['name']),
  EnvVarSource: obj({
    fieldRef: ref('core.ObjectFieldSelector', 'A field of the pod: metadata.name, metadata.namespace, metadata.uid, metadata.labels[\'k\'], metadata.annotations[\'k\'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs.'),
    resourceFieldRef: ref('core.ResourceFieldSelector', 'A resource request or limit of a container: limits.cpu, limits.memory, requests.cpu, requests.memory, …'),
    configMapKeyRef: ref('core.ConfigMapKeySelector', 'One key of a config map.'),
    secretKeyRef: ref('core.SecretKeySelector', 'One key of a secret.'),
  }, 'The source of an environment variable\'s value; exactly one may be set.'),
  ObjectFieldSelector: obj({
    apiVersion: str('Version of the schema the fieldPath is written in; defaults to `v1`.'),
    fieldPath: str('Path of the field to select.'),
  }, 'Selects a field of the pod.', ['fieldPath']),
  ResourceFieldSelector: obj({
    containerName: str('The container whose resources to read; required for volumes, optional for env.'),
    resource: str('The resource to select, such as `limits.memory`.'),
    divisor: ref('resource.Quantity', 'Output unit; defaults to 1.'),
  }, 'Selects a container resource value.', ['resource']),
  ConfigMapKeySelector: obj({
    name: str('Name of the config map.'),
    key: str('The key to select.'),
    optional: bool('Whether the config map or the key may be missing.'),
  }, 'Selects a key of a config map.', ['key']),
  SecretKeySelector: obj({
    name: str('Name of the secret.'),
    key: str('The key to select.'),
    optional: bool('Whether the secret or the key may be missing.'),
  }, 'Selects a key of a secret.', ['key']),
  EnvFromSource: obj({
    prefix: str('A prefix added to every variable name.'),
    configMapRef: ref('core.ConfigMapEnvSource', 'The config map to read.'),
    secretRef: ref('core.SecretEnvSource', 'The secret to read.'),
  }, 'A set of environment variables taken from a config map or secret.'),
  ConfigMapEnvSource: obj({ name: str('Name of the config map.'), optional: bool('Whether the config map may be missing.') }, 'A config map whose keys become variables.'),
  SecretEnvSource: obj({ name: str('Name of the secret.'), optional: bool('Whether the secret may be missing.') }, 'A secret whose keys become variables.'),
  ResourceRequirements: obj({
    limits: quantityMap('The most of each resource the container may use, e.g. `cpu: 500m`, `memory: 128Mi`.'),
    requests: quantityMap('The amount of each resource reserved for the container; the scheduler places pods by requests. Defaults to limits when only those are set.'),
    // A map list for server-side apply, but replaced whole by strategic merge patch, as in Kubernetes.
    claims: list(ref('core.ResourceClaim'), 'Dynamic resource claims (from the pod\'s resourceClaims) this container uses.', { listType: 'map', mapKeys: ['name'] }),
  }, 'Compute resource requirements.'),
  ResourceClaim: obj({ name: str('Name of a pod resource claim.'), request: str('A request within the claim.') }, 'A use of a pod resource claim.', ['name']),
  ContainerResizePolicy: obj({
    resourceName: str('`cpu` or `memory`.'),
    restartPolicy: str('`NotRequired` or `RestartContainer`.'),
  }, 'How a resize of one resource is applied.', ['resourceName', 'restartPolicy']),
  VolumeMount: obj({
    name: str('Name of a pod volume.'),
    mountPath: str('Path in the container at which to mount it; must not contain `:`.'),
    readOnly: bool('Mount read-only. Default false.'),
    recursiveReadOnly: str('`Disabled`, `IfPossible` or `Enabled`: whether read-only applies to submounts too.'),
    subPath: str('A path within the volume to mount instead of its root.'),
    subPathExpr: str('Like subPath, with `$(VAR)` references expanded from the container\'s environment.'),
    mountPropagation: str('`None` (default), `HostToContainer` or `Bidirectional`.'),
  }, 'A volume mounted in a container.', ['name', 'mountPath']),
  VolumeDevice: obj({
    name: str('Name of a persistent volume claim volume of the pod.'),
    devicePath: str('Path of the device in the container.'),
  }, 'A raw block device in a container.', ['name', 'devicePath']),
  Probe: obj({
    ...handlerFields,
    grpc: ref('core.GRPCAction', 'Calls the gRPC health checking service.'),
    initialDelaySeconds: int('Seconds after the container starts before the first probe.'),
    timeoutSeconds: int('Seconds after which a probe times out. Default 1.'),
    periodSeconds: int('How often to probe, in seconds. Default 10.'),
    successThreshold: int('Consecutive successes needed after a failure. Default 1; must be 1 for liveness and startup.'),
    failureThreshold: int('Consecutive failures that count as failed. Default 3.'),
    terminationGracePeriodSeconds: int64('Grace period used when a failed probe kills the container, overriding the pod\'s.'),
  }, 'A health check run against a container.'),
  ExecAction: obj({ command: strList('Command to run in the container, not in a shell; exit status 0 is success.') }, 'Runs a command in the container.'),
  HTTPGetAction: obj({
    path: str('Path of the request.'),
    port: intOrString('Port number or name on the container.'),
    host: str('Host to connect to; defaults to the pod IP.'),
    scheme: str('`HTTP` (default) or `HTTPS`.'),
    httpHeaders: list(ref('core.HTTPHeader'), 'Extra request headers.', { listType: 'atomic' }),
  }, 'An HTTP GET request; a status from 200 to 399 is success.', ['port']),
  HTTPHeader: obj({ name: str('Header name.'), value: str('Header value.') }, 'An HTTP header.', ['name', 'value']),
  TCPSocketAction: obj({
    port: intOrString('Port number or name on the container.'),
    host: str('Host to connect to; defaults to the pod IP.'),
  }, 'A TCP connection; success when it opens.', ['port']),
  GRPCAction: obj({
    port: int('Port number of the gRPC service.'),
    service: str('Service name sent in the health check request.'),
  }, 'A gRPC health check.', ['port']),
  Lifecycle: obj({
    postStart: ref('core.LifecycleHandler', 'Runs right after the container is created; the container is restarted if it fails.'),
    preStop: ref('core.LifecycleHandler', 'Runs before the container is stopped; the grace period keeps counting meanwhile.'),
    stopSignal: str('The signal that stops the container, overriding the image\'s.'),
  }, 'Actions the runtime takes at container lifecycle events.'),
  LifecycleHandler: obj({
    ...handlerFields,
    sleep: ref('core.SleepAction', 'Waits for a time.'),
  }, 'One lifecycle action; exactly one kind may be set.'),
  SleepAction: obj({ seconds: int64('Seconds to sleep.') }, 'Sleeps for a while.', ['seconds']),
  SecurityContext: obj({
    capabilities: ref('core.Capabilities', 'Linux capabilities to add and drop.'),
    privileged: bool('Run privileged: like root on the host. Default false.'),
    seLinuxOptions: ref('core.SELinuxOptions', 'SELinux context of the container.'),
    windowsOptions: ref('core.WindowsSecurityContextOptions', 'Windows-specific settings.'),
    runAsUser: int64('UID to run the entrypoint as.'),
    runAsGroup: int64('GID to run the entrypoint as.'),
    runAsNonRoot: bool('Refuse to start if the container would run as UID 0.'),
    readOnlyRootFilesystem: bool('Mount the container\'s root filesystem read-only.'),
    allowPrivilegeEscalation: bool('Whether a process may gain more privileges than its parent (no_new_privs).'),
    procMount: str('`Default` or `Unmasked` /proc.'),
    seccompProfile: ref('core.SeccompProfile', 'The seccomp profile.'),
    appArmorProfile: ref('core.AppArmorProfile', 'The AppArmor profile.'),
  }, 'Security settings of a container.'),
  Capabilities: obj({
    add: strList('Capabilities to add, such as `NET_ADMIN`.'),
    drop: strList('Capabilities to drop, such as `ALL`.'),
  }, 'Linux capabilities.'),
  SELinuxOptions: obj({
    user: str('SELinux user label.'),
    role: str('SELinux role label.'),
    type: str('SELinux type label.'),
    level: str('SELinux level label.'),
  }, 'SELinux labels.'),
  WindowsSecurityContextOptions: obj({
    gmsaCredentialSpecName: str('Name of the GMSA credential spec.'),
    gmsaCredentialSpec: str('The GMSA credential spec contents.'),
    runAsUserName: str('Windows user to run as.'),
    hostProcess: bool('Run as a Windows host process.'),
  }, 'Windows security settings.'),
  SeccompProfile: obj({
    type: str('`RuntimeDefault`, `Unconfined` or `Localhost`.'),
    localhostProfile: str('Path of a profile on the node, for `Localhost`.'),
  }, 'A seccomp profile.', ['type']),
  AppArmorProfile: obj({
    type: str('`RuntimeDefault`, `Unconfined` or `Localhost`.'),
    localhostProfile: str('Name of a profile loaded on the node, for `Localhost`.'),
  }, 'An AppArmor profile.', ['type']),
});
