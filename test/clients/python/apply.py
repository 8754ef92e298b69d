"""Server-side apply through the official client (its ApiClient.call_api with
`Content-Type: application/apply-patch+yaml`, as the generated patch methods send it where the
client has `_content_type`; Debian's older client does not) and a field manager, conflicts as ApiException 409
with the FieldManagerConflict causes, force, dropped keys removed, managed fields readable, and a
server dry run that stores nothing.

usage: apply.py RUN
"""
import json
import sys

from kubernetes import client
from kubernetes.client.rest import ApiException

from harness import Checks, expect, expect_equal

run = sys.argv[1]
checks = Checks()
v1 = client.CoreV1Api()
ns = f"py-apply-{run}"
name = f"settings-{run}"


def cm(data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data}


def apply(data, manager, target=None, body=None, force=False, dry_run=False):
    query = [("fieldManager", manager)] + ([("force", "true")] if force else []) + ([("dryRun", "All")] if dry_run else [])
    return v1.api_client.call_api(
        f"/api/v1/namespaces/{ns}/configmaps/{target or name}", "PATCH", query_params=query,
        header_params={"Content-Type": "application/apply-patch+yaml", "Accept": "application/json"},
        body=json.dumps(body or cm(data)), response_type="V1ConfigMap", auth_settings=["BearerToken"],
        _return_http_data_only=True)


def setup():
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))


def creates():
    got = apply({"mode": "fast", "level": "3"}, "py-one")
    expect_equal(got.data, {"mode": "fast", "level": "3"}, "data")
    mf = got.metadata.managed_fields
    expect_equal([(m.manager, m.operation) for m in mf], [("py-one", "Apply")], "managed fields")
    expect("f:data" in mf[0].fields_v1, f"fieldsV1 {mf[0].fields_v1}")


def conflicts():
    try:
        apply({"mode": "slow"}, "py-two")
    except ApiException as e:
        expect_equal(e.status, 409, "status")
        body = json.loads(e.body)
        expect_equal(body["message"], 'Apply failed with 1 conflict: conflict with "py-one": .data.mode', "message")
        expect_equal(body["details"]["causes"], [{"reason": "FieldManagerConflict", "message": 'conflict with "py-one"', "field": ".data.mode"}], "causes")
        return
    raise AssertionError("the conflicting apply was accepted")


def forced():
    got = apply({"mode": "slow"}, "py-two", force=True)
    expect_equal(got.data["mode"], "slow", "mode")
    owners = {m.manager for m in got.metadata.managed_fields}
    expect_equal(owners, {"py-one", "py-two"}, "managers")


def dropped():
    got = apply({}, "py-one")
    # py-one dropped `level` (removed) and `mode` (now py-two's, so it stays).
    expect_equal(got.data, {"mode": "slow"}, "data")


def dry_run():
    got = apply(None, "py-one", target=f"{name}-dry", body={**cm({"a": "1"}), "metadata": {"name": f"{name}-dry"}}, dry_run=True)
    expect_equal(got.data, {"a": "1"}, "dry-run answer")
    try:
        v1.read_namespaced_config_map(f"{name}-dry", ns)
    except ApiException as e:
        expect_equal(e.status, 404, "read after dry run")
        return
    raise AssertionError("the dry-run apply stored the object")


checks.run("setup", setup)
checks.run("apply creates", creates)
checks.run("a second manager conflicts", conflicts)
checks.run("force takes ownership", forced)
checks.run("dropped fields are removed", dropped)
checks.run("dry run stores nothing", dry_run)
checks.done()
