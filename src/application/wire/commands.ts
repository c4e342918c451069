// From the wire to the use cases' commands, shared by every driving adapter (REST bodies and query strings, MCP
// tool arguments): snake_case in, the domain's names out; filters parsed from text with the same messages.
import * as E from 'fp-ts/lib/Either.js'
import {
  AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, isPriority, isTaskStatus, PRIORITIES, TASK_STATUSES, type Issue, type TaskInput,
} from '../../domain/index.js'
import type { AuditFilter, TaskFilter } from '../ports/index.js'
import { isIdText, type CreateTaskC, type UpdateTaskC } from './codecs.js'
import type { JsonSchema } from './json-schema.js'

type UpdateTaskBody = ReturnType<typeof UpdateTaskC.encode>
type CreateTaskBody = ReturnType<typeof CreateTaskC.encode>

/** The optional task fields, shared by create and update. */
export const taskFields = (b: UpdateTaskBody) => ({
  ...(b.description !== undefined ? { description: b.description } : {}),
  ...(b.priority !== undefined ? { priority: b.priority } : {}),
  ...(b.tags !== undefined ? { tags: b.tags } : {}),
  ...(b.due_date !== undefined ? { dueDate: b.due_date } : {}),
  ...(b.story_points !== undefined ? { storyPoints: b.story_points } : {}),
  ...(b.parent_task_id !== undefined ? { parentTaskId: b.parent_task_id } : {}),
})

export const taskInput = (b: CreateTaskBody): TaskInput => ({
  title: b.title,
  ...taskFields(b),
  ...(b.assignee_id !== undefined ? { assigneeId: b.assignee_id } : {}),
})

/** A parameter by name, as text (a query string value, or a tool argument turned into text). */
export type Param = (name: string) => string | undefined

const idOrNone = (raw: string | undefined, path: string, issues: Issue[]): number | 'none' | undefined => {
  if (raw === undefined) return undefined
  if (raw === 'none') return 'none'
  if (isIdText(raw)) return Number(raw)
  issues.push({ path, message: 'must be an id or none' })
  return undefined
}

/** The filters of a task list: status, assignee_id (an id or `none`), priority, tag, parent_id (an id or `none`), q. */
export const taskFilterOf = (param: Param): E.Either<readonly Issue[], TaskFilter> => {
  const issues: Issue[] = []
  const status = param('status')
  const priority = param('priority')
  if (status !== undefined && !isTaskStatus(status)) issues.push({ path: 'status', message: 'must be a task status' })
  if (priority !== undefined && !isPriority(priority)) issues.push({ path: 'priority', message: 'must be low, medium, high or urgent' })
  const assigneeId = idOrNone(param('assignee_id'), 'assignee_id', issues)
  const parentId = idOrNone(param('parent_id'), 'parent_id', issues)
  if (issues.length > 0) return E.left(issues)
  const tag = param('tag')
  const q = param('q')
  return E.right({
    ...(status !== undefined && isTaskStatus(status) ? { status } : {}),
    ...(priority !== undefined && isPriority(priority) ? { priority } : {}),
    ...(assigneeId !== undefined ? { assigneeId } : {}),
    ...(parentId !== undefined ? { parentId } : {}),
    ...(tag !== undefined ? { tag } : {}),
    ...(q !== undefined ? { q } : {}),
  })
}

/** The filters of a project's audit: actor_id, action, entity_type. */
export const auditFilterOf = (param: Param): E.Either<readonly Issue[], AuditFilter> => {
  const action = param('action')
  const entityType = param('entity_type')
  const actorId = param('actor_id')
  const issues: Issue[] = []
  const knownAction = AUDIT_ACTIONS.find((a) => a === action)
  const knownType = AUDIT_ENTITY_TYPES.find((e) => e === entityType)
  if (action !== undefined && !knownAction) issues.push({ path: 'action', message: 'must be an audit action' })
  if (entityType !== undefined && !knownType) issues.push({ path: 'entity_type', message: 'must be an audit entity type' })
  if (issues.length > 0) return E.left(issues)
  return E.right({ ...(actorId ? { actorId } : {}), ...(knownAction ? { action: knownAction } : {}), ...(knownType ? { entityType: knownType } : {}) })
}

const idOrNoneSchema: JsonSchema = { oneOf: [{ type: 'integer', minimum: 1 }, { const: 'none' }] }

/** The query parameters of the lists, as JSON Schema (OpenAPI query parameters, MCP tool arguments). */
export const QUERY_PARAMS: Readonly<Record<string, JsonSchema>> = {
  limit: { type: 'integer', minimum: 1, maximum: 200 },
  cursor: { type: 'string' },
  status: { type: 'string', enum: [...TASK_STATUSES] },
  assignee_id: idOrNoneSchema,
  priority: { type: 'string', enum: [...PRIORITIES] },
  tag: { type: 'string' },
  parent_id: idOrNoneSchema,
  q: { type: 'string' },
  actor_id: { type: 'string' },
  action: { type: 'string', enum: [...AUDIT_ACTIONS] },
  entity_type: { type: 'string', enum: [...AUDIT_ENTITY_TYPES] },
}
