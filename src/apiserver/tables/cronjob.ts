/** The CronJob table, as Kubernetes' printCronJob: schedule, time zone, suspend, active jobs, last
 * schedule; wide adds the job template's containers, images and selector. */
import { since } from './age.js';
import { ageColumn, at, column, containerCells, containersColumn, formatLabelSelector, has, imagesColumn, nameColumn, records, str } from './format.js';
import type { TablePrinter } from './index.js';

export const cronJobPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Schedule', 'string', 'The schedule in Cron format.'),
    column('Timezone', 'string', 'The time zone the schedule is read in.'),
    column('Suspend', 'boolean', 'Whether further runs are suspended.'),
    column('Active', 'integer', 'The jobs currently running.'),
    column('Last Schedule', 'string', 'When a job was last scheduled.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'The label selector of the jobs\' pods.', 1),
  ],
  cells(o, now) {
    const last = str(o, 'status', 'lastScheduleTime');
    const suspend = at(o, 'spec', 'suspend');
    const [names, images] = containerCells(at(o, 'spec', 'jobTemplate', 'spec', 'template', 'spec'));
    return [
      o.metadata.name ?? '',
      str(o, 'spec', 'schedule'),
      has(o, 'spec', 'timeZone') ? str(o, 'spec', 'timeZone') : '<none>',
      typeof suspend === 'boolean' ? (suspend ? 'True' : 'False') : '<unset>',
      records(o, 'status', 'active').length,
      last ? since(last, now) : '<none>',
      since(o.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(at(o, 'spec', 'jobTemplate', 'spec', 'selector')),
    ];
  },
};
