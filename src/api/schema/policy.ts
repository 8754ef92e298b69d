/** policy/v1 PodDisruptionBudget, and the Eviction pods' `eviction` takes (a policy/v1beta1 body is
 * read the same way; that version is not otherwise served). */
import { int, int64, intOrString, keyedList, kindObject, listOf, mapOf, obj, ref, str, time, defs, type Definitions } from './dsl.js';

const evictionFields = {
  deleteOptions: ref('meta.DeleteOptions', 'How the pod is deleted.'),
};

export const policyDefinitions: Definitions = {
  ...defs('policy', {
    PodDisruptionBudget: kindObject('Limits how many pods of a set may be down at once by voluntary disruptions (evictions).', {
      spec: ref('policy.PodDisruptionBudgetSpec', 'The desired behaviour of the budget.'),
      status: ref('policy.PodDisruptionBudgetStatus', 'The most recently observed state. Read-only.'),
    }),
    PodDisruptionBudgetList: listOf('policy.PodDisruptionBudget', 'pod disruption budgets'),
    PodDisruptionBudgetSpec: obj({
      minAvailable: intOrString('An eviction is allowed if at least this many (or this percentage) of the selected pods stay available. Exclusive with maxUnavailable.'),
      maxUnavailable: intOrString('An eviction is allowed if at most this many (or this percentage) of the selected pods are unavailable after it. Exclusive with minAvailable.'),
      selector: ref('meta.LabelSelector', 'The pods the budget covers. Null selects none; empty ({}) selects every pod of the namespace.'),
      unhealthyPodEvictionPolicy: str('When not-ready pods may be evicted: `IfHealthyBudget` (default) or `AlwaysAllow`.', { enum: ['AlwaysAllow', 'IfHealthyBudget'] }),
    }, 'The desired state of a pod disruption budget.'),
    PodDisruptionBudgetStatus: obj({
      observedGeneration: int64('The generation this status was computed for.'),
      disruptedPods: mapOf(time(), 'Pods whose eviction was allowed but whose deletion the controller has not yet seen, with when.'),
      disruptionsAllowed: int('How many pod disruptions are allowed now.'),
      currentHealthy: int('Healthy (ready) pods now.'),
      desiredHealthy: int('The fewest healthy pods wanted.'),
      expectedPods: int('Pods counted by the budget (the controllers\' scale, or the selected pods).'),
      conditions: keyedList(ref('meta.Condition'), 'type', 'DisruptionAllowed: whether an eviction would be allowed now.'),
    }, 'The observed state of a pod disruption budget.', ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']),
    Eviction: kindObject('Evicts a pod from its node, subject to its disruption budget: POST to pods/NAME/eviction.', evictionFields),
  }),
};
