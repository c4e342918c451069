// io-ts at the edges: the request bodies and query strings of the driving adapters (REST, MCP), with every
// problem reported by path. One set of codecs for every adapter, so that their inputs cannot drift apart.
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { Issue } from '../../domain/index.js'

const describeType = (name: string): string => {
  if (name === 'string') return 'a string'
  if (name === 'number') return 'a number'
  if (name === 'boolean') return 'a boolean'
  if (name === 'Int') return 'an integer'
  if (name === 'null') return 'null'
  if (name === 'Id') return `an id (an integer from 1 to ${MAX_ID})`
  return name
}

const isCombinator = (type: t.Decoder<unknown, unknown> | undefined): boolean => {
  const tag = (type as { _tag?: string } | undefined)?._tag
  return tag === 'IntersectionType' || tag === 'UnionType'
}

export const decode = <A, O>(codec: t.Type<A, O, unknown>, value: unknown): E.Either<readonly Issue[], A> => {
  const result = codec.decode(value)
  if (E.isRight(result)) return E.right(result.right)
  const seen = new Set<string>()
  const issues: Issue[] = []
  for (const error of result.left) {
    // Keys under an intersection or a union name its members, not a field: leave them out of the path.
    const path = error.context
      .filter((entry, i) => i > 0 && !isCombinator(error.context[i - 1]?.type))
      .map((entry) => entry.key)
      .join('.') || 'body'
    if (seen.has(path)) continue
    seen.add(path)
    const expected = error.context[error.context.length - 1]?.type.name ?? 'valid'
    issues.push({ path, message: error.message ?? `must be ${describeType(expected)}` })
  }
  return E.left(issues)
}

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

/** Ids are PostgreSQL `int` (serial): a larger number names nothing, and must not reach SQL (a 500 there). */
export const MAX_ID = 2_147_483_647

interface IdBrand {
  readonly Id: unique symbol
}
/** An id in a request body: an integer from 1 to MAX_ID. */
export const IdC = t.brand(t.Int, (n): n is t.Branded<t.Int, IdBrand> => n >= 1 && n <= MAX_ID, 'Id')

/** An id in a path or query string: 1 to MAX_ID, decimal digits only. */
export const isIdText = (raw: string): boolean => /^\d{1,10}$/.test(raw) && Number(raw) >= 1 && Number(raw) <= MAX_ID

export const PriorityC = t.keyof({ low: null, medium: null, high: null, urgent: null })
export const StatusC = t.keyof({ backlog: null, pending: null, in_progress: null, review: null, blocked: null, completed: null, cancelled: null })
export const RoleC = t.keyof({ viewer: null, member: null, admin: null, owner: null })

export const CreateProjectC = t.intersection([
  t.type({ slug: t.string, name: t.string }),
  t.partial({ description: nullable(t.string), key: t.string }),
])
export const UpdateProjectC = t.partial({ name: t.string, description: nullable(t.string) })

export const TaskFieldsC = t.partial({
  description: nullable(t.string),
  priority: PriorityC,
  tags: t.array(t.string),
  due_date: nullable(t.string),
  story_points: nullable(t.number),
})
export const CreateTaskC = t.intersection([
  t.type({ title: t.string }),
  TaskFieldsC,
  t.partial({ assignee_id: nullable(IdC), parent_task_id: nullable(IdC) }),
])
export const UpdateTaskC = t.intersection([TaskFieldsC, t.partial({ title: t.string, parent_task_id: nullable(IdC) })])
export const ChangeStatusC = t.intersection([t.type({ status: StatusC }), t.partial({ reason: t.string })])
export const ProgressC = t.intersection([t.type({ percent: t.number }), t.partial({ note: t.string })])
export const AssignC = t.type({ assignee_id: nullable(IdC) })
export const RejectC = t.type({ reason: t.string })

export const AddMemberC = t.union([
  t.intersection([t.type({ user_id: t.string }), t.partial({ email: nullable(t.string), name: nullable(t.string), role: RoleC })]),
  t.intersection([t.type({ agent_id: IdC }), t.partial({ role: RoleC })]),
])
export const ChangeRoleC = t.type({ role: RoleC })
export const RegisterAgentC = t.intersection([
  t.type({ handle: t.string, agent_type: t.string }),
  t.partial({ name: nullable(t.string), capabilities: t.array(t.string) }),
])
export const UpdateAgentC = t.partial({ name: t.string, agent_type: t.string, capabilities: t.array(t.string) })

export const CreateApiTokenC = t.intersection([t.type({ name: t.string }), t.partial({ status_map: t.record(t.string, t.string) })])

export const CreateIntegrationC = t.intersection([
  t.type({ type: t.string, access_token: t.string }),
  t.partial({ settings: t.record(t.string, t.unknown), status_map: t.record(t.string, t.string), is_active: t.boolean, webhook_secret: t.string }),
])

export const PushTasksC = t.type({ task_ids: t.array(IdC) })

export const WebhookFieldsC = t.partial({ events: t.array(t.string), description: nullable(t.string), is_active: t.boolean })
export const CreateWebhookC = t.intersection([t.type({ url: t.string }), WebhookFieldsC])
export const UpdateWebhookC = t.intersection([t.partial({ url: t.string }), WebhookFieldsC])

export const SyncSourceC = t.keyof({ jira: null, linear: null, github: null, custom: null })
export const TaskSyncC = t.intersection([
  t.type({ source: SyncSourceC, external_id: t.string, name: t.string }),
  t.partial({
    description: nullable(t.string),
    status: nullable(t.string),
    assignee_email: nullable(t.string),
    story_points: nullable(t.number),
    labels: nullable(t.array(t.string)),
    external_url: nullable(t.string),
    parent_external_id: nullable(t.string),
    updated_at: nullable(t.string),
  }),
])

/** PostgreSQL takes years 1..9999 in ISO form (no year 0, no six-digit years): anything else would be a 500. */
export const isStorableInstant = (date: Date): boolean => {
  const year = date.getUTCFullYear()
  return !Number.isNaN(year) && year >= 1 && year <= 9999
}

/** An ISO-8601 timestamp with a time zone (`2026-11-22T10:00:00Z`, `...+02:00`); anything else is a 400. */
export const isoTimestamp = (raw: string, path: string): E.Either<readonly Issue[], Date> => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(raw)
  // Date.parse rolls 2026-02-30 over into March: the calendar date must exist as written.
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined
  const exists = m !== null && day !== undefined && day.getUTCMonth() === Number(m[2]) - 1 && day.getUTCDate() === Number(m[3])
  const ok = exists && isStorableInstant(new Date(raw))
  return ok ? E.right(new Date(raw)) : E.left([{ path, message: 'must be an ISO-8601 timestamp with a time zone from year 1 to 9999, e.g. 2026-11-22T10:00:00.000Z' }])
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export type Query = Readonly<Record<string, string | string[] | undefined>>

/** A single query value (the last one when repeated). */
export const one = (query: Query, name: string): string | undefined => {
  const v = query[name]
  return Array.isArray(v) ? v[v.length - 1] : v
}

export const intParam = (raw: string | undefined, path: string): E.Either<readonly Issue[], number | undefined> => {
  if (raw === undefined) return E.right(undefined)
  return /^\d{1,15}$/.test(raw) ? E.right(Number(raw)) : E.left([{ path, message: 'must be a positive integer' }])
}
