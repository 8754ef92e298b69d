"""A running pod's log through the official client: followed (`follow=True`, streamed with
`_preload_content=False`) and through `watch.Watch().stream` on `read_namespaced_pod_log`, both with
`timestamps=True`, plus a plain tail. The pod prints a numbered line every 100 ms, so a followed
log must go on past what had been written when the request was made.

usage: logs.py RUN
"""
import re
import sys
import time

from kubernetes import client, watch

from harness import Checks, expect, expect_equal

run = sys.argv[1]
checks = Checks()
v1 = client.CoreV1Api()
ns = f"py-logs-{run}"
pod = f"counter-{run}"
# RFC 3339 with nanoseconds in UTC, one space, then the line: what the kubelet prefixes.
STAMPED = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z) line (\d+)$")


def start():
    v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
    script = 'i=0; while true; do echo "line $i"; i=$((i+1)); sleep 0.1; done'
    v1.create_namespaced_pod(ns, client.V1Pod(
        metadata=client.V1ObjectMeta(name=pod),
        spec=client.V1PodSpec(termination_grace_period_seconds=1, containers=[
            client.V1Container(name="counter", image="busybox", command=["sh", "-c", script])])))
    for ev in watch.Watch().stream(v1.list_namespaced_pod, ns, field_selector=f"metadata.name={pod}", timeout_seconds=30):
        if ev["object"].status.phase == "Running":
            return
    raise AssertionError("pod not Running within 30 s")


def numbers(lines):
    out = []
    for line in lines:
        m = STAMPED.match(line)
        expect(m is not None, f"line without an RFC 3339 timestamp: {line!r}")
        out.append(int(m.group(2)))
    expect_equal(out, list(range(out[0], out[0] + len(out))), "line numbers in order, none missing")
    return out


def plain_tail():
    time.sleep(0.5)
    text = v1.read_namespaced_pod_log(pod, ns, timestamps=True, tail_lines=3)
    lines = text.splitlines()
    expect_equal(len(lines), 3, f"tail_lines=3 gave {text!r}")
    return numbers(lines)[-1]


def followed(last_before):
    resp = v1.read_namespaced_pod_log(pod, ns, container="counter", follow=True, timestamps=True,
                                    _preload_content=False, _request_timeout=20)
    lines, buf = [], b""
    want = last_before + 10  # at least a second past the request: only a followed log gets there
    try:
        for chunk in resp.stream(1024):
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                lines.append(line.decode())
            if lines and STAMPED.match(lines[-1]) and int(STAMPED.match(lines[-1]).group(2)) >= want:
                break
    finally:
        resp.close()
    got = numbers(lines)
    expect_equal(got[0], 0, "a followed log starts at the first line")
    expect(got[-1] >= want, f"followed log stopped at line {got[-1]}, want {want}")


def watched():
    w = watch.Watch()
    lines = []
    for line in w.stream(v1.read_namespaced_pod_log, pod, ns, timestamps=True, since_seconds=1, _request_timeout=20):
        lines.append(line)
        if len(lines) == 15:
            w.stop()
            break
    got = numbers(lines)
    expect(got[0] > 0, "since_seconds=1 starts past the first line")


if checks.run("logs: a running pod", start) is not None or checks.failed == 0:
    last = checks.run("logs: tail_lines with timestamps", plain_tail)
    if last is not None:
        checks.run("logs: follow=True, timestamps=True, streamed", followed, last)
    checks.run("logs: watch.Watch().stream of read_namespaced_pod_log", watched)
checks.run("logs: cleanup", lambda: v1.delete_namespace(ns))
checks.done()
