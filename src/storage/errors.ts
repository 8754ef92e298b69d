/** Errors a store raises. The API server maps them to Kubernetes Status at its boundary. */
export class StoreError extends Error {
  override name = 'StoreError';
}

export class KeyExistsError extends StoreError {
  override name = 'KeyExistsError';
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}

export class KeyNotFoundError extends StoreError {
  override name = 'KeyNotFoundError';
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}

/** A compare-and-swap lost: the key changed since the caller read it. */
export class ConflictError extends StoreError {
  override name = 'ConflictError';
  constructor(
    readonly key: string,
    readonly actualModRevision: number,
  ) {
    super(`revision mismatch on ${key} (now ${actualModRevision})`);
  }
}

/** The revision asked for was compacted away (becomes 410 Gone). */
export class CompactedError extends StoreError {
  override name = 'CompactedError';
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`required revision ${requested} has been compacted (compacted up to ${compacted})`);
  }
}

/** The backend is unreachable or broken (becomes 500/503). */
export class StoreUnavailableError extends StoreError {
  override name = 'StoreUnavailableError';
}
