/** Tables of StatefulSets (READY as ready/desired, as Kubernetes' printStatefulSet) and
 * ControllerRevisions (the controller as `kind.group/name`, as printControllerRevision). */
import { since } from './age.js';
import { ageColumn, at, column, containerCells, containersColumn, has, imagesColumn, int, isRecord, nameColumn } from './format.js';
import type { TablePrinter } from './index.js';

export const statefulSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Number of the pod with ready state'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  cells(o, now) {
    const [names, images] = containerCells(at(o, 'spec', 'template', 'spec'));
    const desired = has(o, 'spec', 'replicas') ? int(o, 'spec', 'replicas') : 1;
    return [o.metadata.name ?? '', `${int(o, 'status', 'readyReplicas')}/${desired}`, since(o.metadata.creationTimestamp, now), names, images];
  },
};

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'integer', 'Revision of the ControllerRevision'),
    ageColumn,
  ],
  cells(o, now) {
    const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
    let controller = '<none>';
    if (ref && isRecord(ref)) {
      const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
      controller = `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
    }
    return [o.metadata.name ?? '', controller, int(o, 'revision'), since(o.metadata.creationTimestamp, now)];
  },
};
