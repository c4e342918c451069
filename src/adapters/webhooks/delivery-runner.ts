// The delivery runner: claims due deliveries (under a lease, so that each attempt is made by exactly one server
// instance), makes the attempts over HTTP, and records what they got, in batches. Every server instance runs one;
// an embedding host creates and starts it explicitly. It owns its timers (none are global), wakes at once when the
// process commits an event (`nudge`, the EventNotifier port) and otherwise polls, and `stop()` lets the attempts
// under way finish and records them before it resolves.
import * as E from 'fp-ts/lib/Either.js'
import type { AppError, AttemptReport, ClaimOptions, DeliveryJob, EventNotifier } from '../../application/index.js'
import { describeAppError } from '../../application/index.js'
import type { DeliveryAttempt } from '../../domain/index.js'

export interface RunnerLogger {
  warn(fields: object, message: string): void
  error(fields: object, message: string): void
}

export interface AttemptSender {
  send(request: { readonly url: string; readonly secret: string; readonly eventId: string; readonly body: string }): Promise<DeliveryAttempt>
}

export interface DeliveryRunnerOptions {
  readonly claim: (options: ClaimOptions) => Promise<E.Either<AppError, readonly DeliveryJob[]>>
  readonly record: (reports: readonly AttemptReport[]) => Promise<E.Either<AppError, void>>
  readonly transport: AttemptSender
  /** The attempt timeout (the lease is this plus a margin). */
  readonly timeoutMs: number
  /** Attempts in flight per endpoint, across all instances (default 32). */
  readonly perEndpoint?: number
  /** Attempts in flight in this process (default 200). */
  readonly maxInFlight?: number
  /** Deliveries claimed per query (default 100). */
  readonly batchSize?: number
  /** How often to look for due deliveries when nothing woke the runner (default 500 ms). */
  readonly pollMs?: number
  readonly logger?: RunnerLogger
  readonly now?: () => Date
}

export interface DeliveryRunner extends EventNotifier {
  start(): void
  /** Stops claiming, waits for the attempts under way (at most the timeout) and records them. */
  stop(): Promise<void>
  /** Looks for due deliveries now (a local commit wrote events). */
  nudge(): void
  readonly running: boolean
}

/** Time to record an attempt after its timeout; past the lease another instance may attempt again. */
const LEASE_MARGIN_MS = 5_000
/** TASKPORT_WEBHOOK_CONCURRENCY: requests in flight to one endpoint across all instances. */
export const DEFAULT_PER_ENDPOINT = 32
const RECORD_BATCH = 200
/** After a nudge, a few ms for more commits to arrive: one claim for many events instead of one each. */
const COALESCE_MS = 3
const RECORD_RETRIES = 5

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const createDeliveryRunner = (options: DeliveryRunnerOptions): DeliveryRunner => {
  const perEndpoint = options.perEndpoint ?? DEFAULT_PER_ENDPOINT
  const maxInFlight = options.maxInFlight ?? 200
  const batchSize = options.batchSize ?? 100
  const pollMs = options.pollMs ?? 500
  const leaseMs = options.timeoutMs + LEASE_MARGIN_MS
  const now = options.now ?? (() => new Date())
  let running = false
  let loop: Promise<void> | undefined
  let wake: (() => void) | undefined
  let woken = false
  /** A nudge from a commit (more commits may follow at once: worth a few ms) rather than from a recorded batch. */
  let committed = false
  const inFlight = new Set<Promise<void>>()
  const results: AttemptReport[] = []
  let flushing: Promise<void> | undefined

  const nudge = () => {
    woken = true
    wake?.()
  }

  /** Waits for `ms` or a nudge, whichever comes first; the timer is cleared either way. */
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve()
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    }).then(() => {
      woken = false
    })

  const record = async (batch: readonly AttemptReport[]) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const recorded = await options.record(batch)
        if (E.isRight(recorded)) return
        options.logger?.error({ error: describeAppError(recorded.left), deliveries: batch.length }, 'webhook attempts could not be recorded')
      } catch (error) {
        options.logger?.error({ err: error instanceof Error ? error.message : String(error), deliveries: batch.length }, 'webhook attempts could not be recorded')
      }
      // After this the leases run out and the deliveries are attempted again: at least once, never lost.
      if (attempt >= RECORD_RETRIES) return
      await sleepFor(200 * attempt)
    }
  }

  const flush = () => {
    flushing ??= (async () => {
      while (results.length > 0) await record(results.splice(0, RECORD_BATCH))
    })().finally(() => {
      flushing = undefined
      // Recorded attempts free room at their endpoints: claim again now.
      nudge()
    })
  }

  const attemptOf = async (job: DeliveryJob): Promise<DeliveryAttempt> => {
    if (job.secret === undefined || job.refusal !== undefined) {
      return { at: now(), statusCode: null, durationMs: 0, error: job.refusal ?? 'no signing secret', responseExcerpt: '' }
    }
    try {
      return await options.transport.send({ url: job.url, secret: job.secret, eventId: job.eventId, body: job.body })
    } catch (error) {
      return { at: now(), statusCode: null, durationMs: 0, error: error instanceof Error ? error.message : String(error), responseExcerpt: '' }
    }
  }

  const dispatch = (job: DeliveryJob) => {
    const work = attemptOf(job).then((attempt) => {
      results.push({ job, attempt })
      inFlight.delete(work)
      flush()
    })
    inFlight.add(work)
  }

  const claimSome = async (limit: number): Promise<number> => {
    try {
      const claimed = await options.claim({ limit, perEndpoint, leaseMs })
      if (E.isLeft(claimed)) {
        options.logger?.warn({ error: describeAppError(claimed.left) }, 'webhook deliveries could not be claimed')
        return 0
      }
      claimed.right.forEach(dispatch)
      return claimed.right.length
    } catch (error) {
      options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'webhook deliveries could not be claimed')
      return 0
    }
  }

  const run = async () => {
    while (running) {
      const capacity = maxInFlight - inFlight.size
      const claimed = capacity > 0 ? await claimSome(Math.min(batchSize, capacity)) : 0
      // A full batch may mean more are due: claim again at once. Otherwise wait for a nudge or the next poll.
      if (!running || claimed < Math.min(batchSize, capacity) || capacity <= claimed) {
        await idle(pollMs)
        if (running && committed) await sleepFor(COALESCE_MS)
        committed = false
      }
    }
  }

  return {
    get running() {
      return running
    },
    start: () => {
      if (running) return
      running = true
      loop = run()
    },
    stop: async () => {
      running = false
      nudge()
      await loop
      await Promise.all([...inFlight])
      await flushing
    },
    nudge,
    eventsCommitted: () => {
      committed = true
      nudge()
    },
  }
}
