/**
 * The horizontal pod autoscaler controller (autoscaling/v2), after Kubernetes' podautoscaler:
 * every sync period (15 s by default, like --horizontal-pod-autoscaler-sync-period) each
 * autoscaler reads its target's scale, its pods and their metrics from metrics.k8s.io, proposes
 * replicas per metric (replicas.ts; the largest wins), stabilizes and rate-limits the proposal
 * (behavior.ts), bounds it by min/maxReplicas, writes the target's scale and reports status,
 * conditions and events with upstream's reasons.
 */
import { horizontalPodAutoscalers, pods as podsResource } from '../../api/resources.js';
import type { HorizontalPodAutoscaler, HPACondition, MetricSpec, MetricStatus, Pod } from '../../api/kinds.js';
import { parseSelector } from '../../api/labels.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { realClock, type Clock } from '../cronjob/clock.js';
import { QueueController, errorMessage, isNotFound, objectKey, type Syncable } from '../replication/index.js';
import { ScalingHistory } from './behavior.js';
import { setCondition } from './conditions.js';
import { podUsage } from './podmetrics.js';
import { MetricError, proposeReplicas, type Proposal } from './replicas.js';
import { ScaleTargets } from './target.js';

export interface HpaControllerOptions {
  /** How often each autoscaler is looked at again (default 15 s). */
  readonly syncPeriodMs?: number;
  readonly clock?: Clock;
}

/** What upstream names a metric in messages and events. */
function metricName(m: MetricSpec): string {
  const r = m.resource!;
  return r.target.type === 'Utilization' ? `${r.name} resource utilization (percentage of request)` : `${r.name} resource`;
}

function quantityText(resource: string, v: number): string {
  return resource === 'cpu' ? `${Math.round(v * 1000)}m` : `${Math.round(v / 1024)}Ki`;
}

export class HorizontalPodAutoscalerController extends QueueController {
  readonly name = 'horizontal-pod-autoscaler';
  private hpas!: Informer<HorizontalPodAutoscaler>;
  private pods!: Informer<Pod>;
  private readonly clock: Clock;
  private readonly syncPeriodMs: number;
  private readonly history = new ScalingHistory();
  private readonly targets: ScaleTargets;
  private readonly wakeUps = new Map<string, () => void>();

  constructor(ctx: ControllerContext, opts: HpaControllerOptions = {}) {
    super(ctx, 3);
    this.clock = opts.clock ?? realClock;
    this.syncPeriodMs = opts.syncPeriodMs ?? 15_000;
    this.targets = new ScaleTargets(ctx.client);
  }

  protected register(): readonly Syncable[] {
    this.hpas = this.ctx.informers.informer<HorizontalPodAutoscaler>(horizontalPodAutoscalers);
    this.pods = this.ctx.informers.informer<Pod>(podsResource);
    this.hpas.addEventHandler({
      add: (h) => this.enqueue(objectKey(h)),
      // Status writes come back as updates: only a spec change is worth an early look.
      update: (old, h) => {
        if (old.metadata.generation !== h.metadata.generation) this.enqueue(objectKey(h));
      },
      delete: (h) => this.forget(objectKey(h)),
    });
    return [this.hpas, this.pods];
  }

  override stop(): void {
    for (const cancel of this.wakeUps.values()) cancel();
    this.wakeUps.clear();
    super.stop();
  }

  private forget(key: string): void {
    this.wakeUps.get(key)?.();
    this.wakeUps.delete(key);
    this.history.forget(key);
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.hpas.get(key);
    if (!cached) return this.forget(key);
    this.wakeUps.get(key)?.();
    this.wakeUps.set(key, this.clock.after(this.syncPeriodMs, () => {
      this.wakeUps.delete(key);
      this.enqueue(key);
    }));
    await this.reconcile(key, cached);
  }

  private async event(hpa: HorizontalPodAutoscaler, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    await this.ctx.recorder.event(hpa, type, reason, message).catch(() => undefined);
  }

