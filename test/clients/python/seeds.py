"""The seeds' manifests through `utils.create_from_yaml`, each in a namespace of its own (their
selectors overlap). The client's answers are models, so a created ReplicationController or
DaemonSet without its status counters raises although the object exists — the seeds' first
step must not. The extensions/v1beta1 manifests are rewritten to apps/v1 and batch/v1 first,
as a user of this client must (it has no ExtensionsV1beta1Api): plain-map selectors become
`matchLabels`, a given Job selector asks for `manualSelector`.

usage: seeds.py RUN NODES SEED_DIR
"""
import os
import sys
import time

import yaml
from kubernetes import client, utils

from harness import Checks, api_client, expect, expect_equal

run, nodes, seed_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
checks = Checks()
v1 = client.CoreV1Api()
apps = client.AppsV1Api()
batch = client.BatchV1Api()


def current_version(doc):
    """An extensions/v1beta1 object as apps/v1 or batch/v1 says it."""
    if doc.get("apiVersion") != "extensions/v1beta1":
        return doc
    spec = doc["spec"]
    if doc["kind"] == "Job":
        doc["apiVersion"] = "batch/v1"
        if "selector" in spec:
            spec["manualSelector"] = True
    else:
        doc["apiVersion"] = "apps/v1"
        sel = spec.get("selector") or {"matchLabels": spec["template"]["metadata"]["labels"]}
        spec["selector"] = sel if "matchLabels" in sel or "matchExpressions" in sel else {"matchLabels": sel}
    return doc


def wait_for(what, fn, timeout=30):
    deadline = time.time() + timeout
    while True:
        got = fn()
        if got:
            return got
        expect(time.time() < deadline, f"{what} within {timeout} s")
        time.sleep(0.2)


def created(obj):
    """What the create answer must say, by kind; then the controllers' status as a model."""
    kind, name, ns = obj.kind, obj.metadata.name, obj.metadata.namespace
    expect(obj.metadata.creation_timestamp is not None, f"{kind} {name}: no creationTimestamp")
    if kind == "ReplicationController":
        expect_equal(obj.status.replicas, 0, "status.replicas of the created RC")
        want = obj.spec.replicas
        wait_for(f"RC {name} at {want} replicas",
                 lambda: v1.read_namespaced_replication_controller_status(name, ns).status.replicas == want)
    elif kind == "DaemonSet":
        expect_equal(obj.status.desired_number_scheduled, 0, "status.desiredNumberScheduled of the created DS")
        want = 0 if obj.spec.template.spec.node_selector else nodes
        wait_for(f"DS {name} desiring {want} pods",
                 lambda: apps.read_namespaced_daemon_set_status(name, ns).status.desired_number_scheduled == want
                 and apps.read_namespaced_daemon_set(name, ns).status.observed_generation == 1)
    elif kind == "Job":
        wait_for(f"job {name} started",
                 lambda: (lambda s: (s.active or 0) + (s.succeeded or 0) + (s.failed or 0) > 0)(batch.read_namespaced_job_status(name, ns).status))
    elif kind == "Service":
        expect(obj.status.load_balancer is not None, "status.loadBalancer of the created service")
    elif kind == "Pod":
        expect_equal(obj.status.phase, "Pending", "status.phase of the created pod")


def seed(index, file):
    ns = f"py-seeds-{run}-{index}"
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
    path = os.path.join(seed_dir, file)
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    if any(d.get("apiVersion") == "extensions/v1beta1" for d in docs):
        results = utils.create_from_yaml(api_client(), yaml_objects=[current_version(d) for d in docs], namespace=ns)
    else:
        results = utils.create_from_yaml(api_client(), yaml_file=path, namespace=ns)
    objs = [o for group in results for o in (group if isinstance(group, list) else [group])]
    expect_equal([o.kind for o in objs], [d["kind"] for d in docs], "kinds created")
    for o in objs:
        created(o)
    # Everything the namespace now holds reads back as models (pods with container statuses).
    v1.list_namespaced_pod(ns)
    v1.list_namespaced_event(ns)


files = sorted(f for f in os.listdir(seed_dir) if f.endswith(".yaml"))
expect(len(files) > 0, "no seeds found")
for i, f in enumerate(files):
    checks.run(f"seed {f}", seed, i, f)
for i, f in enumerate(files):
    checks.run(f"seed {f}: cleanup", v1.delete_namespace, f"py-seeds-{run}-{i}")
checks.done()
