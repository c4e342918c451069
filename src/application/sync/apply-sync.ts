// The task-sync upsert, independent of how the push was authenticated (API token today, vendor webhooks later).
// Match on (project, source, external id): update, or create in backlog (or the mapped status). The external
// system is the source of truth for status; assignees and parents that are not known yet are kept pending
// on the link and applied when they appear.
import * as E from 'fp-ts/lib/Either.js'
import {
  assign, auditEntry, checkParent, createTask, effectiveStatusMap, enterStatus, hasChanges, isStale, mapExternalStatus,
  fitSyncFields, normalizeEmail, setParent, shortId, SYNC_TASK_LIMITS, SYNC_WARNINGS, taskChanges, taskSnapshot, updateTaskFields, validateSyncIdentity,
  type AuditActor, type ExternalLink, type Project, type StatusMap, type SyncPayload, type Task, type TaskStatus,
} from '../../domain/index.js'
import type { AppError } from '../errors.js'
import type { Stores } from '../ports/index.js'
import { refreshRollup } from '../rollup.js'

export type { SyncPayload } from '../../domain/index.js'

export interface SyncResult {
  readonly taskId: number
  readonly shortId: string
  readonly created: boolean
  readonly warnings: readonly string[]
}

export interface SyncContext {
  readonly project: Project
  readonly actor: AuditActor
  /** Custom map (token or integration); the default map fills the rest. */
  readonly statusMap: StatusMap
  readonly now: Date
}

interface Plan {
  readonly status: TaskStatus | undefined
  /** undefined: leave; null: unassign. */
  readonly assigneeId: number | null | undefined
  readonly pendingAssigneeEmail: string | null | undefined
  /** undefined: leave; null: top-level. */
  readonly parent: Task | null | undefined
  readonly pendingParentExternalId: string | null | undefined
  readonly warnings: string[]
}

const plan = async (stores: Stores, context: SyncContext, payload: SyncPayload, currentStatus: TaskStatus, warnings: string[]): Promise<Plan> => {
  let status: TaskStatus | undefined
  if (payload.status !== undefined && payload.status !== null) {
    status = mapExternalStatus(effectiveStatusMap(context.statusMap), payload.status)
    if (status === undefined) warnings.push(SYNC_WARNINGS.unmappedStatus(payload.status, currentStatus))
  }
  let assigneeId: number | null | undefined
  let pendingAssigneeEmail: string | null | undefined
  if (payload.assigneeEmail === null || payload.assigneeEmail === '') {
    assigneeId = null
    pendingAssigneeEmail = null
  } else if (payload.assigneeEmail !== undefined) {
    const email = normalizeEmail(payload.assigneeEmail)
    const member = await stores.members.humanByEmail(context.project.id, email)
    assigneeId = member
    pendingAssigneeEmail = member === undefined ? email : null
    if (member === undefined) warnings.push(SYNC_WARNINGS.pendingAssignee(email))
  }
  let parent: Task | null | undefined
  let pendingParentExternalId: string | null | undefined
  if (payload.parentExternalId === null || payload.parentExternalId === '') {
    parent = null
    pendingParentExternalId = null
  } else if (payload.parentExternalId !== undefined) {
    const parentLink = await stores.links.find(context.project.id, payload.source, payload.parentExternalId)
    const parentTask = parentLink ? await stores.tasks.byId(parentLink.taskId) : undefined
    parent = parentTask ?? null
    pendingParentExternalId = parentTask ? null : payload.parentExternalId
    if (!parentTask) warnings.push(SYNC_WARNINGS.pendingParent(payload.parentExternalId))
  }
  return { status, assigneeId, pendingAssigneeEmail, parent, pendingParentExternalId, warnings }
}

/** Attaches `child` under `parent` unless that would close a cycle (then a warning). */
const attach = async (stores: Stores, child: Task, parent: Task, externalId: string, warnings: string[], now: Date): Promise<Task> => {
  const checked = checkParent(child, parent, await stores.tasks.ancestorIds(parent.id))
  if (E.isLeft(checked)) {
    warnings.push(SYNC_WARNINGS.parentCycle(externalId))
    return child
  }
  return setParent(child, parent.id, now)
}

/** Children that were pushed before this task: they become its subtasks now. */
const adoptWaitingChildren = async (stores: Stores, context: SyncContext, parent: Task, link: ExternalLink, warnings: string[]): Promise<void> => {
  const waiting = await stores.links.waitingForParent(context.project.id, link.source, link.externalId)
  // Nothing waited for this task: it has no children, so its rollup is its own progress already.
  if (waiting.length === 0) return
  for (const childLink of waiting) {
    await stores.links.update({ ...childLink, pendingParentExternalId: null, updatedAt: context.now })
    const child = await stores.tasks.byId(childLink.taskId)
    if (!child) continue
    const next = await attach(stores, child, parent, link.externalId, warnings, context.now)
    if (next === child) continue
    await stores.tasks.update(next, child.version)
    await stores.audit.append(auditEntry(context.actor, context.project.id, 'task', child.id, 'synced', taskChanges(child, next), context.now))
    // The child may have been placed under another task meanwhile: that task no longer counts it.
    if (child.parentTaskId !== null) await refreshRollup(stores, child.parentTaskId)
  }
  await refreshRollup(stores, parent.id)
}

/** The audit details a push adds to its entries: where it came from, and what the translation noted. */
const origin = (payload: SyncPayload) => ({ source: payload.source, external_id: payload.externalId, ...payload.auditNotes })

