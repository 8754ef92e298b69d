/**
 * Small builders of API objects for tests (reusable by any test): each starts from the smallest
 * valid object of its kind and each method returns the builder, so a case says only what it
 * changes. `build()` returns a fresh deep copy every time.
 *
 *   podBuilder().name('web-1').container(containerBuilder('app').image('nginx:1.25').port(80)).build()
 */
import type { FieldError } from '../../src/api/errors.js';
import type { KubeObject } from '../../src/api/types.js';
import { applyDefaults } from '../../src/api/defaults/index.js';

type Obj = Record<string, unknown>;

/** A container: `name`, `image`, and whatever the test adds. */
export class ContainerBuilder {
  private readonly c: Obj;
  constructor(name: string) {
    this.c = { name, image: 'busybox' };
  }
  image(image: string | undefined): this {
    if (image === undefined) delete this.c['image'];
    else this.c['image'] = image;
    return this;
  }
  port(containerPort: number, extra: Obj = {}): this {
    const ports = (this.c['ports'] as Obj[] | undefined) ?? [];
    ports.push({ containerPort, ...extra });
    this.c['ports'] = ports;
    return this;
  }
  env(name: string, value?: string, valueFrom?: Obj): this {
    const env = (this.c['env'] as Obj[] | undefined) ?? [];
    env.push({ name, ...(value !== undefined ? { value } : {}), ...(valueFrom ? { valueFrom } : {}) });
    this.c['env'] = env;
    return this;
  }
  mount(name: string, mountPath: string, extra: Obj = {}): this {
    const mounts = (this.c['volumeMounts'] as Obj[] | undefined) ?? [];
    mounts.push({ name, mountPath, ...extra });
    this.c['volumeMounts'] = mounts;
    return this;
  }
  requests(r: Record<string, string | number>): this {
    this.c['resources'] = { ...((this.c['resources'] as Obj | undefined) ?? {}), requests: r };
    return this;
  }
  limits(l: Record<string, string | number>): this {
    this.c['resources'] = { ...((this.c['resources'] as Obj | undefined) ?? {}), limits: l };
    return this;
  }
  probe(kind: 'livenessProbe' | 'readinessProbe' | 'startupProbe', probe: Obj): this {
    this.c[kind] = probe;
    return this;
  }
  set(field: string, value: unknown): this {
    this.c[field] = value;
    return this;
  }
  build(): Obj {
    return structuredClone(this.c);
  }
}

export function containerBuilder(name = 'app'): ContainerBuilder {
  return new ContainerBuilder(name);
}

abstract class ObjectBuilder<T extends ObjectBuilder<T>> {
  protected obj: Obj;
  constructor(apiVersion: string, kind: string, name: string, namespaced = true) {
    this.obj = { apiVersion, kind, metadata: { name, ...(namespaced ? { namespace: 'default' } : {}) } };
  }
  protected get meta(): Obj {
    return this.obj['metadata'] as Obj;
  }
  name(name: string | undefined): T {
    if (name === undefined) delete this.meta['name'];
    else this.meta['name'] = name;
    return this as unknown as T;
  }
  generateName(prefix: string): T {
    this.meta['generateName'] = prefix;
    return this as unknown as T;
  }
  namespace(ns: string | undefined): T {
    if (ns === undefined) delete this.meta['namespace'];
    else this.meta['namespace'] = ns;
    return this as unknown as T;
  }
  uid(uid: string): T {
    this.meta['uid'] = uid;
    return this as unknown as T;
  }
  labels(labels: Record<string, string> | undefined): T {
    if (labels === undefined) delete this.meta['labels'];
    else this.meta['labels'] = { ...labels };
    return this as unknown as T;
  }
  annotations(a: Record<string, string>): T {
    this.meta['annotations'] = { ...a };
    return this as unknown as T;
  }
  /** Sets any field by dotted path (`spec.replicas`), creating objects on the way; `undefined`
   * deletes it. */
  set(path: string, value: unknown): T {
    const parts = path.split('.');
    let cur: Obj = this.obj;
    for (const p of parts.slice(0, -1)) {
      if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
      cur = cur[p] as Obj;
    }
    const last = parts[parts.length - 1]!;
    if (value === undefined) delete cur[last];
    else cur[last] = value;
    return this as unknown as T;
  }
  build(): KubeObject {
    return structuredClone(this.obj) as KubeObject;
  }
  /** The object after Kubernetes defaulting for its kind. */
  defaulted(): KubeObject {
    const o = this.build();
    applyDefaults(String(o.kind), o);
    return o;
  }
}

