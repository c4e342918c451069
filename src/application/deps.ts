// What the use cases are built from: ports only. The composition root (src/main) supplies the adapters.
import type { IntegrationType } from '../domain/index.js'
import type { Clock, CredentialCipher, IdGenerator, TokenSecrets, UnitOfWork, VendorClient, WebhookVendor } from './ports/index.js'

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
}
