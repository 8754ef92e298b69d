/**
 * The store conformance suite: one set of named cases that every backend (memory, sqlite, etcd)
 * must pass, so that the API server can treat them as interchangeable. Each case opens its own
 * store and uses its own key root, so backends that share a server (etcd) can run it too.
 */
import { describe } from 'node:test';
import { compactionCases } from './conformance-compaction.js';
import { crudCases } from './conformance-crud.js';
import type { OpenStore } from './conformance-helpers.js';
import { listCases } from './conformance-list.js';
import { watchCases } from './conformance-watch.js';

export type { OpenedStore, OpenStore } from './conformance-helpers.js';

export function runStoreConformance(name: string, open: OpenStore): void {
  void describe(`store conformance: ${name}`, () => {
    crudCases(open);
    listCases(open);
    watchCases(open);
    // Last: on a shared backend compaction forgets history that earlier cases might replay.
    compactionCases(open);
  });
}
