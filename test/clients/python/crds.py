"""CustomResourceDefinitions through the official client: ApiextensionsV1Api for the CRD itself
(create, read, list, watch, patch, replace, status, delete) and CustomObjectsApi for its objects
(create, get, list with a label selector, merge patch, status, delete, and gone with the CRD).

usage: crds.py RUN
"""
import sys
import threading
import time

from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from harness import Checks, check_object, expect, expect_equal

run = sys.argv[1]
checks = Checks()
ext = client.ApiextensionsV1Api()
co = client.CustomObjectsApi()
v1 = client.CoreV1Api()
group = f"py{run}.example.com"
plural = f"gizmos{run}"
kind = "Gizmo"
crd_name = f"{plural}.{group}"
ns = f"py-crd-{run}"
KIND = "CustomResourceDefinition"
API = "apiextensions.k8s.io/v1"


def schema():
    return client.V1JSONSchemaProps(type="object", properties={
        "spec": client.V1JSONSchemaProps(type="object", required=["size"], properties={
            "size": client.V1JSONSchemaProps(type="integer", minimum=1),
            "mode": client.V1JSONSchemaProps(type="string", default="auto"),
        }),
        "status": client.V1JSONSchemaProps(type="object", properties={"ready": client.V1JSONSchemaProps(type="boolean")}),
    })


def crd():
    return client.V1CustomResourceDefinition(
        metadata=client.V1ObjectMeta(name=crd_name, labels={"py-run": run}),
        spec=client.V1CustomResourceDefinitionSpec(
            group=group, scope="Namespaced",
            names=client.V1CustomResourceDefinitionNames(plural=plural, kind=kind, short_names=[f"gz{run}"]),
            versions=[client.V1CustomResourceDefinitionVersion(
                name="v1", served=True, storage=True,
                schema=client.V1CustomResourceValidation(open_apiv3_schema=schema()),
                subresources=client.V1CustomResourceSubresources(status={}))]))


events = []


def watcher(rv):
    for ev in watch.Watch().stream(ext.list_custom_resource_definition, label_selector=f"py-run={run}", resource_version=rv, timeout_seconds=30):
        events.append(ev["type"])
        if ev["type"] == "DELETED":
            return


def list_before():
    lst = ext.list_custom_resource_definition(label_selector=f"py-run={run}")
    expect(isinstance(lst, client.V1CustomResourceDefinitionList), f"list is a {type(lst).__name__}")
    expect_equal(lst.items, [], "items before create")
    return lst.metadata.resource_version


def create():
    obj = ext.create_custom_resource_definition(crd())
    check_object(obj, client.V1CustomResourceDefinition, KIND, API, crd_name)
    expect_equal(obj.spec.names.list_kind, f"{kind}List", "defaulted listKind")
    expect_equal(obj.spec.names.singular, "gizmo", "defaulted singular")


def established():
    deadline = time.time() + 10
    while True:
        obj = ext.read_custom_resource_definition_status(crd_name)
        conds = {c.type: c for c in (obj.status.conditions or [])}
        if "Established" in conds and conds["Established"].status == "True":
            expect_equal(conds["NamesAccepted"].reason, "NoConflicts", "NamesAccepted reason")
            expect_equal(obj.status.accepted_names.plural, plural, "acceptedNames.plural")
            return
        expect(time.time() < deadline, f"not established: {obj.status}")
        time.sleep(0.1)


def read():
    check_object(ext.read_custom_resource_definition(crd_name), client.V1CustomResourceDefinition, KIND, API, crd_name)


def listed():
    lst = ext.list_custom_resource_definition(label_selector=f"py-run={run}")
    expect_equal([c.metadata.name for c in lst.items], [crd_name], "listed names")


def patch():
    obj = ext.patch_custom_resource_definition(crd_name, {"metadata": {"annotations": {"py": "patched"}}})
    expect_equal(obj.metadata.annotations.get("py"), "patched", "annotation after patch")


def replace():
    cur = ext.read_custom_resource_definition(crd_name)
    cur.metadata.annotations["py-replaced"] = "yes"
    obj = ext.replace_custom_resource_definition(crd_name, cur)
    expect_equal(obj.metadata.annotations.get("py-replaced"), "yes", "annotation after replace")


