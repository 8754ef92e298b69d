// Events as a timeline, newest first, live.
import { h } from './dom.js';
import { livePage } from './live.js';
import { age } from './format.js';

const SHOWN = 300;

function when(e) {
  return e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
}

export function mount(view, { ns }) {
  return livePage(view, { events: ['', 'v1', 'events'] }, ns, ({ events }) => {
    const sorted = events.items.sort((a, b) => Date.parse(when(b) ?? 0) - Date.parse(when(a) ?? 0)).slice(0, SHOWN);
    return h('section', {}, h('h1', {}, 'Events', h('small', {}, ` (${events.items.length})`)),
      h('ol', { class: 'timeline', id: 'events' }, sorted.map((e) => h('li', { class: e.type === 'Warning' ? 'warning' : 'normal' },
        h('time', { datetime: when(e) ?? '' }, `${age(when(e))} ago`),
        h('span', { class: 'reason' }, e.reason ?? ''),
        h('span', { class: 'object' }, `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`, e.metadata.namespace ? ` in ${e.metadata.namespace}` : ''),
        (e.count ?? 1) > 1 ? h('span', { class: 'count' }, `×${e.count}`) : null,
        h('p', { class: 'message' }, e.message ?? '')))));
  });
}
