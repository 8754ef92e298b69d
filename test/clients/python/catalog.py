"""Every kind skiff serves, as the official client reaches it: its API class, the snake-case name
in the generated method names, its models, a builder of a minimal valid object, and what the
server must have set on a freshly created one (Kubernetes resets status on create and sends the
zero values of the status fields without omitempty)."""
import base64

from kubernetes import client

from harness import expect, expect_equal

IMAGE = "busybox"


def pod_spec(command=("sleep", "3600"), restart="Always"):
    return client.V1PodSpec(
        restart_policy=restart,
        termination_grace_period_seconds=1,
        containers=[client.V1Container(name="main", image=IMAGE, command=list(command))],
    )


def template(labels, restart="Always", command=("sleep", "3600")):
    return client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels=labels), spec=pod_spec(command, restart))


def meta(name, labels):
    return client.V1ObjectMeta(name=name, labels=dict(labels))


class Kind:
    def __init__(self, kind, api, snake, model, list_model, api_version, build, namespaced=True,
                 status=False, scale=False, created=None, settled=None, finalized=False):
        self.kind = kind
        self.api = api
        self.snake = snake
        self.model = model
        self.list_model = list_model
        self.api_version = api_version
        self.build = build  # (name, labels, ns) -> model
        self.namespaced = namespaced
        self.status = status
        self.scale = scale
        self.created = created  # (obj) -> None: assertions on the create answer
        self.settled = settled  # (obj, ctx) -> bool: the controller's status has caught up
        self.finalized = finalized  # a controller lifts a finalizer (pvc/pv-protection) before it goes

    def method(self, verb, suffix=""):
        scope = "namespaced_" if self.namespaced else ""
        return getattr(self.api, f"{verb}_{scope}{self.snake}{suffix}")

    def list_all(self):
        if self.namespaced:
            return getattr(self.api, f"list_{self.snake}_for_all_namespaces")
        return getattr(self.api, f"list_{self.snake}")


def zero_status(*fields):
    def check(obj):
        for f in fields:
            expect_equal(getattr(obj.status, f), 0, f"status.{f} of a new {obj.kind}")
    return check


def node_created(obj):
    expect(obj.status.node_info is not None, "status.nodeInfo missing")
    expect_equal(obj.status.node_info.kubelet_version, "", "status.nodeInfo.kubeletVersion of a bare node")
    expect_equal(obj.status.daemon_endpoints.kubelet_endpoint.port, 0, "status.daemonEndpoints.kubeletEndpoint.Port")


def service_created(obj):
    expect(obj.status.load_balancer is not None, "status.loadBalancer missing")
    expect(bool(obj.spec.cluster_ip), "spec.clusterIP not allocated")


def event_created(obj):
    expect_equal(obj.reporting_component, "", "reportingComponent")
    expect_equal(obj.reporting_instance, "", "reportingInstance")


def replicas_settled(obj, ctx):
    return obj.status.replicas == obj.spec.replicas and (obj.status.ready_replicas or 0) == obj.spec.replicas


def daemonset_settled(obj, ctx):
    s = obj.status
    return s.desired_number_scheduled == ctx["nodes"] and s.number_ready == ctx["nodes"] and s.current_number_scheduled == ctx["nodes"]


def budget_settled(obj, ctx):
    # Its selector matches no pod: nothing expected, nothing allowed, for this generation.
    s = obj.status
    return s.observed_generation == obj.metadata.generation and s.expected_pods == 0 and s.disruptions_allowed == 0


def job_settled(obj, ctx):
    return obj.status.succeeded == 1