  private async reconcile(key: string, hpa: HorizontalPodAutoscaler): Promise<void> {
    const now = this.clock.now();
    const ns = hpa.metadata.namespace ?? '';
    let conditions: HPACondition[] = [...(hpa.status?.conditions ?? [])];
    const cond = (type: HPACondition['type'], status: HPACondition['status'], reason: string, message: string) => {
      conditions = setCondition(conditions, type, status, reason, message, now);
    };
    const base = { observedGeneration: hpa.metadata.generation, ...(hpa.status?.lastScaleTime ? { lastScaleTime: hpa.status.lastScaleTime } : {}) };
    let target;
    try {
      target = await this.targets.get(ns, hpa.spec.scaleTargetRef);
    } catch (err) {
      const message = `the HPA controller was unable to get the target's current scale: ${errorMessage(err)}`;
      cond('AbleToScale', 'False', 'FailedGetScale', message);
      await this.event(hpa, 'Warning', 'FailedGetScale', errorMessage(err));
      return this.writeStatus(hpa, { ...base, currentReplicas: hpa.status?.currentReplicas ?? 0, desiredReplicas: hpa.status?.desiredReplicas ?? 0, currentMetrics: hpa.status?.currentMetrics ?? null, conditions });
    }
    cond('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
    const current = target.scale.spec?.replicas ?? 0;
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;
    let desired = current;
    let reason = '';
    let currentMetrics: MetricStatus[] | null = hpa.status?.currentMetrics ?? null;
    if (current === 0 && min !== 0) {
      cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      desired = 0;
    } else if (current > max) {
      desired = max;
      reason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < min) {
      desired = min;
      reason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      let best: { replicas: number; name: string } | undefined;
      try {
        const selectorText = target.scale.status?.selector;
        if (!selectorText) throw new MetricError('InvalidSelector', 'selector is required');
        const selector = parseSelector(selectorText);
        const pods = this.pods.list().filter((p) => p.metadata.namespace === ns && selector.matches(p.metadata.labels));
        currentMetrics = [];
        for (const m of hpa.spec.metrics ?? []) {
          if (m.type !== 'Resource' || !m.resource) throw new MetricError('InvalidMetricSourceType', `the HPA was unable to compute the replica count: unsupported metric source type "${m.type}"`);
          const usage = await podUsage(this.ctx.client, ns, selectorText, m.resource.name);
          let p: Proposal;
          try {
            p = proposeReplicas(m.resource.name, m.resource.target, current, pods, usage, now.getTime());
          } catch (err) {
            if (err instanceof MetricError) throw new MetricError(err.reason, `failed to get ${m.resource.name} utilization: ${err.message}`);
            throw err;
          }
          currentMetrics.push({ type: 'Resource', resource: { name: m.resource.name, current: { averageValue: quantityText(m.resource.name, p.average), ...(p.utilization !== undefined ? { averageUtilization: p.utilization } : {}) } } });
          if (!best || p.replicas > best.replicas) best = { replicas: p.replicas, name: metricName(m) };
        }
      } catch (err) {
        const r = err instanceof MetricError ? err.reason : 'FailedGetResourceMetric';
        cond('ScalingActive', 'False', r, `the HPA was unable to compute the replica count: ${errorMessage(err)}`);
        await this.event(hpa, 'Warning', r, errorMessage(err));
        await this.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', `invalid metrics (${(hpa.spec.metrics ?? []).length} invalid out of ${(hpa.spec.metrics ?? []).length}), first error is: ${errorMessage(err)}`);
        return this.writeStatus(hpa, { ...base, currentReplicas: current, desiredReplicas: hpa.status?.desiredReplicas ?? current, currentMetrics: null, conditions });
      }
      if (best) {
        cond('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${best.name}`);
        const n = this.history.normalize(key, current, best.replicas, min, max, hpa.spec.behavior, now.getTime());
        cond('AbleToScale', 'True', n.stabilized.reason, n.stabilized.message);
        cond('ScalingLimited', n.limited.limited ? 'True' : 'False', n.limited.reason, n.limited.message);
        desired = n.replicas;
        reason = desired > current ? `${best.name} above target` : 'All metrics below target';
      }
    }
    let lastScaleTime = base.lastScaleTime;
    if (desired !== current) {
      try {
        await this.targets.set(target.path, desired);
        cond('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
        await this.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`);
        this.history.recordScale(key, current, desired, now.getTime());
        lastScaleTime = now.toISOString();
      } catch (err) {
        cond('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${errorMessage(err)}`);
        await this.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${reason}; error: ${errorMessage(err)}`);
        desired = current;
      }
    }
    await this.writeStatus(hpa, { ...base, ...(lastScaleTime ? { lastScaleTime } : {}), currentReplicas: current, desiredReplicas: desired, currentMetrics, conditions });
  }

  private async writeStatus(hpa: HorizontalPodAutoscaler, status: NonNullable<HorizontalPodAutoscaler['status']>): Promise<void> {
    const strip = (s: unknown) => JSON.stringify(s);
    if (strip(hpa.status ?? {}) === strip(status)) return;
    try {
      await this.ctx.client.update<HorizontalPodAutoscaler>(horizontalPodAutoscalers, { ...hpa, status }, 'status');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
