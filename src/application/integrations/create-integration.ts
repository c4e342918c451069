import * as E from 'fp-ts/lib/Either.js'
import {
  auditEntry, checkAccessToken, collect, isIntegrationType, issue, mayManageTokens, validateIntegrationSettings, validateStatusMap,
  INTEGRATION_TYPES, type Integration,
} from '../../domain/index.js'
import { loadProject } from '../access.js'
import { actorOf, type Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import type { CredentialCipher } from '../ports/index.js'
import { unavailable, type AppError } from '../errors.js'
import { transact } from '../transaction.js'

export interface CreateIntegrationCommand {
  readonly type: string
  readonly accessToken: string
  readonly settings: Readonly<Record<string, unknown>>
  readonly statusMap?: Readonly<Record<string, string>>
  readonly isActive?: boolean
  /** The vendor's own signing secret, for vendors that generate it (Linear); default: a new random one. */
  readonly webhookSecret?: string
}

export interface CreatedIntegration {
  readonly integration: Integration
  /** The secret vendors sign webhooks with: returned here once, stored sealed. */
  readonly webhookSecret: string
}

export const NO_CIPHER = 'Integrations are not available: the server has no credential key (TASKPORT_SECRET_KEY)'

/** Opens a sealed credential; a key this server does not hold (or a tampered value) is a 503, not a crash. */
export const openCredential = (cipher: CredentialCipher | undefined, sealed: string): E.Either<AppError, string> => {
  if (!cipher) return E.left(unavailable(NO_CIPHER))
  try {
    return E.right(cipher.open(sealed))
  } catch (error) {
    return E.left(unavailable(`Stored credentials cannot be opened: ${error instanceof Error ? error.message : 'unknown error'}. Check TASKPORT_SECRET_KEY and TASKPORT_SECRET_KEY_PREVIOUS`))
  }
}

/** Admin+. The access token and a new webhook secret are sealed before they are stored; neither is audited. */
export const createIntegration = (deps: Pick<Deps, 'uow' | 'clock' | 'ids' | 'secrets' | 'cipher'>) =>
  (caller: Caller, projectId: number, command: CreateIntegrationCommand): Promise<E.Either<AppError, CreatedIntegration>> =>
    transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageTokens)
      if (E.isLeft(context)) return context
      const cipher = deps.cipher
      if (!cipher) return E.left(unavailable(NO_CIPHER))
      const type = command.type
      if (!isIntegrationType(type)) return collect(null, issue('type', `must be one of ${INTEGRATION_TYPES.join(', ')}`)) as E.Either<AppError, never>
      const settings = validateIntegrationSettings(type, command.settings)
      const statusMap = validateStatusMap(command.statusMap ?? {})
      const secretCheck = command.webhookSecret === undefined || (command.webhookSecret.length >= 16 && command.webhookSecret.length <= 256)
        ? [] : [{ path: 'webhook_secret', message: 'must be 16..256 characters' }]
      const token = collect(null, checkAccessToken(command.accessToken), secretCheck)
      const issues = [settings, statusMap, token].flatMap((r) => (E.isLeft(r) && r.left._tag === 'ValidationFailed' ? r.left.issues : []))
      if (issues.length > 0 || E.isLeft(settings) || E.isLeft(statusMap)) return collect(null, issues) as E.Either<AppError, never>
      const now = deps.clock.now()
      const webhookSecret = command.webhookSecret ?? deps.secrets.generate()
      const integration: Integration = {
        id: deps.ids.uuid(),
        projectId,
        type,
        settings: settings.right,
        statusMap: statusMap.right,
        isActive: command.isActive ?? true,
        accessTokenSealed: cipher.seal(command.accessToken),
        webhookSecretSealed: cipher.seal(webhookSecret),
        createdById: caller.worker.id,
        createdAt: now,
        lastSyncedAt: null,
      }
      await stores.integrations.insert(integration)
      await stores.audit.append(auditEntry(actorOf(caller), projectId, 'integration', integration.id, 'integration_created', {
        after: { type, settings: settings.right, status_map: { ...statusMap.right }, is_active: integration.isActive },
      }, now))
      return E.right({ integration, webhookSecret })
    })