# A PKCS#10 request (CN py-client, O team-py, RSA 2048) for the CertificateSigningRequest kind.
CSR_REQUEST = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0NCk1JSUNhekNDQVZNQ0FRQXdKakVRTUE0R0ExVUVDaE1IZEdWaGJTMXdlVEVTTUJBR0ExVUVBeE1KY0hrdFkyeHANClpXNTBNSUlCSWpBTkJna3Foa2lHOXcwQkFRRUZBQU9DQVE4QU1JSUJDZ0tDQVFFQTFUVXZMYW5hNUxYdWVkdEENCjZHMHRMNFZDK1Vqd09SSDdWRmJBNXU0OHFZb3dtT3FNTE5vK1IyOG9PRmZPeDhGTnJZS2ZvbmpWVGhoWjZTaHMNClQreHByalZSSzVvbHdpc0J4MmZsWmVUYXJCWGhjQ2xHaFgxOU1mc0s0bFFvUlRsUTlZbU8rYVFqS0VuV3FmcTcNCnBtM3JUdEVQenp5TGRUYXZrT2s5bE5Bb1pNejMrdTBXN3dWK3QyZDYzVXc4TVZ3QXNWYjhOeGxLTytFQ1dyKy8NCm9LVitTUWppUUI1eFgzZGVUOU1DY1RlbzNDOXJQVVdScEtlcmJQNXhoR3JhQzZYdlU5L1lOY2tTZkd3c0VvaDkNClUxTGd2NE9FRE9nQ0pQaE5vVWpZdWdVa2k4NDN2ZEFqL3V1dFVtV1N2VGxmNzcwZG9pRVNRcjRJQ2RNYjFyNFoNCjEzRExMUUlEQVFBQm9BQXdEUVlKS29aSWh2Y05BUUVMQlFBRGdnRUJBSitXWUNYM0hHNjQ3ZVNDbEJhNEM4bTQNCjNocmZCWjhweWFkUnJ2M3BXbDg0VnZDaWJuR0hnWm9VUldZSitQdWtZeFZHWlVmWkpoSllRL3c5NldDNEkzeisNCi85Mkd1QUZrVVBPMm5NOG8zbGV4RXpoNWJCclIxQ2trdHE4cStQTDBzZ0Jyd0ZvRVowV21HcFM3VHNwSU5WY3INCldMQ2wvWERDZzhWcEZjaEt1OEZ5dkp2dkZpYTJhQzN6My8vUnM0N1RvZEFPYnBQbVVoSTlUc1AyN2hCV2hjWXQNClpEYW05YjlDTVhGaFZGUUV3eGluWXBYWnI0Mnl3WHc4K0hHNXZiUHhOZ3d2cHlkSDhEeU1ESHEvM2xLRExnVnANCk92aHdIZ1hQbXU5UE9kaStzMFgvbEt6azJ4V0dzc1JhanJFdjFBTXlWQTgxSmhrcklZbmxCN0Mya0dEenY3MD0NCi0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQ0K"


