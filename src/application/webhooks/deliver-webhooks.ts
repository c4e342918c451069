// The two database steps of a delivery runner, around the HTTP attempt that the runner (an adapter) makes:
// claim due deliveries under a lease, then record what each attempt got: the attempt log, the delivery's next
// state by the retry schedule, and the endpoint's health (410 and the 5-day rule disable it, audited).
import * as E from 'fp-ts/lib/Either.js'
import {
  auditEntry, DEFAULT_RETRY_SCHEDULE, disableReason, isSuccess, nextAttemptAt, type DeliveryAttempt, type WebhookEndpoint,
} from '../../domain/index.js'
import type { Deps } from '../deps.js'
import type { AppError } from '../errors.js'
import { openCredential } from '../integrations/create-integration.js'
import type { StoredDelivery } from '../ports/index.js'
import { transact } from '../transaction.js'

export interface DeliveryJob {
  readonly deliveryId: string
  readonly claimToken: string
  readonly endpointId: string
  readonly url: string
  /** The opened `whsec_…` secret; undefined when it cannot be opened (then the attempt fails without a request). */
  readonly secret: string | undefined
  readonly eventId: string
  readonly body: string
  /** Why no request can be made, when that is so. */
  readonly refusal?: string
  /** State at the claim: the record step starts from it. */
  readonly delivery: StoredDelivery
}

export interface ClaimOptions {
  readonly limit: number
  readonly perEndpoint: number
  /** How long a claim holds: the attempt's timeout plus a margin. After it, another instance may retry. */
  readonly leaseMs: number
}

export const claimDeliveries = (deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'cipher'>) =>
  (options: ClaimOptions): Promise<E.Either<AppError, readonly DeliveryJob[]>> =>
    transact(deps.uow, async (stores) => {
      const now = deps.clock.now()
      const claimed = await stores.webhooks.claimDue({
        now, leaseUntil: new Date(now.getTime() + options.leaseMs), claimToken: deps.ids.uuid(), limit: options.limit, perEndpoint: options.perEndpoint,
      })
      return E.right(claimed.map((c) => {
        const secret = openCredential(deps.cipher, c.endpoint.secretSealed)
        return {
          deliveryId: c.delivery.id, claimToken: c.claimToken, endpointId: c.endpoint.id, url: c.endpoint.url, eventId: c.delivery.eventId,
          body: c.body, delivery: c.delivery,
          ...(E.isRight(secret) ? { secret: secret.right } : { secret: undefined, refusal: 'the signing secret cannot be opened (check TASKPORT_SECRET_KEY)' }),
        }
      }))
    })

export interface AttemptReport {
  readonly job: DeliveryJob
  readonly attempt: DeliveryAttempt
}

/** The delivery after one attempt: succeeded, pending again (the schedule's next delay) or failed. */
export const afterAttempt = (delivery: StoredDelivery, attempt: DeliveryAttempt, schedule: readonly number[]): StoredDelivery => {
  const attempts = delivery.attempts + 1
  if (isSuccess(attempt.statusCode)) {
    return { ...delivery, status: 'succeeded', attempts, nextAttemptAt: null, lastStatusCode: attempt.statusCode, lastError: null, deliveredAt: attempt.at, onDemand: false }
  }
  // 410 Gone: the endpoint is disabled, and this event is not tried there again (other pending ones resume if
  // the endpoint is re-activated).
  const retryAt = delivery.onDemand || attempt.statusCode === 410 ? undefined : nextAttemptAt(schedule, attempts, attempt.at)
  return {
    ...delivery, status: retryAt ? 'pending' : 'failed', attempts, nextAttemptAt: retryAt ?? null, lastStatusCode: attempt.statusCode,
    lastError: attempt.error ?? `the endpoint answered ${attempt.statusCode ?? 'nothing'}`, onDemand: false,
  }
}

/**
 * Records a batch of attempts in one transaction. An attempt whose claim was taken over (its lease ran out and
 * another instance attempted again) is logged, but leaves the delivery to the newer claim.
 */
export const recordAttempts = (deps: Pick<Deps, 'uow' | 'clock' | 'webhookRetrySchedule'>) =>
  (reports: readonly AttemptReport[]): Promise<E.Either<AppError, void>> =>
    transact(deps.uow, async (stores) => {
      const schedule = deps.webhookRetrySchedule ?? DEFAULT_RETRY_SCHEDULE
      // One write for the whole batch: the deliveries whose claim still holds, and every attempt in the log.
      const written = new Set(await stores.webhooks.recordAttempts(reports.map(({ job, attempt }) => ({
        delivery: afterAttempt(job.delivery, attempt, schedule), claimToken: job.claimToken, attempt,
      }))))
      const endpoints = new Map<string, WebhookEndpoint | undefined>()
      const health = new Map<string, { lastSuccessAt: Date | null; failingSince: Date | null; disabledReason?: string }>()
      for (const { job, attempt } of reports) {
        if (!written.has(job.deliveryId)) continue
        if (!endpoints.has(job.endpointId)) endpoints.set(job.endpointId, await stores.webhooks.endpoint(job.endpointId))
        const endpoint = endpoints.get(job.endpointId)
        if (!endpoint) continue
        const state = health.get(endpoint.id) ?? { lastSuccessAt: endpoint.lastSuccessAt, failingSince: endpoint.failingSince }
        if (isSuccess(attempt.statusCode)) {
          health.set(endpoint.id, { lastSuccessAt: attempt.at, failingSince: null })
        } else {
          const failingSince = state.failingSince ?? attempt.at
          const reason = state.disabledReason ?? disableReason(attempt.statusCode, failingSince, attempt.at)
          health.set(endpoint.id, { lastSuccessAt: state.lastSuccessAt, failingSince, ...(reason ? { disabledReason: reason } : {}) })
        }
      }
      const now = deps.clock.now()
      for (const [id, state] of health) {
        const endpoint = endpoints.get(id)
        if (!endpoint) continue
        // Nothing to say when it keeps succeeding: `last_success_at` is kept to the minute (one write fewer per batch).
        const unchanged = state.disabledReason === undefined && state.failingSince === null && endpoint.failingSince === null &&
          endpoint.lastSuccessAt !== null && state.lastSuccessAt !== null && state.lastSuccessAt.getTime() - endpoint.lastSuccessAt.getTime() < 60_000
        if (unchanged) continue
        const disabled = await stores.webhooks.updateEndpointHealth(id, { ...state, now })
        if (disabled && state.disabledReason) {
          // The endpoint disabled itself: the actor is the endpoint (the contract's actor types have no "system").
          await stores.audit.append(auditEntry({ type: 'api_token', id }, endpoint.projectId, 'webhook', id, 'webhook_disabled', {
            before: { is_active: true, disabled_reason: null }, after: { is_active: false, disabled_reason: state.disabledReason },
          }, now))
        }
      }
      return E.right(undefined)
    })
