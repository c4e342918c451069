// What the use cases are built from: ports only. The composition root (src/main) supplies the adapters.
import type { IntegrationType } from '../domain/index.js'
import type { Clock, CredentialCipher, EventNotifier, IdGenerator, TokenSecrets, UnitOfWork, UrlGuard, VendorClient, WebhookVendor } from './ports/index.js'

export interface Deps {
  readonly uow: UnitOfWork
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly secrets: TokenSecrets
  /** Seals vendor credentials. Without it, integrations cannot be created or used (503). */
  readonly cipher?: CredentialCipher
  /** Native webhook schemes by integration type (src/adapters/vendors). */
  readonly webhooks?: Partial<Record<IntegrationType, WebhookVendor>>
  /** Vendor API clients by integration type (src/adapters/vendors). */
  readonly vendors?: Partial<Record<IntegrationType, VendorClient>>
  /** Where outgoing webhook URLs may point (src/adapters/webhooks). Without it, endpoints cannot be created (503). */
  readonly urlGuard?: UrlGuard
  /** Delays between failed attempts of an outgoing webhook (default: the contract's 5s,5m,30m,2h,5h,10h,10h). */
  readonly webhookRetrySchedule?: readonly number[]
  /** Told when a transaction that wrote events has committed (a local delivery runner wakes up). */
  readonly eventNotifier?: EventNotifier
}