/** Pod spec helpers shared by pods and every pod template. */
abstract class PodSpecBuilder<T extends PodSpecBuilder<T>> extends ObjectBuilder<T> {
  protected abstract podSpec(): Obj;
  container(c: ContainerBuilder | Obj): T {
    const spec = this.podSpec();
    const list = (spec['containers'] as Obj[] | undefined) ?? [];
    list.push(c instanceof ContainerBuilder ? c.build() : structuredClone(c));
    spec['containers'] = list;
    return this as unknown as T;
  }
  initContainer(c: ContainerBuilder | Obj): T {
    const spec = this.podSpec();
    const list = (spec['initContainers'] as Obj[] | undefined) ?? [];
    list.push(c instanceof ContainerBuilder ? c.build() : structuredClone(c));
    spec['initContainers'] = list;
    return this as unknown as T;
  }
  noContainers(): T {
    delete this.podSpec()['containers'];
    return this as unknown as T;
  }
  volume(name: string, source: Obj = { emptyDir: {} }): T {
    const spec = this.podSpec();
    const list = (spec['volumes'] as Obj[] | undefined) ?? [];
    list.push({ name, ...structuredClone(source) });
    spec['volumes'] = list;
    return this as unknown as T;
  }
  restartPolicy(rp: string | undefined): T {
    if (rp === undefined) delete this.podSpec()['restartPolicy'];
    else this.podSpec()['restartPolicy'] = rp;
    return this as unknown as T;
  }
  nodeSelector(sel: Record<string, string>): T {
    this.podSpec()['nodeSelector'] = { ...sel };
    return this as unknown as T;
  }
  podField(field: string, value: unknown): T {
    if (value === undefined) delete this.podSpec()[field];
    else this.podSpec()[field] = value;
    return this as unknown as T;
  }
}

export class PodBuilder extends PodSpecBuilder<PodBuilder> {
  constructor(name: string) {
    super('v1', 'Pod', name);
    this.obj['spec'] = { containers: [containerBuilder('app').build()] };
  }
  protected podSpec(): Obj {
    return this.obj['spec'] as Obj;
  }
  /** Replaces the default container list with exactly the given containers. */
  containers(...cs: (ContainerBuilder | Obj)[]): PodBuilder {
    this.podSpec()['containers'] = [];
    for (const c of cs) this.container(c);
    return this;
  }
}

export function podBuilder(name = 'pod-1'): PodBuilder {
  return new PodBuilder(name);
}

/** Controllers with a pod template at `spec.template`. */
abstract class TemplateBuilder<T extends TemplateBuilder<T>> extends PodSpecBuilder<T> {
  constructor(apiVersion: string, kind: string, name: string, labels: Record<string, string>, restartPolicy?: string) {
    super(apiVersion, kind, name);
    this.obj['spec'] = {
      template: {
        metadata: { labels: { ...labels } },
        spec: { containers: [containerBuilder('app').build()], ...(restartPolicy ? { restartPolicy } : {}) },
      },
    };
  }
  protected get spec(): Obj {
    return this.obj['spec'] as Obj;
  }
  protected podSpec(): Obj {
    return (this.spec['template'] as Obj)['spec'] as Obj;
  }
  templateLabels(labels: Record<string, string> | undefined): T {
    const meta = (this.spec['template'] as Obj)['metadata'] as Obj;
    if (labels === undefined) delete meta['labels'];
    else meta['labels'] = { ...labels };
    return this as unknown as T;
  }
  /** A structured selector, a plain map (for RCs and legacy manifests), or undefined for none. */
  selector(sel: unknown): T {
    if (sel === undefined) delete this.spec['selector'];
    else this.spec['selector'] = structuredClone(sel);
    return this as unknown as T;
  }
  matchLabels(labels: Record<string, string>): T {
    return this.selector({ matchLabels: labels });
  }
  replicas(n: number | undefined): T {
    return this.set('spec.replicas', n);
  }
}

export class ReplicationControllerBuilder extends TemplateBuilder<ReplicationControllerBuilder> {
  constructor(name: string, labels: Record<string, string>) {
    super('v1', 'ReplicationController', name, labels);
    this.spec['selector'] = { ...labels };
  }
}

