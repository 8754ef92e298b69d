/**
 * The container, volume and pod-template blocks kubectl's describers share (describeContainers,
 * describeVolumes, DescribePodTemplate): the same lines at the same levels, so pods and their
 * controllers read alike.
 */
import type { Container, ContainerState, ContainerStatus, PodSpec, PodTemplateSpec, Toleration, Volume } from '../../api/kinds.js';
import { annotations, DescribeWriter, multiline, rfc1123z } from './writer.js';

type Json = Record<string, unknown>;

function ports(c: Container, host: boolean): string {
  return (c.ports ?? []).map((p) => `${host ? (p.hostPort ?? 0) : p.containerPort}/${p.protocol ?? 'TCP'}`).join(',');
}

function state(w: DescribeWriter, title: string, s: ContainerState | undefined): void {
  if (s?.running) {
    w.line(2, `${title}:\tRunning`);
    w.line(3, `Started:\t${rfc1123z(s.running.startedAt)}`);
  } else if (s?.terminated) {
    const t = s.terminated;
    w.line(2, `${title}:\tTerminated`);
    if (t.reason) w.line(3, `Reason:\t${t.reason}`);
    if (t.message) w.line(3, `Message:\t${t.message}`);
    w.line(3, `Exit Code:\t${t.exitCode}`);
    if ((t.signal ?? 0) > 0) w.line(3, `Signal:\t${t.signal ?? 0}`);
    w.line(3, `Started:\t${rfc1123z(t.startedAt)}`);
    w.line(3, `Finished:\t${rfc1123z(t.finishedAt)}`);
  } else {
    w.line(2, `${title}:\tWaiting`);
    if (s?.waiting?.reason) w.line(3, `Reason:\t${s.waiting.reason}`);
  }
}

function probe(p: Json | undefined): string | undefined {
  if (!p) return undefined;
  const n = (k: string, d: number) => (typeof p[k] === 'number' ? (p[k] as number) : d);
  const tail = `delay=${n('initialDelaySeconds', 0)}s timeout=${n('timeoutSeconds', 1)}s period=${n('periodSeconds', 10)}s #success=${n('successThreshold', 1)} #failure=${n('failureThreshold', 3)}`;
  const exec = p['exec'] as { command?: string[] } | undefined;
  const http = p['httpGet'] as { scheme?: string; host?: string; port?: unknown; path?: string } | undefined;
  const tcp = p['tcpSocket'] as { port?: unknown } | undefined;
  if (exec) return `exec [${(exec.command ?? []).join(' ')}] ${tail}`;
  if (http) return `http-get ${(http.scheme ?? 'HTTP').toLowerCase()}://${http.host ?? ''}:${String(http.port)}${http.path ?? ''} ${tail}`;
  if (tcp) return `tcp-socket :${String(tcp.port)} ${tail}`;
  return `unknown ${tail}`;
}

function container(w: DescribeWriter, c: Container, status: ContainerStatus | undefined, indent: boolean): void {
  w.line(1, `${indent ? ' ' : ''}${c.name}:`);
  if (status) w.line(2, `Container ID:\t${status.containerID ?? ''}`);
  w.line(2, `Image:\t${c.image ?? ''}`);
  if (status) w.line(2, `Image ID:\t${status.imageID ?? ''}`);
  const p = ports(c, false);
  w.line(2, p.includes(',') ? `Ports:\t${p}` : `Port:\t${p || '<none>'}`);
  const h = ports(c, true);
  w.line(2, h.includes(',') ? `Host Ports:\t${h}` : `Host Port:\t${h || '<none>'}`);
  for (const [title, list] of [['Command', c.command], ['Args', c.args]] as const) {
    if (!list?.length) continue;
    w.line(2, `${title}:`);
    for (const a of list) w.line(3, a);
  }
  if (status) {
    state(w, 'State', status.state as ContainerState | undefined);
    const last = status.lastState as ContainerState | undefined;
    if (last?.terminated) state(w, 'Last State', last);
    w.line(2, `Ready:\t${status.ready ? 'True' : 'False'}`);
    w.line(2, `Restart Count:\t${status.restartCount ?? 0}`);
  }
  for (const kind of ['limits', 'requests'] as const) {
    const r = c.resources?.[kind];
    if (!r || Object.keys(r).length === 0) continue;
    w.line(2, `${kind === 'limits' ? 'Limits' : 'Requests'}:`);
    for (const k of Object.keys(r).sort()) w.line(3, `${k}:\t${r[k]!}`);
  }
  const cj = c as unknown as Json;
  for (const [title, key] of [['Liveness', 'livenessProbe'], ['Readiness', 'readinessProbe'], ['Startup', 'startupProbe']] as const) {
    const text = probe(cj[key] as Json | undefined);
    if (text) w.line(2, `${title}:\t${text}`);
  }
  const env = c.env ?? [];
  if (env.length === 0) w.line(2, 'Environment:\t<none>');
  else {
    w.line(2, 'Environment:');
    for (const e of env) w.line(3, `${e.name}:\t${envValue(e as unknown as Json)}`);
  }
  const mounts = c.volumeMounts ?? [];
  if (mounts.length === 0) w.line(2, 'Mounts:\t<none>');
  else {
    w.line(2, 'Mounts:');
    for (const m of [...mounts].sort((a, b) => a.mountPath.localeCompare(b.mountPath))) {
      const sub = (m as unknown as Json)['subPath'];
      w.line(3, `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'}${sub ? `,path="${String(sub)}"` : ''})`);
    }
  }
}