def catalog(replicas):
    v1 = client.CoreV1Api()
    apps = client.AppsV1Api()
    batch = client.BatchV1Api()
    coord = client.CoordinationV1Api()
    discovery = client.DiscoveryV1Api()
    policy = client.PolicyV1Api()
    networking = client.NetworkingV1Api()
    rbac = client.RbacAuthorizationV1Api()
    certs = client.CertificatesV1Api()
    storage = client.StorageV1Api()
    volume_resources = getattr(client, "V1VolumeResourceRequirements", None) or getattr(client, "V1ResourceRequirements")
    autoscaling = client.AutoscalingV1Api()
    sel = client.V1LabelSelector
    subject = getattr(client, "RbacV1Subject", None) or getattr(client, "V1Subject")
    rbac_v1 = "rbac.authorization.k8s.io/v1"

    def rules():
        return [client.V1PolicyRule(api_groups=[""], resources=["configmaps"], verbs=["get", "list"])]

    def binding(model, n, l):
        return model(metadata=meta(n, l), role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="view"),
                     subjects=[subject(kind="User", api_group="rbac.authorization.k8s.io", name=n)])

    return [
        Kind("Namespace", v1, "namespace", client.V1Namespace, client.V1NamespaceList, "v1",
             lambda n, l, ns: client.V1Namespace(metadata=meta(n, l)), namespaced=False, status=True,
             created=lambda o: expect_equal(o.status.phase, "Active", "status.phase")),
        Kind("Node", v1, "node", client.V1Node, client.V1NodeList, "v1",
             lambda n, l, ns: client.V1Node(metadata=meta(n, l), spec=client.V1NodeSpec(unschedulable=True)),
             namespaced=False, status=True, created=node_created),
        Kind("ConfigMap", v1, "config_map", client.V1ConfigMap, client.V1ConfigMapList, "v1",
             lambda n, l, ns: client.V1ConfigMap(metadata=meta(n, l), data={"key": n})),
        Kind("Secret", v1, "secret", client.V1Secret, client.V1SecretList, "v1",
             lambda n, l, ns: client.V1Secret(metadata=meta(n, l), data={"key": base64.b64encode(n.encode()).decode()})),
        Kind("ServiceAccount", v1, "service_account", client.V1ServiceAccount, client.V1ServiceAccountList, "v1",
             lambda n, l, ns: client.V1ServiceAccount(metadata=meta(n, l))),
        Kind("Event", v1, "event", client.CoreV1Event, client.CoreV1EventList, "v1",
             lambda n, l, ns: client.CoreV1Event(
                 metadata=meta(n, l), reason="Testing", message=f"event {n}", type="Normal",
                 involved_object=client.V1ObjectReference(kind="ConfigMap", name=n, namespace=ns)),
             created=event_created),
        Kind("Endpoints", v1, "endpoints", client.V1Endpoints, client.V1EndpointsList, "v1",
             lambda n, l, ns: client.V1Endpoints(metadata=meta(n, l), subsets=[client.V1EndpointSubset(
                 addresses=[client.V1EndpointAddress(ip="127.0.0.1")], ports=[client.CoreV1EndpointPort(port=8080)])])),
        Kind("Service", v1, "service", client.V1Service, client.V1ServiceList, "v1",
             lambda n, l, ns: client.V1Service(metadata=meta(n, l), spec=client.V1ServiceSpec(
                 selector={"app": n}, ports=[client.V1ServicePort(port=80, target_port=8080)])),
             status=True, created=service_created),
        Kind("Lease", coord, "lease", client.V1Lease, client.V1LeaseList, "coordination.k8s.io/v1",
             lambda n, l, ns: client.V1Lease(metadata=meta(n, l), spec=client.V1LeaseSpec(holder_identity=n, lease_duration_seconds=15))),
        Kind("EndpointSlice", discovery, "endpoint_slice", client.V1EndpointSlice, client.V1EndpointSliceList, "discovery.k8s.io/v1",
             lambda n, l, ns: client.V1EndpointSlice(metadata=meta(n, l), address_type="IPv4", endpoints=[client.V1Endpoint(
                 addresses=["127.0.0.1"], conditions=client.V1EndpointConditions(ready=True))],
                 ports=[client.DiscoveryV1EndpointPort(name="http", port=8080)])),
        Kind("Role", rbac, "role", client.V1Role, client.V1RoleList, rbac_v1,
             lambda n, l, ns: client.V1Role(metadata=meta(n, l), rules=rules())),
        Kind("ClusterRole", rbac, "cluster_role", client.V1ClusterRole, client.V1ClusterRoleList, rbac_v1,
             lambda n, l, ns: client.V1ClusterRole(metadata=meta(n, l), rules=rules()), namespaced=False),
        Kind("RoleBinding", rbac, "role_binding", client.V1RoleBinding, client.V1RoleBindingList, rbac_v1,
             lambda n, l, ns: binding(client.V1RoleBinding, n, l)),
        Kind("CertificateSigningRequest", certs, "certificate_signing_request", client.V1CertificateSigningRequest,
             client.V1CertificateSigningRequestList, "certificates.k8s.io/v1",
             lambda n, l, ns: client.V1CertificateSigningRequest(metadata=meta(n, l), spec=client.V1CertificateSigningRequestSpec(
                 request=CSR_REQUEST, signer_name="kubernetes.io/kube-apiserver-client", usages=["client auth"])),
             namespaced=False, status=True),
        Kind("ClusterRoleBinding", rbac, "cluster_role_binding", client.V1ClusterRoleBinding, client.V1ClusterRoleBindingList, rbac_v1,
             lambda n, l, ns: binding(client.V1ClusterRoleBinding, n, l), namespaced=False),
        Kind("Pod", v1, "pod", client.V1Pod, client.V1PodList, "v1",
             lambda n, l, ns: client.V1Pod(metadata=meta(n, l), spec=pod_spec()), status=True,
             created=lambda o: expect_equal(o.status.phase, "Pending", "status.phase of a new pod")),
        Kind("ReplicationController", v1, "replication_controller", client.V1ReplicationController,
             client.V1ReplicationControllerList, "v1",
             lambda n, l, ns: client.V1ReplicationController(metadata=meta(n, l), spec=client.V1ReplicationControllerSpec(
                 replicas=replicas, selector={"rc": n}, template=template({"rc": n}))),
             status=True, scale=True, created=zero_status("replicas"), settled=replicas_settled),
        Kind("ReplicaSet", apps, "replica_set", client.V1ReplicaSet, client.V1ReplicaSetList, "apps/v1",
             lambda n, l, ns: client.V1ReplicaSet(metadata=meta(n, l), spec=client.V1ReplicaSetSpec(
                 replicas=replicas, selector=sel(match_labels={"rs": n}), template=template({"rs": n}))),
             status=True, scale=True, created=zero_status("replicas"), settled=replicas_settled),
        Kind("Deployment", apps, "deployment", client.V1Deployment, client.V1DeploymentList, "apps/v1",
             lambda n, l, ns: client.V1Deployment(metadata=meta(n, l), spec=client.V1DeploymentSpec(
                 replicas=replicas, selector=sel(match_labels={"deploy": n}), template=template({"deploy": n}))),
             status=True, scale=True),
        Kind("DaemonSet", apps, "daemon_set", client.V1DaemonSet, client.V1DaemonSetList, "apps/v1",
             lambda n, l, ns: client.V1DaemonSet(metadata=meta(n, l), spec=client.V1DaemonSetSpec(
                 selector=sel(match_labels={"ds": n}), template=template({"ds": n}))),
             status=True,
             created=zero_status("current_number_scheduled", "desired_number_scheduled", "number_misscheduled", "number_ready"),
             settled=daemonset_settled),
        Kind("StatefulSet", apps, "stateful_set", client.V1StatefulSet, client.V1StatefulSetList, "apps/v1",
             lambda n, l, ns: client.V1StatefulSet(metadata=meta(n, l), spec=client.V1StatefulSetSpec(
                 replicas=replicas, service_name=n, pod_management_policy="Parallel",
                 selector=sel(match_labels={"sts": n}), template=template({"sts": n}))),
             status=True, scale=True, created=zero_status("replicas"), settled=replicas_settled),
        Kind("ControllerRevision", apps, "controller_revision", client.V1ControllerRevision, client.V1ControllerRevisionList, "apps/v1",
             lambda n, l, ns: client.V1ControllerRevision(metadata=meta(n, l), revision=1,
                                                          data={"spec": {"template": {"metadata": {"labels": {"cr": n}}, "$patch": "replace"}}})),
        Kind("Job", batch, "job", client.V1Job, client.V1JobList, "batch/v1",
             lambda n, l, ns: client.V1Job(metadata=meta(n, l), spec=client.V1JobSpec(
                 template=template({"job": n}, restart="Never", command=("true",)))),
             status=True, settled=job_settled),
        Kind("CronJob", batch, "cron_job", client.V1CronJob, client.V1CronJobList, "batch/v1",
             lambda n, l, ns: client.V1CronJob(metadata=meta(n, l), spec=client.V1CronJobSpec(
                 schedule="*/5 * * * *", job_template=client.V1JobTemplateSpec(spec=client.V1JobSpec(
                     template=template({"cron": n}, restart="Never", command=("true",)))))),
             status=True),
        # autoscaling/v1: the client has no v2 models; the server stores v2 and converts.
        Kind("HorizontalPodAutoscaler", autoscaling, "horizontal_pod_autoscaler", client.V1HorizontalPodAutoscaler,
             client.V1HorizontalPodAutoscalerList, "autoscaling/v1",
             lambda n, l, ns: client.V1HorizontalPodAutoscaler(metadata=meta(n, l), spec=client.V1HorizontalPodAutoscalerSpec(
                 scale_target_ref=client.V1CrossVersionObjectReference(api_version="apps/v1", kind="Deployment", name=n),
                 min_replicas=1, max_replicas=3, target_cpu_utilization_percentage=60)),
             status=True, created=zero_status("current_replicas", "desired_replicas")),
        Kind("PodDisruptionBudget", policy, "pod_disruption_budget", client.V1PodDisruptionBudget, client.V1PodDisruptionBudgetList, "policy/v1",
             lambda n, l, ns: client.V1PodDisruptionBudget(metadata=meta(n, l), spec=client.V1PodDisruptionBudgetSpec(
                 min_available="50%", selector=sel(match_labels={"pdb": n}))),
             status=True, created=zero_status("current_healthy", "desired_healthy", "disruptions_allowed", "expected_pods"),
             settled=budget_settled),
        Kind("Ingress", networking, "ingress", client.V1Ingress, client.V1IngressList, "networking.k8s.io/v1",
             lambda n, l, ns: client.V1Ingress(metadata=meta(n, l), spec=client.V1IngressSpec(rules=[client.V1IngressRule(
                 host=f"{n}.example.com", http=client.V1HTTPIngressRuleValue(paths=[client.V1HTTPIngressPath(
                     path="/", path_type="Prefix", backend=client.V1IngressBackend(service=client.V1IngressServiceBackend(
                         name="web", port=client.V1ServiceBackendPort(number=80))))]))])),
             status=True),
        Kind("IngressClass", networking, "ingress_class", client.V1IngressClass, client.V1IngressClassList, "networking.k8s.io/v1",
             lambda n, l, ns: client.V1IngressClass(metadata=meta(n, l), spec=client.V1IngressClassSpec(controller=f"example.com/{n}")),
             namespaced=False),
        Kind("PersistentVolume", v1, "persistent_volume", client.V1PersistentVolume, client.V1PersistentVolumeList, "v1",
             lambda n, l, ns: client.V1PersistentVolume(metadata=meta(n, l), spec=client.V1PersistentVolumeSpec(
                 capacity={"storage": "1Mi"}, access_modes=["ReadWriteOnce"], storage_class_name=f"py-{n}",
                 host_path=client.V1HostPathVolumeSource(path=f"/tmp/skiff-py-{n}"))),
             namespaced=False, status=True, finalized=True),
        Kind("PersistentVolumeClaim", v1, "persistent_volume_claim", client.V1PersistentVolumeClaim, client.V1PersistentVolumeClaimList, "v1",
             lambda n, l, ns: client.V1PersistentVolumeClaim(metadata=meta(n, l), spec=client.V1PersistentVolumeClaimSpec(
                 access_modes=["ReadWriteOnce"], resources=volume_resources(requests={"storage": "1Mi"}))),
             status=True, finalized=True,
             created=lambda o: expect_equal(o.spec.storage_class_name, "local-path", "the default class of a new claim")),
        Kind("StorageClass", storage, "storage_class", client.V1StorageClass, client.V1StorageClassList, "storage.k8s.io/v1",
             lambda n, l, ns: client.V1StorageClass(metadata=meta(n, l), provisioner="example.com/py", volume_binding_mode="WaitForFirstConsumer"),
             namespaced=False),
    ]
