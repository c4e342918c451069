// Idempotency keys (the contract's "Idempotency-Key"): a request's final answer, kept under the caller's key in
// the same transaction as the change it made, so that a retry gets that answer instead of making the change twice.

/** A final answer as the adapter that took the request gives it back (HTTP: status, JSON body, a few headers). */
export interface IdempotentResponse {
  readonly status: number
  /** The body as sent (JSON text), or null for none. */
  readonly body: string | null
  /** Headers to send again with it (e.g. `Cache-Control: no-store`), lower-case names. */
  readonly headers: Readonly<Record<string, string>>
}

export interface IdempotencyRecord {
  /** Whose key it is: `worker:<id>`, `api-token:<sha-256>`, `integration:<id>`. */
  readonly scope: string
  readonly key: string
  /** SHA-256 of what the request asked (method, path, body): the same key for another request is refused. */
  readonly fingerprint: string
  /** The response as JSON text, sealed with the credential cipher when there is one (it may hold a new secret). */
  readonly response: string
  readonly sealed: boolean
  readonly createdAt: Date
}

export interface IdempotencyStore {
  /**
   * Holds `(scope, key)` until this transaction ends. false: another transaction holds it (that request is
   * still being processed). Never waits.
   */
  hold(scope: string, key: string): Promise<boolean>
  find(scope: string, key: string): Promise<IdempotencyRecord | undefined>
  /** Inserts the record, or replaces an expired one of the same scope and key (the caller holds it). */
  save(record: IdempotencyRecord): Promise<void>
  /**
   * Deletes at most `limit` records created before `before`, skipping any row another transaction has locked
   * (so that it never waits on a write); returns how many it deleted.
   */
  purge(before: Date, limit: number): Promise<number>
}
