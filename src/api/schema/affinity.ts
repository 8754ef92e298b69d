/** Placement rules: node affinity, pod (anti-)affinity, tolerations, topology spread. */
import { defs, int, int64, list, obj, ref, str, strList, type Definitions } from './dsl.js';

const atomic = { listType: 'atomic' } as const;

export const affinityDefinitions: Definitions = defs('core', {
  Affinity: obj({
    nodeAffinity: ref('core.NodeAffinity', 'Rules about which nodes the pod may or prefers to run on.'),
    podAffinity: ref('core.PodAffinity', 'Rules to place the pod near (same topology domain as) other pods.'),
    podAntiAffinity: ref('core.PodAntiAffinity', 'Rules to keep the pod away from other pods.'),
  }, 'Scheduling constraints of a pod.'),
  NodeAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: ref('core.NodeSelector', 'Nodes the pod may be placed on. Not re-checked once the pod runs.'),
    preferredDuringSchedulingIgnoredDuringExecution: list(ref('core.PreferredSchedulingTerm'), 'Weighted preferences; nodes matching more weight score higher.', atomic),
  }, 'Node affinity rules.'),
  NodeSelector: obj({
    nodeSelectorTerms: list(ref('core.NodeSelectorTerm'), 'Terms that are ORed: a node matching any term qualifies.', atomic),
  }, 'A set of node selector terms.', ['nodeSelectorTerms']),
  NodeSelectorTerm: obj({
    matchExpressions: list(ref('core.NodeSelectorRequirement'), 'Requirements on node labels, ANDed.', atomic),
    matchFields: list(ref('core.NodeSelectorRequirement'), 'Requirements on node fields (only `metadata.name`), ANDed.', atomic),
  }, 'Requirements that all must hold; an empty term matches nothing.'),
  NodeSelectorRequirement: obj({
    key: str('The label key (or field) the requirement applies to.'),
    operator: str('`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`.', { enum: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] }),
    values: strList('Values for In/NotIn; one integer for Gt/Lt; none for Exists/DoesNotExist.'),
  }, 'A requirement on a node label or field.', ['key', 'operator']),
  PreferredSchedulingTerm: obj({
    weight: int('Weight of this preference, 1–100.'),
    preference: ref('core.NodeSelectorTerm', 'The nodes preferred.'),
  }, 'A weighted node preference.', ['weight', 'preference']),
  PodAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: list(ref('core.PodAffinityTerm'), 'Terms that must all hold when the pod is scheduled.', atomic),
    preferredDuringSchedulingIgnoredDuringExecution: list(ref('core.WeightedPodAffinityTerm'), 'Weighted preferences.', atomic),
  }, 'Rules to co-locate the pod with other pods.'),
  PodAntiAffinity: obj({
    requiredDuringSchedulingIgnoredDuringExecution: list(ref('core.PodAffinityTerm'), 'Terms that must all hold when the pod is scheduled.', atomic),
    preferredDuringSchedulingIgnoredDuringExecution: list(ref('core.WeightedPodAffinityTerm'), 'Weighted preferences.', atomic),
  }, 'Rules to keep the pod apart from other pods.'),
  PodAffinityTerm: obj({
    labelSelector: ref('meta.LabelSelector', 'The pods this term is about.'),
    namespaceSelector: ref('meta.LabelSelector', 'Namespaces whose pods are considered, by label; with `namespaces`, the union.'),
    namespaces: strList('Namespaces whose pods are considered; the pod\'s own when both this and namespaceSelector are empty.'),
    topologyKey: str('The node label whose value defines a domain (e.g. `kubernetes.io/hostname`, `topology.kubernetes.io/zone`).'),
    matchLabelKeys: strList('Pod label keys whose values (from the incoming pod) are added to labelSelector as `In` requirements.'),
    mismatchLabelKeys: strList('Pod label keys whose values are added to labelSelector as `NotIn` requirements.'),
  }, 'Pods (by selector and namespaces) and the topology domain the rule refers to.', ['topologyKey']),
  WeightedPodAffinityTerm: obj({
    weight: int('Weight of this preference, 1–100.'),
    podAffinityTerm: ref('core.PodAffinityTerm', 'The term.'),
  }, 'A weighted pod affinity term.', ['weight', 'podAffinityTerm']),
  Toleration: obj({
    key: str('The taint key tolerated; empty with Exists tolerates every taint.'),
    operator: str('`Equal` (default) or `Exists`.', { enum: ['Equal', 'Exists'] }),
    value: str('The taint value tolerated, for Equal.'),
    effect: str('The taint effect tolerated: `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty means all.'),
    tolerationSeconds: int64('For NoExecute: how long the pod stays bound after the taint appears; forever when unset.'),
  }, 'Lets the pod be scheduled on (or stay on) nodes with a matching taint.'),
  TopologySpreadConstraint: obj({
    maxSkew: int('The most the pod count may differ between any two domains.'),
    topologyKey: str('The node label whose values are the domains.'),
    whenUnsatisfiable: str('`DoNotSchedule` or `ScheduleAnyway`.'),
    labelSelector: ref('meta.LabelSelector', 'The pods counted.'),
    minDomains: int('The fewest domains there must be.'),
    nodeAffinityPolicy: str('`Honor` or `Ignore` the pod\'s node affinity when counting.'),
    nodeTaintsPolicy: str('`Honor` or `Ignore` node taints when counting.'),
    matchLabelKeys: strList('Pod label keys whose values narrow the counted pods.'),
  }, 'How to spread matching pods over a topology.', ['maxSkew', 'topologyKey', 'whenUnsatisfiable']),
});
