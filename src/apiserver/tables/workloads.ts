/** Tables of the pod controllers: replication controllers, replica sets, deployments, daemon sets
 * and jobs. Wide output adds the template's containers and images and the selector. */
import { between, since } from './age.js';
import {
  ageColumn, column, conditionTrue, containerCells, containersColumn, formatLabels, formatLabelSelector, has, imagesColumn, int, nameColumn,
  selectorString, str, at,
} from './format.js';
import type { TablePrinter } from './index.js';

const selectorColumn = (description: string) => column('Selector', 'string', description, 1);

/** Desired replicas: the API defaults an unset count to 1. */
function desired(o: unknown): number {
  return has(o, 'spec', 'replicas') ? int(o, 'spec', 'replicas') : 1;
}

export const replicationControllerPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'The number of replicas asked for.'),
    column('Current', 'integer', 'The number of replicas that exist.'),
    column('Ready', 'integer', 'The number of replicas that are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('The labels that select the controller\'s pods.'),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, 'spec', 'template', 'spec'));
    return [o.metadata.name ?? '', desired(o), int(o, 'status', 'replicas'), int(o, 'status', 'readyReplicas'), since(o.metadata.creationTimestamp, now),
      names, images, formatLabels(at(o, 'spec', 'selector'))];
  },
};

export const replicaSetPrinter: TablePrinter = {
  columns: replicationControllerPrinter.columns,
  cells(o, now) {
    const [names, images] = containerCells(at(o, 'spec', 'template', 'spec'));
    return [o.metadata.name ?? '', desired(o), int(o, 'status', 'replicas'), int(o, 'status', 'readyReplicas'), since(o.metadata.creationTimestamp, now),
      names, images, formatLabelSelector(at(o, 'spec', 'selector'))];
  },
};

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready replicas, of those asked for.'),
    column('Up-to-date', 'string', 'Replicas running the current template.'),
    column('Available', 'string', 'Replicas available to serve (ready for at least minReadySeconds).'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('The label selector of the deployment\'s pods.'),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, 'spec', 'template', 'spec'));
    const sel = selectorString(at(o, 'spec', 'selector'));
    return [o.metadata.name ?? '', `${int(o, 'status', 'readyReplicas')}/${desired(o)}`, int(o, 'status', 'updatedReplicas'), int(o, 'status', 'availableReplicas'),
      since(o.metadata.creationTimestamp, now), names, images, sel ?? '<invalid>'];
  },
};

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Nodes that run at least one daemon pod.'),
    column('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Nodes whose daemon pod runs the current template.'),
    column('Available', 'integer', 'Nodes whose daemon pod is available.'),
    column('Node Selector', 'string', 'The node labels the pod template requires.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('The label selector of the daemon set\'s pods.'),
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, 'spec', 'template', 'spec'));
    return [o.metadata.name ?? '', int(o, 'status', 'desiredNumberScheduled'), int(o, 'status', 'currentNumberScheduled'), int(o, 'status', 'numberReady'),
      int(o, 'status', 'updatedNumberScheduled'), int(o, 'status', 'numberAvailable'), formatLabels(at(o, 'spec', 'template', 'spec', 'nodeSelector')),
      since(o.metadata.creationTimestamp, now), names, images, formatLabelSelector(at(o, 'spec', 'selector'))];
  },
};

/** The Status column of jobs (kubectl 1.32): the first that applies of Complete, Failed,
 * Terminating, Suspended, FailureTarget, SuccessCriteriaMet, else Running. */
export function jobStatus(o: unknown): string {
  if (conditionTrue(o, 'Complete')) return 'Complete';
  if (conditionTrue(o, 'Failed')) return 'Failed';
  if (has(o, 'metadata', 'deletionTimestamp')) return 'Terminating';
  if (conditionTrue(o, 'Suspended')) return 'Suspended';
  if (conditionTrue(o, 'FailureTarget')) return 'FailureTarget';
  if (conditionTrue(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

export const jobPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The state of the job: Complete, Failed, Running, Suspended, Terminating, …'),
    column('Completions', 'string', 'Succeeded pods, of those needed.'),
    column('Duration', 'string', 'How long the job ran (or has been running).'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('The label selector of the job\'s pods.'),
  ],
  cells(o, now) {
    const succeeded = int(o, 'status', 'succeeded');
    let completions = `${succeeded}/1`;
    if (has(o, 'spec', 'completions')) completions = `${succeeded}/${int(o, 'spec', 'completions')}`;
    else if (int(o, 'spec', 'parallelism') > 1) completions = `${succeeded}/1 of ${int(o, 'spec', 'parallelism')}`;
    const start = str(o, 'status', 'startTime');
    let duration = '';
    if (start) duration = between(start, str(o, 'status', 'completionTime')) ?? since(start, now);
    const [names, images] = containerCells(at(o, 'spec', 'template', 'spec'));
    return [o.metadata.name ?? '', jobStatus(o), completions, duration, since(o.metadata.creationTimestamp, now), names, images,
      formatLabelSelector(at(o, 'spec', 'selector'))];
  },
};