def status():
    obj = ext.patch_custom_resource_definition_status(crd_name, {"metadata": {"annotations": {"py-status": "1"}}})
    check_object(obj, client.V1CustomResourceDefinition, KIND, API, crd_name)


def custom_objects():
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
    count = 3
    for i in range(count):
        body = {"apiVersion": f"{group}/v1", "kind": kind, "metadata": {"name": f"g{i}", "labels": {"odd": str(i % 2)}}, "spec": {"size": i + 1}}
        got = co.create_namespaced_custom_object(group, "v1", ns, plural, body)
        expect_equal(got["spec"], {"size": i + 1, "mode": "auto"}, "defaulted spec")
    lst = co.list_namespaced_custom_object(group, "v1", ns, plural)
    expect_equal(lst["kind"], f"{kind}List", "list kind")
    expect_equal(sorted(o["metadata"]["name"] for o in lst["items"]), [f"g{i}" for i in range(count)], "listed")
    odd = co.list_namespaced_custom_object(group, "v1", ns, plural, label_selector="odd=1")
    expect_equal([o["metadata"]["name"] for o in odd["items"]], ["g1"], "label-selected")
    every = co.list_cluster_custom_object(group, "v1", plural)
    expect(len(every["items"]) >= count, "listed across namespaces")
    got = co.get_namespaced_custom_object(group, "v1", ns, plural, "g0")
    expect_equal(got["apiVersion"], f"{group}/v1", "apiVersion")
    got = co.patch_namespaced_custom_object(group, "v1", ns, plural, "g0", {"spec": {"size": 7}})
    expect_equal(got["spec"]["size"], 7, "size after merge patch")
    got = co.patch_namespaced_custom_object_status(group, "v1", ns, plural, "g0", {"status": {"ready": True}})
    expect_equal(got["status"], {"ready": True}, "status after /status patch")
    try:
        co.create_namespaced_custom_object(group, "v1", ns, plural, {"apiVersion": f"{group}/v1", "kind": kind, "metadata": {"name": "bad"}, "spec": {"size": 0}})
    except ApiException as e:
        expect_equal(e.status, 422, "status of an invalid object")
        expect("spec.size in body should be greater than or equal to 1" in e.body, e.body)
    else:
        raise AssertionError("an invalid object was created")
    co.delete_namespaced_custom_object(group, "v1", ns, plural, "g2")
    left = co.list_namespaced_custom_object(group, "v1", ns, plural)
    expect_equal(sorted(o["metadata"]["name"] for o in left["items"]), ["g0", "g1"], "left after delete")


def delete():
    ext.delete_custom_resource_definition(crd_name)
    deadline = time.time() + 15
    while True:
        try:
            ext.read_custom_resource_definition(crd_name)
        except ApiException as e:
            expect_equal(e.status, 404, "read of the deleted CRD")
            break
        expect(time.time() < deadline, "CRD still there")
        time.sleep(0.1)
    try:
        co.list_namespaced_custom_object(group, "v1", ns, plural)
    except ApiException as e:
        expect_equal(e.status, 404, "objects of a deleted CRD")
    else:
        raise AssertionError("objects still served after the CRD went")
    v1.delete_namespace(ns)


rv = checks.run(f"{KIND}: list before create", list_before)
t = threading.Thread(target=watcher, args=(rv,), daemon=True)
t.start()
checks.run(f"{KIND}: create", create)
checks.run(f"{KIND}: established", established)
checks.run(f"{KIND}: read", read)
checks.run(f"{KIND}: list", listed)
checks.run(f"{KIND}: patch", patch)
checks.run(f"{KIND}: replace", replace)
checks.run(f"{KIND}: status", status)
checks.run("CustomObjectsApi", custom_objects)
checks.run(f"{KIND}: delete", delete)


def watched():
    t.join(35)
    expect(events[:1] == ["ADDED"] and "MODIFIED" in events and events[-1:] == ["DELETED"], f"events {events}")


checks.run(f"{KIND}: watch", watched)
checks.done()
