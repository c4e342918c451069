// POST /api/projects/{pid}/integrations/{iid}/push: create tasks in the vendor (Jira, Linear, Asana, GitHub)
// and link them. Linked tasks are skipped; vendor failures are reported per task, never as a 500.
import * as E from 'fp-ts/lib/Either.js'
import { assigneeMapping, auditEntry, mayManageTokens, type Integration, type LinkSource, type Task } from '../../domain/index.js'
import { loadProject } from '../access.js'
import type { Caller } from '../caller.js'
import { actorOf } from '../caller.js'
import type { Deps } from '../deps.js'
import { conflict, describeAppError, notFound, taskNotFound, type AppError } from '../errors.js'
import { UniqueViolation, VendorError, type OutboundTask } from '../ports/index.js'
import { transact } from '../transaction.js'
import { openCredential } from './create-integration.js'

export const MAX_PUSH = 100

export interface PushSummary {
  readonly pushed: readonly { readonly task_id: number; readonly external_id: string; readonly external_url: string | null }[]
  readonly skipped: readonly { readonly task_id: number; readonly reason: string }[]
  readonly failed: readonly { readonly task_id: number; readonly error: string }[]
}

type Prepared =
  | { readonly kind: 'push'; readonly task: Task; readonly outbound: OutboundTask }
  | { readonly kind: 'skip'; readonly reason: string }

export const pushTasks = (deps: Pick<Deps, 'uow' | 'clock' | 'cipher' | 'vendors'>) =>
  async (caller: Caller, projectId: number, integrationId: string, taskIds: readonly number[]): Promise<E.Either<AppError, PushSummary>> => {
    const found = await transact(deps.uow, async (stores) => {
      const context = await loadProject(stores, caller, projectId, mayManageTokens)
      if (E.isLeft(context)) return context
      const integration = await stores.integrations.byId(integrationId)
      if (!integration || integration.projectId !== projectId) return E.left(notFound(`Integration ${integrationId} not found`))
      return E.right(integration)
    })
    if (E.isLeft(found)) return found
    const integration: Integration = found.right
    const client = deps.vendors?.[integration.type]
    if (!client) return E.left(notFound(`${integration.type} integrations cannot push`))
    const opened = openCredential(deps.cipher, integration.accessTokenSealed)
    if (E.isLeft(opened)) return opened
    const accessToken = opened.right
    const source: LinkSource = integration.type
    const mapping = assigneeMapping(integration)
    const pushed: PushSummary['pushed'][number][] = []
    const skipped: PushSummary['skipped'][number][] = []
    const failed: PushSummary['failed'][number][] = []

    for (const taskId of [...new Set(taskIds)]) {
      const prepared = await transact(deps.uow, async (stores): Promise<E.Either<AppError, Prepared>> => {
        const task = await stores.tasks.byId(taskId)
        if (!task || task.projectId !== projectId) return E.left(taskNotFound(taskId))
        const linked = (await stores.links.byTaskIds([taskId])).find((l) => l.source === source)
        if (linked) return E.right({ kind: 'skip', reason: `already linked to ${source} ${linked.externalId}` })
        const assignee = task.assigneeId === null ? undefined : await stores.workers.byId(task.assigneeId)
        const email = assignee?.email?.toLowerCase()
        return E.right({
          kind: 'push',
          task,
          outbound: { title: task.title, description: task.description, tags: task.tags, dueDate: task.dueDate, assigneeExternalId: email ? mapping[email] : undefined },
        })
      })
      if (E.isLeft(prepared)) {
        failed.push({ task_id: taskId, error: describeAppError(prepared.left) })
        continue
      }
      if (prepared.right.kind === 'skip') {
        skipped.push({ task_id: taskId, reason: prepared.right.reason })
        continue
      }
      const { task, outbound } = prepared.right
      let created
      try {
        created = await client.createItem(integration, accessToken, outbound)
      } catch (error) {
        if (!(error instanceof VendorError)) throw error
        failed.push({ task_id: taskId, error: error.message })
        continue
      }
      const now = deps.clock.now()
      const linked = await transact(deps.uow, async (stores) => {
        await stores.links.insert({
          projectId, taskId, source, externalId: created.externalId, externalUrl: created.externalUrl,
          pendingAssigneeEmail: null, pendingParentExternalId: null, sourceUpdatedAt: null, createdAt: now, updatedAt: now,
        })
        await stores.audit.append(auditEntry(actorOf(caller), projectId, 'task', task.id, 'synced', {
          after: { external_link: { source, external_id: created.externalId, external_url: created.externalUrl } }, pushed_to: source,
        }, now))
        return E.right(undefined)
      }).catch((error: unknown) => (error instanceof UniqueViolation ? E.left(conflict(`${source} ${created.externalId} is linked to another task of this project`)) : Promise.reject(error)))
      if (E.isLeft(linked)) {
        failed.push({ task_id: taskId, error: `created in ${source} as ${created.externalId}, but the link could not be stored: ${describeAppError(linked.left)}` })
        continue
      }
      pushed.push({ task_id: taskId, external_id: created.externalId, external_url: created.externalUrl })
    }
    await transact(deps.uow, async (stores) => {
      const current = await stores.integrations.byId(integration.id)
      if (current && pushed.length > 0) await stores.integrations.update({ ...current, lastSyncedAt: deps.clock.now() })
      return E.right(undefined)
    })
    return E.right({ pushed, skipped, failed })
  }
