// POST /api/projects/{pid}/integrations/{iid}/import: pull every item of the connected source (GitHub issues
// today); each one not linked yet becomes a task with its link. Re-running skips what is linked. One transaction
// per item, so that one bad item does not undo the others; vendor failures end up in the summary, never a 500.
import * as E from 'fp-ts/lib/Either.js'
import { integrationStatusMap, mayManageTokens, type Integration } from '../../domain/index.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import type { Deps } from '../deps.js'
import { describeAppError, notFound, type AppError } from '../errors.js'
import { VendorError, type ImportItem, type Stores } from '../ports/index.js'
import { applySync } from '../sync/apply-sync.js'
import { runWithRaceRetries } from '../sync/race-retry.js'
import { transact } from '../transaction.js'
import { openCredential } from './create-integration.js'

export interface ImportSummary {
  readonly created: number
  readonly skipped: number
  readonly failed: number
  readonly errors: readonly { readonly external_id?: string; readonly error: string }[]
  /** What the import could not keep as the source has it (a truncated body, an unmapped assignee), per item. */
  readonly warnings: readonly { readonly external_id: string; readonly warning: string }[]
  readonly warnings_truncated?: number
}

/** An import of a huge repository stops listing warnings here; `warnings_truncated` tells how many were left out. */
export const IMPORT_WARNINGS_MAX = 1000

interface Outcome {
  readonly created: boolean
  readonly warnings: readonly string[]
}

export interface ImportProgress {
  /** Items of the source so far, and the vendor's estimate of all of them (undefined: unknown). */
  readonly done: number
  readonly total: number | undefined
  readonly created: number
  readonly skipped: number
  readonly failed: number
}

const findIntegration = async (deps: Pick<Deps, 'uow'>, caller: Caller, projectId: number, integrationId: string) =>
  transact(deps.uow, async (stores) => {
    const context = await loadProject(stores, caller, projectId, mayManageTokens)
    if (E.isLeft(context)) return context
    const integration = await stores.integrations.byId(integrationId)
    if (!integration || integration.projectId !== projectId) return E.left(notFound(`Integration ${integrationId} not found`))
    return E.right({ integration, project: context.right.project })
  })

const sequence = async <A>(tasks: readonly (() => Promise<A>)[]): Promise<A[]> => {
  const results: A[] = []
  for (const task of tasks) results.push(await task())
  return results
}

export const importItems = (deps: Pick<Deps, 'uow' | 'clock' | 'cipher' | 'vendors'>) =>
  async (caller: Caller, projectId: number, integrationId: string, onProgress?: (progress: ImportProgress) => void): Promise<E.Either<AppError, ImportSummary>> => {
    const found = await findIntegration(deps, caller, projectId, integrationId)
    if (E.isLeft(found)) return found
    const { integration, project } = found.right
    const client = deps.vendors?.[integration.type]
    if (!client?.importItems) return E.left(notFound(`${integration.type} integrations cannot import; only GitHub can`))
    const opened = openCredential(deps.cipher, integration.accessTokenSealed)
    if (E.isLeft(opened)) return opened
    const accessToken = opened.right
    let created = 0
    let skipped = 0
    let failed = 0
    const errors: { external_id?: string; error: string }[] = []
    const actor = { type: 'api_token' as const, id: integration.id }
    const statusMap = integrationStatusMap(integration)
    const warnings: { external_id: string; warning: string }[] = []
    let warningsLeftOut = 0
    /** created false: already linked. */
    const importOne = async (stores: Stores, item: Extract<ImportItem, { kind: 'item' }>): Promise<E.Either<AppError, Outcome>> => {
      if (await stores.links.find(projectId, item.payload.source, item.payload.externalId)) return E.right({ created: false, warnings: [] })
      const synced = await applySync(stores, { project, actor, statusMap, now: deps.clock.now() }, item.payload)
      return E.isLeft(synced) ? synced : E.right({ created: synced.right.created, warnings: synced.right.warnings })
    }
    try {
      for await (const { items: page, estimatedTotal } of client.importItems(integration, accessToken)) {
        const items = page.filter((item): item is Extract<ImportItem, { kind: 'item' }> => item.kind === 'item')
        skipped += page.length - items.length
        // One transaction per page (one commit instead of a hundred); if any item of it fails, the page is
        // rolled back and its items run one by one, so that the failure stays with its item.
        const whole = await runWithRaceRetries(deps.uow, async (stores) => {
          const outcomes: Outcome[] = []
          for (const item of items) {
            const outcome = await importOne(stores, item)
            if (E.isLeft(outcome)) return outcome
            outcomes.push(outcome.right)
          }
          return E.right(outcomes)
        })
        const outcomes = E.isRight(whole)
          ? whole.right.map((outcome) => E.right(outcome) as E.Either<AppError, Outcome>)
          : await sequence(items.map((item) => () => runWithRaceRetries(deps.uow, (stores) => importOne(stores, item))))
        outcomes.forEach((result, i) => {
          if (E.isLeft(result)) {
            failed += 1
            errors.push({ external_id: items[i]?.payload.externalId ?? '', error: describeAppError(result.left) })
          } else {
            if (result.right.created) created += 1
            else skipped += 1
            // Only what was committed: a page that rolled back and ran again item by item counts once.
            for (const warning of result.right.warnings) {
              if (warnings.length < IMPORT_WARNINGS_MAX) warnings.push({ external_id: items[i]?.payload.externalId ?? '', warning })
              else warningsLeftOut += 1
            }
          }
        })
        onProgress?.({ done: created + skipped + failed, total: estimatedTotal, created, skipped, failed })
      }
    } catch (error) {
      if (!(error instanceof VendorError)) throw error
      errors.push({ error: error.message })
    }
    await transact(deps.uow, async (stores) => {
      const current = await stores.integrations.byId(integration.id)
      if (current) await stores.integrations.update({ ...current, lastSyncedAt: deps.clock.now() } satisfies Integration)
      return E.right(undefined)
    })
    return E.right({ created, skipped, failed, errors, warnings, ...(warningsLeftOut > 0 ? { warnings_truncated: warningsLeftOut } : {}) })
  }