const create = async (stores: Stores, context: SyncContext, payload: SyncPayload, warnings: string[]): Promise<E.Either<AppError, SyncResult>> => {
  const p = await plan(stores, context, payload, 'backlog', warnings)
  const draft = createTask(
    {
      title: payload.name ?? payload.externalId,
      description: payload.description ?? null,
      tags: payload.labels ?? [],
      storyPoints: payload.storyPoints ?? null,
      assigneeId: p.assigneeId ?? null,
      parentTaskId: p.parent?.id ?? null,
    },
    { projectId: context.project.id, createdById: null, status: p.status ?? 'backlog', now: context.now },
    SYNC_TASK_LIMITS,
  )
  if (E.isLeft(draft)) return draft
  const task = await stores.tasks.insert(draft.right)
  const link = await stores.links.insert({
    projectId: context.project.id,
    taskId: task.id,
    source: payload.source,
    externalId: payload.externalId,
    externalUrl: payload.externalUrl ?? null,
    pendingAssigneeEmail: p.pendingAssigneeEmail ?? null,
    pendingParentExternalId: p.pendingParentExternalId ?? null,
    sourceUpdatedAt: payload.updatedAt ?? null,
    createdAt: context.now,
    updatedAt: context.now,
  })
  await stores.audit.append(
    auditEntry(context.actor, context.project.id, 'task', task.id, 'created', { after: taskSnapshot(task), ...origin(payload) }, context.now),
  )
  await adoptWaitingChildren(stores, context, task, link, p.warnings)
  await refreshRollup(stores, task.parentTaskId)
  return E.right({ taskId: task.id, shortId: shortId(context.project.key, task), created: true, warnings: p.warnings })
}

const update = async (stores: Stores, context: SyncContext, payload: SyncPayload, link: ExternalLink, warnings: string[]): Promise<E.Either<AppError, SyncResult>> => {
  const task = await stores.tasks.byId(link.taskId)
  if (!task) return E.left({ _tag: 'Conflict', reason: `the task linked to ${payload.source} ${payload.externalId} is gone` })
  const result = (warnings: readonly string[]) =>
    E.right({ taskId: task.id, shortId: shortId(context.project.key, task), created: false, warnings })
  if (isStale(link.sourceUpdatedAt, payload.updatedAt)) return result([SYNC_WARNINGS.stale])

  const p = await plan(stores, context, payload, task.status, warnings)
  const edited = updateTaskFields(task, {
    ...(payload.name !== undefined ? { title: payload.name } : {}),
    ...(payload.description !== undefined ? { description: payload.description } : {}),
    ...(payload.labels !== undefined ? { tags: payload.labels ?? [] } : {}),
    ...(payload.storyPoints !== undefined ? { storyPoints: payload.storyPoints } : {}),
  }, context.now, SYNC_TASK_LIMITS)
  if (E.isLeft(edited)) return edited
  let fields = edited.right
  if (p.assigneeId !== undefined) fields = assign(fields, p.assigneeId, context.now)
  if (p.parent === null) fields = setParent(fields, null, context.now)
  else if (p.parent !== undefined && p.parent.id !== task.parentTaskId) fields = await attach(stores, fields, p.parent, payload.parentExternalId ?? '', p.warnings, context.now)
  const withStatus = p.status === undefined ? fields : enterStatus(fields, p.status, context.now)

  const fieldChanges = taskChanges(task, fields)
  const statusChanges = taskChanges(fields, withStatus)
  if (hasChanges(fieldChanges) || hasChanges(statusChanges)) {
    // One push is one change of the task: its version moves by one.
    const stored = { ...withStatus, version: task.version + 1 }
    await stores.tasks.update(stored, task.version)
    const audit = (action: 'synced' | 'status_synced', changes: object) =>
      stores.audit.append(auditEntry(context.actor, context.project.id, 'task', task.id, action, { ...changes, ...origin(payload) }, context.now))
    if (hasChanges(fieldChanges)) await audit('synced', fieldChanges)
    if (hasChanges(statusChanges)) await audit('status_synced', statusChanges)
    // Rollups depend on status, own progress and parent only: a rename or new tags leave every rollup as it is.
    const movesRollup = withStatus.status !== task.status || withStatus.progressPercent !== task.progressPercent || withStatus.parentTaskId !== task.parentTaskId
    if (movesRollup) await refreshRollup(stores, stored)
    if (withStatus.parentTaskId !== task.parentTaskId) await refreshRollup(stores, task.parentTaskId)
  }

  const nextLink: ExternalLink = {
    ...link,
    externalUrl: payload.externalUrl === undefined ? link.externalUrl : payload.externalUrl,
    pendingAssigneeEmail: p.pendingAssigneeEmail === undefined ? link.pendingAssigneeEmail : p.pendingAssigneeEmail,
    pendingParentExternalId: p.pendingParentExternalId === undefined ? link.pendingParentExternalId : p.pendingParentExternalId,
    sourceUpdatedAt: payload.updatedAt ?? link.sourceUpdatedAt,
  }
  if (JSON.stringify(nextLink) !== JSON.stringify(link)) await stores.links.update({ ...nextLink, updatedAt: context.now })
  return result(p.warnings)
}

/**
 * Applies a push. Only its identity can be refused (validateSyncIdentity); its content is fitted into the sync
 * limits, and whatever could not be kept as sent is in the result's warnings.
 */
export const applySync = async (stores: Stores, context: SyncContext, payload: SyncPayload): Promise<E.Either<AppError, SyncResult>> => {
  const valid = validateSyncIdentity(payload)
  if (E.isLeft(valid)) return valid
  const fitted = fitSyncFields(payload)
  const warnings = [...(payload.warnings ?? []), ...fitted.warnings]
  const link = await stores.links.find(context.project.id, payload.source, payload.externalId)
  return link ? update(stores, context, fitted.fields, link, warnings) : create(stores, context, fitted.fields, warnings)
}