export function rcBuilder(name = 'rc-1', labels: Record<string, string> = { app: name }): ReplicationControllerBuilder {
  return new ReplicationControllerBuilder(name, labels);
}

export class AppsBuilder extends TemplateBuilder<AppsBuilder> {
  constructor(kind: 'ReplicaSet' | 'Deployment' | 'DaemonSet' | 'StatefulSet', name: string, labels: Record<string, string>, apiVersion = 'apps/v1') {
    super(apiVersion, kind, name, labels);
    this.spec['selector'] = { matchLabels: { ...labels } };
  }
}

export function replicaSetBuilder(name = 'rs-1', labels: Record<string, string> = { app: name }): AppsBuilder {
  return new AppsBuilder('ReplicaSet', name, labels);
}

export function deploymentBuilder(name = 'deploy-1', labels: Record<string, string> = { app: name }): AppsBuilder {
  return new AppsBuilder('Deployment', name, labels);
}

export function daemonSetBuilder(name = 'ds-1', labels: Record<string, string> = { app: name }): AppsBuilder {
  return new AppsBuilder('DaemonSet', name, labels);
}

export function statefulSetBuilder(name = 'sts-1', labels: Record<string, string> = { app: name }): AppsBuilder {
  return new AppsBuilder('StatefulSet', name, labels).set('spec.serviceName', name);
}

export class JobBuilder extends TemplateBuilder<JobBuilder> {
  constructor(name: string, labels: Record<string, string>, apiVersion = 'batch/v1') {
    super(apiVersion, 'Job', name, labels, 'Never');
  }
  manualSelector(v: boolean | undefined): JobBuilder {
    return this.set('spec.manualSelector', v);
  }
}

/** A batch/v1 job without a selector (the server generates one) and restartPolicy Never. */
export function jobBuilder(name = 'job-1', labels: Record<string, string> = { task: name }): JobBuilder {
  return new JobBuilder(name, labels);
}

export class ServiceBuilder extends ObjectBuilder<ServiceBuilder> {
  constructor(name: string) {
    super('v1', 'Service', name);
    this.obj['spec'] = { selector: { app: name }, ports: [{ port: 80 }] };
  }
  private get spec(): Obj {
    return this.obj['spec'] as Obj;
  }
  type(t: string | undefined): ServiceBuilder {
    return this.set('spec.type', t);
  }
  /** Replaces the ports. */
  ports(...ports: Obj[]): ServiceBuilder {
    this.spec['ports'] = structuredClone(ports);
    return this;
  }
  selector(sel: Record<string, string> | undefined): ServiceBuilder {
    return this.set('spec.selector', sel);
  }
  clusterIP(ip: string | undefined): ServiceBuilder {
    return this.set('spec.clusterIP', ip);
  }
}

export function serviceBuilder(name = 'svc-1'): ServiceBuilder {
  return new ServiceBuilder(name);
}

export class ClusterObjectBuilder extends ObjectBuilder<ClusterObjectBuilder> {
  constructor(apiVersion: string, kind: string, name: string, namespaced: boolean) {
    super(apiVersion, kind, name, namespaced);
  }
}

export function nodeBuilder(name = 'node-1'): ClusterObjectBuilder {
  return new ClusterObjectBuilder('v1', 'Node', name, false);
}

export function namespaceBuilder(name = 'team-a'): ClusterObjectBuilder {
  return new ClusterObjectBuilder('v1', 'Namespace', name, false);
}

/** Any other namespaced object (ConfigMap, Secret, Event, Lease, Endpoints…). */
export function objectBuilder(apiVersion: string, kind: string, name = 'obj-1'): ClusterObjectBuilder {
  return new ClusterObjectBuilder(apiVersion, kind, name, true);
}

/** `field: detail` lines, the way kubectl prints each cause — what assertions compare. */
export function causes(errs: readonly FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${e.detail}`);
}

/** Just the field paths. */
export function fields(errs: readonly FieldError[]): string[] {
  return errs.map((e) => e.field);
}

// The exact texts Kubernetes prints, for assertions.
export const msg = {
  dns1123Label: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  dns1123Subdomain: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  dns1035Label: "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  qualifiedNamePart: "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  labelValue: "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  portRange: 'must be between 1 and 65535, inclusive',
  selectorMismatch: '`selector` does not match template `labels`',
};
