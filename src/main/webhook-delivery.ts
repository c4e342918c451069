// Outgoing webhooks in the composition root: the URL guard of the routes, and the delivery runner that every
// server instance starts (an embedding host creates it with `createWebhookDelivery` and starts it itself).
import { createRequire } from 'node:module'
import type { CredentialCipher, UnitOfWork, UrlGuard } from '../application/index.js'
import { createTaskport } from '../application/taskport.js'
import { nodeTokenSecrets, randomIds, systemClock } from '../adapters/system/index.js'
import { dnsUrlGuard, type Lookup } from '../adapters/webhooks/address-guard.js'
import { createDeliveryRunner, type DeliveryRunner, type RunnerLogger } from '../adapters/webhooks/delivery-runner.js'
import { createWebhookTransport } from '../adapters/webhooks/transport.js'
import { DEFAULT_RETRY_SCHEDULE } from '../domain/index.js'

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }

/** taskport's version (package.json). */
export const TASKPORT_VERSION = version

/** `User-Agent` of every delivery. */
export const WEBHOOK_USER_AGENT = `taskport-webhooks/${version}`

export interface WebhookNetworkOptions {
  /** TASKPORT_WEBHOOK_ALLOW_PRIVATE: endpoints on loopback and private networks are allowed (default false). */
  readonly allowPrivate?: boolean
  /** Resolves host names (default `dns.lookup`); tests inject canned answers. */
  readonly lookup?: Lookup
}

export const webhookUrlGuard = (options: WebhookNetworkOptions = {}): UrlGuard =>
  dnsUrlGuard({ allowPrivate: options.allowPrivate ?? false, ...(options.lookup ? { lookup: options.lookup } : {}) })

export interface WebhookDeliveryOptions extends WebhookNetworkOptions {
  readonly uow: UnitOfWork
  /** The cipher that sealed the endpoints' secrets (the server's TASKPORT_SECRET_KEY). */
  readonly cipher: CredentialCipher | undefined
  /** TASKPORT_WEBHOOK_TIMEOUT in ms (default 10 s). */
  readonly timeoutMs?: number
  /** TASKPORT_WEBHOOK_RETRY_SCHEDULE in ms (default 5s,5m,30m,2h,5h,10h,10h). */
  readonly retrySchedule?: readonly number[]
  /** TASKPORT_WEBHOOK_CONCURRENCY: attempts in flight per endpoint across all instances (default 32). */
  readonly perEndpoint?: number
  /** How often to look for due deliveries when no local commit woke the runner (default 500 ms). */
  readonly pollMs?: number
  readonly logger?: RunnerLogger
}

/** A delivery runner, not started: `start()` it with the server, `await stop()` before closing the database. */
export const createWebhookDelivery = (options: WebhookDeliveryOptions): DeliveryRunner => {
  const timeoutMs = options.timeoutMs ?? 10_000
  const transport = createWebhookTransport({ timeoutMs, allowPrivate: options.allowPrivate ?? false, lookup: options.lookup, userAgent: WEBHOOK_USER_AGENT })
  const tp = createTaskport({
    uow: options.uow, clock: systemClock, ids: randomIds, secrets: nodeTokenSecrets, ...(options.cipher ? { cipher: options.cipher } : {}),
    webhookRetrySchedule: options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE,
  })
  const runner = createDeliveryRunner({
    claim: tp.webhooks.claimDue, record: tp.webhooks.recordAttempts, transport, timeoutMs,
    ...(options.perEndpoint !== undefined ? { perEndpoint: options.perEndpoint } : {}),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  })
  return {
    get running() {
      return runner.running
    },
    start: runner.start,
    nudge: runner.nudge,
    eventsCommitted: runner.eventsCommitted,
    stop: async () => {
      await runner.stop()
      transport.close()
    },
  }
}