function envValue(e: Json): string {
  if (typeof e['value'] === 'string') return e['value'];
  const from = e['valueFrom'] as Json | undefined;
  const field = from?.['fieldRef'] as { apiVersion?: string; fieldPath?: string } | undefined;
  if (field) return ` (${field.apiVersion ?? 'v1'}:${field.fieldPath ?? ''})`;
  const cm = from?.['configMapKeyRef'] as { name?: string; key?: string; optional?: boolean } | undefined;
  if (cm) return `<set to the key '${cm.key ?? ''}' of config map '${cm.name ?? ''}'>\tOptional: ${String(cm.optional ?? false)}`;
  const sec = from?.['secretKeyRef'] as { name?: string; key?: string; optional?: boolean } | undefined;
  if (sec) return `<set to the key '${sec.key ?? ''}' in secret '${sec.name ?? ''}'>\tOptional: ${String(sec.optional ?? false)}`;
  return '';
}

/** `Containers:` (or `Init Containers:`) with each container; statuses when describing a pod. */
export function containers(w: DescribeWriter, title: string, list: readonly Container[], statuses: readonly ContainerStatus[] | undefined, space: string): void {
  w.line(0, list.length === 0 ? `${space}${title}: <none>` : `${space}${title}:`);
  for (const c of list) container(w, c, statuses?.find((s) => s.name === c.name), space !== '');
}

export function volumes(w: DescribeWriter, list: readonly Volume[] | undefined, space: string): void {
  if (!list?.length) {
    w.line(0, `${space}Volumes:\t<none>`);
    return;
  }
  w.line(0, `${space}Volumes:`);
  for (const v of list) {
    const j = v as unknown as Json;
    w.line(1, `${space ? ' ' : ''}${v.name}:`);
    const hp = j['hostPath'] as { path?: string; type?: string } | undefined;
    const ed = j['emptyDir'] as { medium?: string; sizeLimit?: string } | undefined;
    const cm = j['configMap'] as { name?: string; optional?: boolean } | undefined;
    const sec = j['secret'] as { secretName?: string; optional?: boolean } | undefined;
    if (hp) {
      w.line(2, 'Type:\tHostPath (bare host directory volume)');
      w.line(2, `Path:\t${hp.path ?? ''}`);
      w.line(2, `HostPathType:\t${hp.type ?? ''}`);
    } else if (ed) {
      w.line(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)");
      w.line(2, `Medium:\t${ed.medium ?? ''}`);
      w.line(2, `SizeLimit:\t${ed.sizeLimit ?? '<unset>'}`);
    } else if (cm) {
      w.line(2, 'Type:\tConfigMap (a volume populated by a ConfigMap)');
      w.line(2, `Name:\t${cm.name ?? ''}`);
      w.line(2, `Optional:\t${String(cm.optional ?? false)}`);
    } else if (sec) {
      w.line(2, 'Type:\tSecret (a volume populated by a Secret)');
      w.line(2, `SecretName:\t${sec.secretName ?? ''}`);
      w.line(2, `Optional:\t${String(sec.optional ?? false)}`);
    } else {
      w.line(2, `<unknown>`);
    }
  }
}

/** `key=value:Effect op=Exists for 300s`, one per line under `title`. */
export function tolerations(w: DescribeWriter, title: string, list: readonly Toleration[] | undefined): void {
  if (!list?.length) {
    w.raw(`${title}:\t<none>\n`);
    return;
  }
  list.forEach((t, i) => {
    let s = t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) s += ` for ${t.tolerationSeconds}s`;
    w.raw(`${i === 0 ? `${title}:` : ''}\t${s}\n`);
  });
}

/** `Pod Template:` of a controller. */
export function podTemplate(w: DescribeWriter, t: PodTemplateSpec | undefined): void {
  w.line(0, 'Pod Template:');
  if (!t) {
    w.line(1, '<unset>');
    return;
  }
  const spec: PodSpec = t.spec;
  multiline(w, '  Labels', t.metadata?.labels);
  if (Object.keys(t.metadata?.annotations ?? {}).length) annotations(w, '  Annotations', t.metadata?.annotations);
  if (spec.serviceAccountName) w.line(1, `Service Account:\t${spec.serviceAccountName}`);
  if (spec.initContainers?.length) containers(w, 'Init Containers', spec.initContainers, undefined, '  ');
  containers(w, 'Containers', spec.containers ?? [], undefined, '  ');
  volumes(w, spec.volumes, '  ');
  multiline(w, '  Node-Selectors', spec.nodeSelector);
  tolerations(w, '  Tolerations', spec.tolerations);
}
