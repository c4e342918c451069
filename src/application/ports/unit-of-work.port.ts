// The unit of work: every use case runs in one transaction, so a change and its audit entry commit together.
import type { Either } from 'fp-ts/lib/Either.js'
import type { ApiTokenReader, ApiTokenWriter } from './api-token-store.port.js'
import type { AuditReader, AuditWriter } from './audit-log.port.js'
import type { IdempotencyStore } from './idempotency-store.port.js'
import type { ExternalLinkReader, ExternalLinkWriter } from './external-link-store.port.js'
import type { IntegrationReader, IntegrationWriter } from './integration-store.port.js'
import type { MemberReader, MemberWriter } from './member-store.port.js'
import type { ProjectReader, ProjectWriter } from './project-store.port.js'
import type { TaskReader, TaskWriter } from './task-store.port.js'
import type { WebhookReader, WebhookWriter } from './webhook-store.port.js'
import type { WorkerReader, WorkerWriter } from './worker-store.port.js'

/** The stores as seen inside one transaction. */
export interface Stores {
  readonly projects: ProjectReader & ProjectWriter
  readonly workers: WorkerReader & WorkerWriter
  readonly members: MemberReader & MemberWriter
  readonly tasks: TaskReader & TaskWriter
  readonly links: ExternalLinkReader & ExternalLinkWriter
  readonly tokens: ApiTokenReader & ApiTokenWriter
  readonly integrations: IntegrationReader & IntegrationWriter
  readonly audit: AuditReader & AuditWriter
  readonly webhooks: WebhookReader & WebhookWriter
  readonly idempotency: IdempotencyStore
}

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: commits when it returns Right, rolls back when it returns Left or throws
   * (and rethrows). Nothing the work wrote is visible to others before the commit.
   *
   * A run started inside another run's work (in its async context) joins that transaction instead of opening
   * its own: it is a savepoint, rolled back alone on Left or on a throw, committed only with the outer run.
   * (An idempotent request runs the whole use case inside the transaction that stores its answer.)
   */
  run<E, A>(work: (stores: Stores) => Promise<Either<E, A>>): Promise<Either<E, A>>
  /**
   * Runs `work` that only reads, without a transaction (under PostgreSQL's default READ COMMITTED a transaction
   * gives a series of reads no common snapshot anyway; it would only add BEGIN and COMMIT round trips).
   * Optional: without it, reads run in `run`. Inside a run's work, it reads in that transaction.
   */
  read?<E, A>(work: (stores: Stores) => Promise<Either<E, A>>): Promise<Either<E, A>>
}
