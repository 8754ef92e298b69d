/**
 * The CLI's error catalog: what the user sees when a command fails, in kubectl's words, so that
 * scripts and habits built on kubectl's messages keep working. Every command ends in
 * {@link formatError}; every failure exits 1.
 *
 * kubectl's rules (`cmdutil.CheckErr`): an `Invalid` Status is printed from its details —
 * `The Kind "name" is invalid: field: message` (one cause) or one `* field: message` line per
 * cause — without the `Error from server` prefix; any other Status is
 * `Error from server (Reason): message`; `Unauthorized` is `error: You must be logged in to the
 * server (…)`; client-side failures are `error: message`.
 */
import { ApiError } from '../../api/errors.js';

/** A client-side failure: printed as `error: <message>`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Several failures of one command (create -f with many documents goes on after one fails). */
export class AggregateCliError extends Error {
  override name = 'AggregateCliError';
  constructor(readonly errors: readonly unknown[]) {
    super(errors.map((e) => formatError(e)).join('\n'));
  }
}

/** kubectl's `AddSourceToErr`: a server error about an object read from a file names the file. */
export function withSource(verb: string, source: string | undefined, err: unknown): unknown {
  if (!source) return err;
  if (err instanceof ApiError) {
    if (err.reason === 'Invalid') return err;
    return new ApiError(err.code, err.reason, `error when ${verb} "${source}": ${err.message}`, err.details);
  }
  if (err instanceof CliError) return new CliError(`error when ${verb} "${source}": ${err.message}`);
  return err;
}

/** The text kubectl prints for `err` (no trailing newline). */
export function formatError(err: unknown): string {
  if (err instanceof AggregateCliError) return err.message;
  if (err instanceof ApiError) return formatApiError(err);
  if (err instanceof CliError) return `error: ${err.message}`;
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'EHOSTUNREACH')) {
    const host = typeof (e as { address?: unknown }).address === 'string' ? `${String((e as { address?: unknown }).address)}:${String((e as { port?: unknown }).port ?? '')}` : 'server';
    return `The connection to the server ${host} was refused - did you specify the right host or port?`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

function formatApiError(err: ApiError): string {
  if (err.reason === 'Invalid') {
    const d = err.details;
    const head = d && (d.kind || d.name) ? `The ${d.kind ?? ''} "${d.name ?? ''}" is invalid` : 'The request is invalid';
    const causes = (d?.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? '')));
    if (causes.length === 0) return d ? head : `Error from server (Invalid): ${err.message}`;
    if (causes.length === 1) return `${head}: ${causes[0] ?? ''}`;
    return `${head}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
  }
  if (err.reason === 'Unauthorized') return `error: You must be logged in to the server (${err.message})`;
  if (err.code === 404 && err.message === 'the server could not find the requested resource') {
    return `Error from server (NotFound): ${err.message}`;
  }
  return err.reason ? `Error from server (${err.reason}): ${err.message}` : `Error from server: ${err.message}`;
}

/** True for a 404 NotFound from the server. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.reason === 'AlreadyExists';
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.reason === 'Conflict';
}
