// Failures a store reports by throwing, because they surface only at write time under concurrency.
// The application turns them into a `Conflict` (see application/transaction.ts); anything else thrown is a bug
// or an infrastructure failure.

/** A unique constraint refused the write (slug, key, handle, token hash, sync link, membership…). */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique constraint violated: ${constraint}`)
    this.name = 'UniqueViolation'
  }
}

/** An optimistic write found the row at another version than the one it read. */
export class ConcurrentUpdate extends Error {
  constructor(readonly entity: string, readonly id: string | number) {
    super(`${entity} ${id} was changed concurrently`)
    this.name = 'ConcurrentUpdate'
  }
}

/** The database cannot be reached (connection refused, lost, or no connection to be had): retry later (503). */
export class StoreUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`database unavailable: ${reason}`)
    this.name = 'StoreUnavailable'
  }
}
