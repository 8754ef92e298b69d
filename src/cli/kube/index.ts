/**
 * The foundation of `skiff <verb>`: what every client verb needs to behave like kubectl.
 *
 * - {@link kubeCommand} / {@link runKube}: a verb with kubectl's global flags; the action gets a
 *   {@link CliContext} (client, namespace, discovery, out/err) and its failures print in kubectl's
 *   words with exit code 1.
 * - {@link parseResourceArgs} / {@link resolveType}: `po`, `rc/x`, `daemonsets.apps`, `all`… to
 *   discovered {@link ApiResource}s; {@link resolveTargets} adds `-f`, `-l`, `--all`.
 * - {@link readManifests}: `-f` files, directories, stdin, YAML streams, JSON, Lists.
 * - {@link resourcePath}, {@link getObject}, {@link listObjects}: requests at any served version.
 * - {@link formatError}, {@link CliError}: the error catalog; {@link operationLine}: `kind/name created`.
 */
export { kubeCommand, addGlobalFlags, collect, type GlobalFlags, type KubeCommandOptions } from './flags.js';
export { buildContext, runKube, type CliContext, type ContextIO, type Writer } from './context.js';
export { CliRestClient, parseRequestTimeout } from './client.js';
export { locateKubeconfig, readKubeconfig, type LocateOptions } from './kubeconfig.js';
export { Discovery, type ApiResource } from './discovery.js';
export { resolveType, resolveTypes, parseResourceArgs, kindString, type Selection } from './resolve.js';
export { readManifests, parseManifests, type Manifest, type ReadOptions } from './manifests.js';
export { CliError, AggregateCliError, formatError, withSource, isNotFound, isAlreadyExists, isConflict } from './errors.js';
export { resourcePath, getObject, listObjects, scopeNamespace, manifestNamespace, type ListSelectors } from './objects.js';
export { resolveTargets, resourceForObject, noResourcesMessage, type Target, type TargetOptions } from './targets.js';
export { parseDryRun, dryRunQuery, operationLine, deletedLine, type DryRun } from './output.js';
export { waitForGone, waitForDependentsGone, sleep } from './wait.js';
