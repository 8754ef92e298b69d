"""Every kind skiff serves through the official client's generated API classes and models:
create, read, list and live watches (namespaced and across namespaces) from before the first
create to the last delete, strategic-merge and JSON patches (the two this client's patch calls
send), replace, the status and scale subresources, the controllers' status as it settles, delete.

usage: kinds.py RUN NODES — RUN is a random suffix for names, NODES the cluster's node count.
"""
import random
import sys
import threading
import time

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from catalog import catalog
from harness import Checks, check_object, expect, expect_equal

run, nodes = sys.argv[1], int(sys.argv[2])
checks = Checks()
v1 = client.CoreV1Api()
ns = f"py-{run}"
ctx = {"nodes": nodes}


class Watcher(threading.Thread):
    """A watch open from `rv` (taken before the first write) until every name was deleted."""

    def __init__(self, k, rv, selector, names, across=False):
        super().__init__(daemon=True)
        self.k, self.rv, self.selector, self.names, self.across = k, rv, selector, names, across
        self.seen = {n: [] for n in names}
        self.error = None

    def run(self):
        fn, args = (self.k.list_all(), ()) if self.across or not self.k.namespaced else (self.k.method("list"), (ns,))
        pending = set(self.names)
        try:
            for ev in watch.Watch().stream(fn, *args, resource_version=self.rv,
                                           label_selector=self.selector, timeout_seconds=40):
                obj, raw = ev["object"], ev["raw_object"]
                expect(isinstance(obj, self.k.model), f"{ev['type']} event object is a {type(obj).__name__}")
                expect_equal((raw.get("kind"), raw.get("apiVersion")), (self.k.kind, self.k.api_version), "event object kind/apiVersion")
                name = obj.metadata.name
                if name in self.seen:
                    self.seen[name].append(ev["type"])
                if ev["type"] == "DELETED":
                    pending.discard(name)
                if not pending:
                    return
            self.error = AssertionError(f"the watch ended with {sorted(pending)} not deleted (events {self.seen})")
        except Exception as e:  # reported by result()
            self.error = e

    def result(self):
        self.join(45)
        if self.error is not None:
            raise self.error
        expect(not self.is_alive(), "watch still open 45 s after the deletes")
        for name, types in self.seen.items():
            expect(types[:1] == ["ADDED"], f"{name}: first event {types[:1]}, want ADDED (events {types})")
            expect("MODIFIED" in types, f"{name}: no MODIFIED event (events {types})")
            expect(types[-1:] == ["DELETED"], f"{name}: last event {types[-1:]}, want DELETED (events {types})")


