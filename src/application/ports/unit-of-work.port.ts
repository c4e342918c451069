// The unit of work: every use case runs in one transaction, so a change and its audit entry commit together.
import type { Either } from 'fp-ts/lib/Either.js'
import type { ApiTokenReader, ApiTokenWriter } from './api-token-store.port.js'
import type { AuditReader, AuditWriter } from './audit-log.port.js'
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
}

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction: commits when it returns Right, rolls back when it returns Left or throws
   * (and rethrows). Nothing the work wrote is visible to others before the commit.
   */
  run<E, A>(work: (stores: Stores) => Promise<Either<E, A>>): Promise<Either<E, A>>
  /**
   * Runs `work` that only reads, without a transaction (under PostgreSQL's default READ COMMITTED a transaction
   * gives a series of reads no common snapshot anyway; it would only add BEGIN and COMMIT round trips).
   * Optional: without it, reads run in `run`.
   */
  read?<E, A>(work: (stores: Stores) => Promise<Either<E, A>>): Promise<Either<E, A>>
}
