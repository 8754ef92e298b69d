"""What every script here shares: the official client configured from KUBECONFIG, and named
checks reported one JSON line each, so the node:test driver can tell which case failed and why.

The generated models validate required fields when they deserialize a response, so a check that
merely calls the API already fails ("Invalid value for `x`, must not be `None`") when skiff leaves
out a field Kubernetes always sends; the explicit assertions add what the models do not check.
"""
import json
import sys
import time
import traceback

from kubernetes import client, config

config.load_kube_config()


class CheckFailed(Exception):
    pass


def expect(cond, message):
    if not cond:
        raise CheckFailed(message)


def expect_equal(got, want, what):
    if got != want:
        raise CheckFailed(f"{what}: got {got!r}, want {want!r}")


class Checks:
    """Runs named cases; a failing case is reported and the script goes on with the next."""

    def __init__(self):
        self.failed = 0

    def run(self, case, fn, *args):
        started = time.monotonic()
        try:
            result = fn(*args)
        except Exception as e:  # every failure is a reported case, never a crashed script
            self.failed += 1
            report = {
                "case": case,
                "ok": False,
                "seconds": round(time.monotonic() - started, 3),
                "error": f"{type(e).__name__}: {e}"[:1500],
                "trace": traceback.format_exc()[-1500:],
            }
            print(json.dumps(report), flush=True)
            return None
        print(json.dumps({"case": case, "ok": True, "seconds": round(time.monotonic() - started, 3)}), flush=True)
        return result

    def done(self):
        print(json.dumps({"done": True, "failed": self.failed}), flush=True)
        sys.exit(1 if self.failed else 0)


def api_client():
    return client.ApiClient()


def check_object(obj, model, kind, api_version, name=None):
    """What every object skiff returns must carry: its model, kind/apiVersion, server metadata."""
    expect(isinstance(obj, model), f"expected a {model.__name__}, got {type(obj).__name__}")
    expect_equal(obj.kind, kind, "kind")
    expect_equal(obj.api_version, api_version, "apiVersion")
    m = obj.metadata
    if name is not None:
        expect_equal(m.name, name, "metadata.name")
    expect(m.creation_timestamp is not None, "metadata.creationTimestamp is missing")
    expect(bool(m.uid), "metadata.uid is missing")
    expect(bool(m.resource_version), "metadata.resourceVersion is missing")
