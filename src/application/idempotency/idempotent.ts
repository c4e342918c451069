// Idempotency-Key (the contract's section of that name): the first request with a key is processed, and its final
// answer is stored with the key in the same transaction as its change; a repeat of it gets that answer again and
// changes nothing; the same key for another request is refused; a repeat while the first is in flight is told so.
import * as E from 'fp-ts/lib/Either.js'
import type { Deps } from '../deps.js'
import type { IdempotencyRecord, IdempotentResponse } from '../ports/index.js'

/** 1..255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

/**
 * JSON with the keys of every object in order, for fingerprints: the same body sent with other spacing or key
 * order is the same request. (Bodies and arguments are nested at most 64 levels: deeper ones are refused first.)
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>
    return `{${Object.keys(object).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** How long a key's answer is kept (and replayed). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000

export interface IdempotentRequest {
  /** Whose key it is (the worker, the API token, the integration): keys of different callers never meet. */
  readonly scope: string
  readonly key: string
  /** SHA-256 (hex) of what the request asks: method, path and body. */
  readonly fingerprint: string
}

export type IdempotentOutcome =
  /** Processed now; `stored` is false for the answers that are not kept (5xx, 401, 429). */
  | { readonly kind: 'processed'; readonly response: IdempotentResponse; readonly stored: boolean }
  | { readonly kind: 'replayed'; readonly response: IdempotentResponse }
  /** Another request with this key is still being processed. */
  | { readonly kind: 'in_flight' }
  /** The key's answer belongs to another method, path or body. */
  | { readonly kind: 'reused' }

/** 5xx, 401 and 429 are not kept: the request can be retried with the same key. */
export const isStorable = (status: number): boolean => status < 500 && status !== 401 && status !== 429

const seal = (deps: Pick<Deps, 'cipher'>, response: IdempotentResponse): Pick<IdempotencyRecord, 'response' | 'sealed'> => {
  const json = JSON.stringify(response)
  return deps.cipher ? { response: deps.cipher.seal(json), sealed: true } : { response: json, sealed: false }
}

const open = (deps: Pick<Deps, 'cipher'>, record: IdempotencyRecord): IdempotentResponse => {
  if (record.sealed && !deps.cipher) throw new Error('An idempotency record is sealed, and this instance has no credential cipher (TASKPORT_SECRET_KEY) to open it')
  return JSON.parse(record.sealed && deps.cipher ? deps.cipher.open(record.response) : record.response) as IdempotentResponse
}

/**
 * Runs `process` (the whole request: its use case joins this transaction, see UnitOfWork) under the key, and
 * stores its answer in the same transaction: a crash leaves either both the change and its key or neither. A
 * `process` that throws rolls everything back and stores nothing. The answer is sealed when there is a cipher:
 * a creation's answer may carry a secret shown once (an API token, a webhook's signing secret).
 */
export const idempotent = (deps: Pick<Deps, 'uow' | 'clock' | 'cipher' | 'eventNotifier'>) =>
  async (request: IdempotentRequest, process: () => Promise<IdempotentResponse>): Promise<IdempotentOutcome> => {
    const result = await deps.uow.run(async (stores): Promise<E.Either<never, IdempotentOutcome>> => {
      const now = deps.clock.now()
      const answered = async (): Promise<IdempotentOutcome | undefined> => {
        const found = await stores.idempotency.find(request.scope, request.key)
        if (!found || now.getTime() - found.createdAt.getTime() >= IDEMPOTENCY_RETENTION_MS) return undefined
        return found.fingerprint === request.fingerprint ? { kind: 'replayed', response: open(deps, found) } : { kind: 'reused' }
      }
      const held = await stores.idempotency.hold(request.scope, request.key)
      // Looked up once the lock was asked for (so that a first request committed in between is seen). A key already
      // answered is replayed even when another repeat holds its lock: concurrent repeats do not hold each other up.
      const found = await answered()
      if (found) return E.right(found)
      if (!held) return E.right({ kind: 'in_flight' })
      const response = await process()
      const stored = isStorable(response.status)
      if (stored) await stores.idempotency.save({ ...request, ...seal(deps, response), createdAt: now })
      return E.right({ kind: 'processed', response, stored })
    })
    if (E.isLeft(result)) return result.left
    // The use case's events were written inside this transaction: a local delivery runner hears of them now.
    if (result.right.kind === 'processed') deps.eventNotifier?.eventsCommitted()
    return result.right
  }

/**
 * Deletes the keys older than the retention, `batch` at a time, each batch its own short transaction that
 * skips rows in use: it never waits on a request and never makes one wait. Returns how many it deleted.
 * Expired keys are ignored by `idempotent` whether or not they are deleted yet.
 */
export const purgeIdempotencyKeys = (deps: Pick<Deps, 'uow' | 'clock'>) =>
  async (options: { readonly batch?: number; readonly maxBatches?: number } = {}): Promise<number> => {
    const batch = options.batch ?? 500
    const before = new Date(deps.clock.now().getTime() - IDEMPOTENCY_RETENTION_MS)
    let total = 0
    for (let i = 0; i < (options.maxBatches ?? 20); i += 1) {
      const deleted = await deps.uow.run(async (stores) => E.right(await stores.idempotency.purge(before, batch)))
      const n = E.isRight(deleted) ? deleted.right : 0
      total += n
      if (n < batch) break
    }
    return total
  }
