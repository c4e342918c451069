// The cleanup of expired idempotency keys (kept 24 hours): a sweep soon after start and then every few minutes,
// in batches that skip rows in use, so that it never waits on a request nor makes one wait. Several instances
// may each run one: their batches skip each other's rows.
import { purgeIdempotencyKeys, type Clock, type UnitOfWork } from '../application/index.js'
import { systemClock } from '../adapters/system/index.js'

export interface IdempotencyCleanupOptions {
  readonly uow: UnitOfWork
  readonly clock?: Clock
  /** Between sweeps (default 10 minutes); the first runs after `firstAfterMs` (default 10 s). */
  readonly intervalMs?: number
  readonly firstAfterMs?: number
  readonly logger?: { warn(fields: object, message: string): void; debug?(fields: object, message: string): void }
}

export interface IdempotencyCleanup {
  start(): void
  /** Stops the timer and waits for a sweep under way (call it before closing the database). */
  stop(): Promise<void>
  /** One sweep now: how many keys it deleted. */
  sweep(): Promise<number>
}

export const createIdempotencyCleanup = (options: IdempotencyCleanupOptions): IdempotencyCleanup => {
  const purge = purgeIdempotencyKeys({ uow: options.uow, clock: options.clock ?? systemClock })
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined
  let stopped = false
  const sweep = (): Promise<number> => (running ??= purge().finally(() => (running = undefined)))
  const schedule = (ms: number) => {
    if (stopped) return
    timer = setTimeout(() => {
      sweep().then(
        (deleted) => options.logger?.debug?.({ deleted }, 'expired idempotency keys deleted'),
        (error: unknown) => options.logger?.warn({ err: { message: (error as Error).message } }, 'idempotency key cleanup failed; it runs again at the next interval'),
      ).finally(() => schedule(options.intervalMs ?? 600_000))
    }, ms)
    timer.unref()
  }
  return {
    start: () => {
      stopped = false
      schedule(options.firstAfterMs ?? 10_000)
    },
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await running?.catch(() => undefined)
    },
    sweep,
  }
}