def exercise(k, count):
    names = [f"{k.kind.lower()}-{run}-{i}" for i in range(count)]
    labels = {"py-run": run, "py-kind": k.kind.lower()}
    selector = f"py-run={run},py-kind={k.kind.lower()}"
    args = (ns,) if k.namespaced else ()
    ok = lambda obj, name=None: check_object(obj, k.model, k.kind, k.api_version, name)  # noqa: E731

    def list_rv():
        lst = k.method("list")(*args, label_selector=selector)
        expect(isinstance(lst, k.list_model), f"list is a {type(lst).__name__}")
        expect_equal(lst.items, [], "items before create")
        return lst.metadata.resource_version

    rv = checks.run(f"{k.kind}: list before create", list_rv)
    watchers = [Watcher(k, rv, selector, names)] + ([Watcher(k, rv, selector, names, across=True)] if k.namespaced else [])
    for w in watchers:
        w.start()

    def create():
        for n in names:
            obj = k.method("create")(*args, k.build(n, labels, ns))
            ok(obj, n)
            if k.created:
                k.created(obj)

    def read():
        for n in names:
            ok(k.method("read")(n, *args), n)

    def listed(fn, *a):
        lst = fn(*a, label_selector=selector)
        expect(isinstance(lst, k.list_model), f"list is a {type(lst).__name__}")
        expect_equal(lst.kind, f"{k.kind}List", "list kind")
        expect_equal(lst.api_version, k.api_version, "list apiVersion")
        expect(bool(lst.metadata.resource_version), "list resourceVersion missing")
        for item in lst.items:
            expect(isinstance(item, k.model), f"item is a {type(item).__name__}")
            expect(item.metadata.creation_timestamp is not None, "item creationTimestamp missing")
        expect_equal(sorted(i.metadata.name for i in lst.items), names, "listed names")

    def patches():
        for n in names:
            obj = k.method("patch")(n, *args, {"metadata": {"labels": {"py-patched": "strategic"}}})
            ok(obj, n)
            expect_equal(obj.metadata.labels.get("py-patched"), "strategic", "label after strategic merge patch")
            obj = k.method("patch")(n, *args, [{"op": "add", "path": "/metadata/annotations", "value": {"py-json": "1"}}])
            expect_equal((obj.metadata.annotations or {}).get("py-json"), "1", "annotation after JSON patch")
            obj = k.method("patch")(n, *args, {"metadata": {"annotations": {"py-strategic": "2"}}})
            # An autoscaling/v1 HPA carries what v1 cannot say (conditions) in these, as in Kubernetes.
            own = {a: v for a, v in (obj.metadata.annotations or {}).items() if not a.startswith("autoscaling.alpha.kubernetes.io/")}
            expect_equal(own, {"py-json": "1", "py-strategic": "2"}, "annotations after both patches")

    def replace_once(n):
        cur = k.method("read")(n, *args)
        cur.metadata.annotations["py-replaced"] = "yes"
        return cur, k.method("replace")(n, *args, cur)

    def replace():
        for n in names:
            for attempt in range(10):  # a controller may write status in between: 409, read again
                try:
                    cur, obj = replace_once(n)
                    break
                except ApiException as e:
                    if e.status != 409 or attempt == 9:
                        raise
            ok(obj, n)
            expect_equal(obj.metadata.annotations.get("py-replaced"), "yes", "annotation after replace")
            expect(obj.metadata.resource_version != cur.metadata.resource_version, "resourceVersion unchanged by replace")

    def status():
        for n in names:
            ok(k.method("read", "_status")(n, *args), n)
            ok(k.method("patch", "_status")(n, *args, {"metadata": {"annotations": {"py-status": "1"}}}), n)

    def scale():
        for n in names:
            s = k.method("read", "_scale")(n, *args)
            expect(isinstance(s, client.V1Scale), f"scale is a {type(s).__name__}")
            expect_equal((s.kind, s.api_version), ("Scale", "autoscaling/v1"), "scale kind/apiVersion")
            want = s.spec.replicas + 1
            s = k.method("patch", "_scale")(n, *args, {"spec": {"replicas": want}})
            expect_equal(s.spec.replicas, want, "spec.replicas after patching scale")
            k.method("patch", "_scale")(n, *args, {"spec": {"replicas": want - 1}})

    def settle():
        deadline = time.time() + 30
        for n in names:
            while True:
                obj = k.method("read", "_status")(n, *args)
                if k.settled(obj, ctx):
                    break
                expect(time.time() < deadline, f"{n}: status not settled: {obj.status}")
                time.sleep(0.2)

    def delete():
        for n in names:
            st = k.method("delete")(n, *args, propagation_policy="Background", grace_period_seconds=0)
            expect(st is not None, "no delete answer")
        if k.kind == "Namespace":
            return  # namespaces finalize first: the watch sees them go
        for n in names:
            deadline = time.time() + (30 if k.finalized else 0)
            while True:
                try:
                    k.method("read")(n, *args)
                except ApiException as e:
                    expect_equal(e.status, 404, f"read of deleted {n}")
                    break
                if time.time() >= deadline:
                    raise AssertionError(f"{n} still readable after delete")
                time.sleep(0.2)

    checks.run(f"{k.kind}: create", create)
    checks.run(f"{k.kind}: read", read)
    checks.run(f"{k.kind}: list", listed, k.method("list"), *args)
    if k.namespaced:
        checks.run(f"{k.kind}: list across namespaces", listed, k.list_all())
    checks.run(f"{k.kind}: patch", patches)
    checks.run(f"{k.kind}: replace", replace)
    if k.status:
        checks.run(f"{k.kind}: status", status)
    if k.scale:
        checks.run(f"{k.kind}: scale", scale)
    if k.settled:
        checks.run(f"{k.kind}: status settles", settle)
    checks.run(f"{k.kind}: delete", delete)
    checks.run(f"{k.kind}: watch", watchers[0].result)
    if k.namespaced:
        checks.run(f"{k.kind}: watch across namespaces", watchers[1].result)


def delete_collection():
    """ConfigMaps by label: the selected go, the others stay."""
    count = random.randint(2, 4)
    for i in range(count):
        labels = {"py-collection": run, "py-doomed": "yes" if i % 2 == 0 else "no"}
        v1.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name=f"coll-{run}-{i}", labels=labels)))
    v1.delete_collection_namespaced_config_map(ns, label_selector=f"py-collection={run},py-doomed=yes")
    left = v1.list_namespaced_config_map(ns, label_selector=f"py-collection={run}")
    expect_equal(sorted(c.metadata.name for c in left.items), [f"coll-{run}-{i}" for i in range(1, count, 2)], "left after delete_collection")


def eviction():
    """A pod evicted through pods/eviction (no budget selects it): the answer is a Status, the pod goes."""
    name = f"evict-{run}"
    v1.create_namespaced_pod(ns, client.V1Pod(metadata=client.V1ObjectMeta(name=name), spec=client.V1PodSpec(
        termination_grace_period_seconds=1, containers=[client.V1Container(name="main", image="busybox", command=["sleep", "3600"])])))
    body = client.V1Eviction(metadata=client.V1ObjectMeta(name=name, namespace=ns), delete_options=client.V1DeleteOptions(grace_period_seconds=0))
    v1.create_namespaced_pod_eviction(name, ns, body)
    try:
        v1.read_namespaced_pod(name, ns)
    except ApiException as e:
        expect_equal(e.status, 404, "read of the evicted pod")
    else:
        raise AssertionError(f"{name} still readable after its eviction with grace period 0")


def discovery(kinds):
    """Version and discovery documents as models; every kind exercised here is announced."""
    expect(client.VersionApi().get_code().git_version.startswith("v1."), "version")
    client.CoreApi().get_api_versions()
    groups = {g.name for g in client.ApisApi().get_api_versions().groups}
    expect({"apps", "batch", "coordination.k8s.io"} <= groups, f"groups {sorted(groups)}")
    announced = set()
    for api in {id(k.api): k.api for k in kinds}.values():
        announced |= {r.kind for r in api.get_api_resources().resources if "/" not in r.name}
    expect_equal(sorted({k.kind for k in kinds} - announced), [], "kinds missing from discovery")


def setup():
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))


def registered_nodes():
    lst = v1.list_node()
    expect(len(lst.items) >= nodes, f"{len(lst.items)} nodes listed")
    for node in lst.items:
        st = v1.read_node_status(node.metadata.name)
        expect(bool(st.status.node_info.kubelet_version), f"{node.metadata.name}: no kubeletVersion")


def controller_objects():
    """What the controllers and nodes wrote (pods with container statuses, events) as models."""
    for pod in v1.list_namespaced_pod(ns).items:
        for cs in pod.status.container_statuses or []:
            expect(cs.image_id is not None and cs.restart_count is not None, f"{pod.metadata.name}: container status")
    v1.list_pod_for_all_namespaces()
    v1.list_event_for_all_namespaces()
    v1.list_namespaced_event(ns)


if checks.run("setup: namespace", setup) is not None or checks.failed == 0:
    checks.run("Node: registered nodes and their status", registered_nodes)
    kinds = catalog(replicas=random.randint(1, 2))
    checks.run("discovery", discovery, kinds)
    for k in kinds:
        exercise(k, random.randint(1, 2) if k.settled else random.randint(1, 3))
    checks.run("ConfigMap: delete_collection", delete_collection)
    checks.run("Pod: eviction", eviction)
    checks.run("controllers: their pods and events", controller_objects)
    checks.run("cleanup: namespace", lambda: v1.delete_namespace(ns))
checks.done()
