// taskport's use cases as MCP tools: one tool per use case of the contract, with the REST adapter's codecs (their
// JSON Schema is the input schema, and the same decoding validates the arguments), the REST JSON as the result,
// and the REST error body as a refusal. This module imports the application layer only.
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import {
  canonicalJson, IDEMPOTENCY_KEY_PATTERN, problem,
  AssignC, auditFilterOf, ChangeStatusC, CreateTaskC, decode, IdC, ProgressC, QUERY_PARAMS, RejectC, taskFields, taskFilterOf, taskInput,
  UpdateTaskC, auditJson, unstorableJson, memberJson, pageJson, problemOf, projectJson, taskDetailJson, taskJson, toJsonSchema, validationProblem,
  type AppError, type Caller, type ErrorBody, type JsonSchema, type PageRequest, type Param,
} from '../../application/index.js'
import type { Taskport } from '../../application/taskport.js'
import { SCHEMAS } from '../../application/wire/schemas.js'
import type { Issue } from '../../domain/index.js'

/** A tool's answer; `replayed`: given again for a repeated idempotency_key. */
export type ToolAnswer = ({ readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly body: ErrorBody }) & { readonly replayed?: boolean }

export interface Tool {
  readonly name: string
  readonly description: string
  readonly readOnly: boolean
  /** The REST operation this tool mirrors (`METHOD /path` as in the OpenAPI document); whoami has none. */
  readonly rest: string | undefined
  readonly inputSchema: JsonSchema
  readonly outputSchema: JsonSchema
  run(tp: Taskport, caller: Caller, args: Readonly<Record<string, unknown>>): Promise<ToolAnswer>
}

// ------------------------------------------------------------------------------------------------ schemas

const ID: JsonSchema = { type: 'integer', minimum: 1, maximum: 2_147_483_647 }

/** An object schema: these properties, these required, other properties ignored (as REST ignores unknown fields). */
const objectSchema = (properties: Record<string, unknown>, required: readonly string[]): JsonSchema => ({
  type: 'object', properties, ...(required.length ? { required: [...required] } : {}),
})

const withIds = (ids: Record<string, JsonSchema>, body?: t.Mixed, query: readonly string[] = [], optional: Record<string, JsonSchema> = {}): JsonSchema => {
  const fromBody = body ? toJsonSchema(body) : { properties: {}, required: [] }
  return objectSchema(
    { ...ids, ...optional, ...(fromBody.properties as object), ...Object.fromEntries(query.map((q) => [q, QUERY_PARAMS[q]])) },
    [...Object.keys(ids), ...((fromBody.required as string[] | undefined) ?? [])],
  )
}

/**
 * A tool's output: the REST answer, or (with `isError`) the contract's error body: clients such as the SDK's
 * validate `structuredContent` against the output schema in both cases. Only the required top-level keys (the
 * full schemas are in /openapi.json): compact, for the tools/list budget.
 */
const ERROR_KEYS = { required: ['error', 'detail', 'status_code'] }
const answerOr = (title: string, required: readonly string[]): JsonSchema => ({ type: 'object', title, anyOf: [{ required: [...required] }, ERROR_KEYS] })

const keysOf = (name: string): string[] => {
  const schema = SCHEMAS[name] ?? {}
  const own = (schema.required as string[] | undefined) ?? []
  const parts = (schema.allOf as JsonSchema[] | undefined) ?? []
  return [...own, ...parts.flatMap((p) => (typeof p.$ref === 'string' ? keysOf(p.$ref.split('/').pop() ?? '') : ((p.required as string[] | undefined) ?? [])))]
}
const output = (name: string): JsonSchema => answerOr(name, keysOf(name))
const pageOutput = (item: string): JsonSchema => answerOr(`Page of ${item}`, ['items', 'next_cursor'])

// ------------------------------------------------------------------------------------------------ running

const refused = (error: AppError): ToolAnswer => ({ ok: false, body: problemOf(error).body })
const invalid = (issues: readonly Issue[]): ToolAnswer => ({ ok: false, body: validationProblem(issues).body })

/** Decodes the arguments with `codec`, runs `work` on them, and encodes its Right with `encode`. */
const tool = <A, R>(codec: t.Type<A, unknown, unknown>, work: (tp: Taskport, caller: Caller, args: A) => Promise<E.Either<AppError, R> | ToolAnswer>, encode: (r: R) => unknown) =>
  async (tp: Taskport, caller: Caller, raw: Readonly<Record<string, unknown>>): Promise<ToolAnswer> => {
    const unstorable = unstorableJson(raw, 'arguments')
    if (unstorable) return invalid([unstorable])
    const decoded = decode(codec, raw)
    if (E.isLeft(decoded)) return invalid(decoded.left)
    const result = await work(tp, caller, decoded.right)
    if ('ok' in result) return result
    return E.isLeft(result) ? refused(result.left) : { ok: true, json: encode(result.right) }
  }

const PageArgsC = t.partial({ limit: t.number, cursor: t.string })
const pageOf = (args: t.TypeOf<typeof PageArgsC>): PageRequest => ({
  ...(args.limit !== undefined ? { limit: args.limit } : {}), ...(args.cursor !== undefined ? { cursor: args.cursor } : {}),
})

/** Filter arguments as the REST query string has them: text (numbers and `none` alike), parsed by the same function. */
const FilterValueC = t.union([t.string, t.number])
const filterArgs = (names: readonly string[]) => t.partial(Object.fromEntries(names.map((n) => [n, FilterValueC])))
const paramOf = (args: Readonly<Record<string, unknown>>): Param => (name) => (args[name] === undefined ? undefined : String(args[name]))

const TASK_FILTERS = ['status', 'assignee_id', 'priority', 'tag', 'parent_id', 'q']
const AUDIT_FILTERS = ['actor_id', 'action', 'entity_type']

const ProjectIdC = t.type({ project_id: IdC })
const TaskIdC = t.type({ task_id: IdC })

// ------------------------------------------------------------------------------------------------ the tools

const TASK_TOOLS: readonly Tool[] = [
  {
    name: 'whoami', description: 'The caller: worker id, type (human or agent), handle, name, email, platform admin.', readOnly: true, rest: undefined,
    inputSchema: objectSchema({}, []),
    outputSchema: answerOr('Caller', ['worker_id', 'type', 'handle', 'name', 'email', 'platform_admin']),
    run: async (_tp, caller) => ({
      ok: true,
      json: { worker_id: caller.worker.id, type: caller.worker.type, handle: caller.worker.handle, name: caller.worker.name, email: caller.worker.email, platform_admin: caller.platformAdmin },
    }),
  },
  {
    name: 'list_projects', description: 'Projects the caller is a member of.', readOnly: true, rest: 'GET /api/projects',
    inputSchema: withIds({}, undefined, ['limit', 'cursor']), outputSchema: pageOutput('Project'),
    run: tool(PageArgsC, (tp, c, a) => tp.projects.list(c, pageOf(a)), (p) => pageJson(p, projectJson)),
  },
  {
    name: 'get_project', description: 'A project.', readOnly: true, rest: 'GET /api/projects/{pid}',
    inputSchema: withIds({ project_id: ID }), outputSchema: output('Project'),
    run: tool(ProjectIdC, (tp, c, a) => tp.projects.get(c, a.project_id), projectJson),
  },
  {
    name: 'list_members', description: "A project's members, humans and agents.", readOnly: true, rest: 'GET /api/projects/{pid}/members',
    inputSchema: withIds({ project_id: ID }, undefined, ['limit', 'cursor']), outputSchema: pageOutput('Member'),
    run: tool(t.intersection([ProjectIdC, PageArgsC]), (tp, c, a) => tp.members.list(c, a.project_id, pageOf(a)), (p) => pageJson(p, memberJson)),
  },
  {
    name: 'list_tasks', description: "A project's tasks, filtered; assignee_id and parent_id take an id or \"none\".", readOnly: true, rest: 'GET /api/projects/{pid}/tasks',
    inputSchema: withIds({ project_id: ID }, undefined, [...TASK_FILTERS, 'limit', 'cursor']), outputSchema: pageOutput('Task'),
    run: tool(t.intersection([ProjectIdC, PageArgsC, filterArgs(TASK_FILTERS)]), async (tp, c, a) => {
      const filter = taskFilterOf(paramOf(a))
      return E.isLeft(filter) ? invalid(filter.left) : tp.tasks.list(c, a.project_id, filter.right, pageOf(a))
    }, (p) => pageJson(p, taskJson)),
  },
  {
    name: 'get_task', description: 'A task with its subtasks and latest audit entries.', readOnly: true, rest: 'GET /api/tasks/{id}',
    inputSchema: withIds({ task_id: ID }), outputSchema: output('TaskDetail'),
    run: tool(TaskIdC, (tp, c, a) => tp.tasks.get(c, a.task_id), taskDetailJson),
  },
  {
    name: 'create_task', description: 'Create a task in a project (member+).', readOnly: false, rest: 'POST /api/projects/{pid}/tasks',
    inputSchema: withIds({ project_id: ID }, CreateTaskC), outputSchema: output('Task'),
    run: tool(t.intersection([ProjectIdC, CreateTaskC]), (tp, c, a) => tp.tasks.create(c, a.project_id, taskInput(a)), taskJson),
  },
  {
    name: 'create_subtask', description: 'Create a subtask of a task.', readOnly: false, rest: 'POST /api/tasks/{id}/subtasks',
    inputSchema: withIds({ task_id: ID }, CreateTaskC), outputSchema: output('Task'),
    run: tool(t.intersection([TaskIdC, CreateTaskC]), (tp, c, a) => tp.tasks.createSubtask(c, a.task_id, taskInput(a)), taskJson),
  },
  {
    name: 'update_task', description: "Change a task's fields; expected_version refuses a stale edit (as If-Match).", readOnly: false, rest: 'PUT /api/tasks/{id}',
    inputSchema: withIds({ task_id: ID }, UpdateTaskC, [], { expected_version: { type: 'integer', minimum: 1 } }), outputSchema: output('Task'),
    run: tool(t.intersection([TaskIdC, t.partial({ expected_version: t.Int }), UpdateTaskC]), (tp, c, a) => tp.tasks.update(c, a.task_id, {
      ...(a.title !== undefined ? { title: a.title } : {}), ...taskFields(a), ...(a.expected_version !== undefined ? { expectedVersion: a.expected_version } : {}),
    }), taskJson),
  },
  {
    name: 'change_task_status', description: 'Move a task along the workflow (review is left only by approve or reject).', readOnly: false, rest: 'PATCH /api/tasks/{id}/status',
    inputSchema: withIds({ task_id: ID }, ChangeStatusC), outputSchema: output('Task'),
    run: tool(t.intersection([TaskIdC, ChangeStatusC]), (tp, c, a) => tp.tasks.changeStatus(c, a.task_id, { status: a.status, ...(a.reason !== undefined ? { reason: a.reason } : {}) }), taskJson),
  },
  {
    name: 'report_progress', description: 'Report progress 0..100 on a task in progress or review.', readOnly: false, rest: 'PATCH /api/tasks/{id}/progress',
    inputSchema: withIds({ task_id: ID }, ProgressC), outputSchema: output('Task'),
    run: tool(t.intersection([TaskIdC, ProgressC]), (tp, c, a) => tp.tasks.reportProgress(c, a.task_id, { percent: a.percent, ...(a.note !== undefined ? { note: a.note } : {}) }), taskJson),
  },
  {
    name: 'assign_task', description: 'Assign a task to a project member (human or agent), or unassign it with null.', readOnly: false, rest: 'PATCH /api/tasks/{id}/assign',
    inputSchema: withIds({ task_id: ID }, AssignC), outputSchema: output('Task'),
    run: tool(t.intersection([TaskIdC, AssignC]), (tp, c, a) => tp.tasks.assign(c, a.task_id, a.assignee_id), taskJson),
  },
  {
    name: 'approve_task', description: 'Approve a task in review (not by its assignee).', readOnly: false, rest: 'POST /api/tasks/{id}/approve',
    inputSchema: withIds({ task_id: ID }), outputSchema: output('Task'),
    run: tool(TaskIdC, (tp, c, a) => tp.tasks.approve(c, a.task_id), taskJson),
  },
  {
    name: 'reject_task', description: 'Send a task in review back to in_progress, with a reason.', readOnly: false, rest: 'POST /api/tasks/{id}/reject',
    inputSchema: withIds({ task_id: ID }, RejectC), outputSchema: output('Task'),
    run: tool(t.intersection([TaskIdC, RejectC]), (tp, c, a) => tp.tasks.reject(c, a.task_id, a.reason), taskJson),
  },
  {
    name: 'task_audit', description: "A task's audit entries, oldest first.", readOnly: true, rest: 'GET /api/tasks/{id}/audit',
    inputSchema: withIds({ task_id: ID }, undefined, ['limit', 'cursor']), outputSchema: pageOutput('AuditEntry'),
    run: tool(t.intersection([TaskIdC, PageArgsC]), (tp, c, a) => tp.audit.forTask(c, a.task_id, pageOf(a)), (p) => pageJson(p, auditJson)),
  },
  {
    name: 'project_audit', description: "A project's audit entries, newest first, filtered.", readOnly: true, rest: 'GET /api/projects/{pid}/audit',
    inputSchema: withIds({ project_id: ID }, undefined, [...AUDIT_FILTERS, 'limit', 'cursor']), outputSchema: pageOutput('AuditEntry'),
    run: tool(t.intersection([ProjectIdC, PageArgsC, filterArgs(AUDIT_FILTERS)]), async (tp, c, a) => {
      const filter = auditFilterOf(paramOf(a))
      return E.isLeft(filter) ? invalid(filter.left) : tp.audit.forProject(c, a.project_id, filter.right, pageOf(a))
    }, (p) => pageJson(p, auditJson)),
  },
]

// ------------------------------------------------------------------------------------------------ idempotency keys

const KEY_MESSAGE = 'must be 1..255 visible ASCII characters'
const IDEMPOTENCY_KEY: JsonSchema = {
  type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$',
  description: 'Optional, as the REST Idempotency-Key header: a retry with the same key and arguments gets the first answer again and changes nothing (kept 24 h).',
}

/**
 * A tool that changes something takes an optional `idempotency_key`, with the REST header's rules: the answer is
 * kept under the caller's key (the same keys as REST, told apart by the fingerprint) in the transaction of the
 * change; the key with other arguments is refused (422), and one still being processed is a conflict (409).
 */
const withIdempotencyKey = (tool: Tool): Tool => ({
  ...tool,
  inputSchema: { ...tool.inputSchema, properties: { ...(tool.inputSchema.properties as object), idempotency_key: IDEMPOTENCY_KEY } },
  run: async (tp, caller, raw) => {
    const { idempotency_key: key, ...args } = raw
    if (key === undefined) return tool.run(tp, caller, args)
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) return invalid([{ path: 'idempotency_key', message: KEY_MESSAGE }])
    const fingerprint = createHash('sha256').update(`mcp ${tool.name}\n${canonicalJson(args)}`).digest('hex')
    const outcome = await tp.idempotency.run({ scope: `worker:${caller.worker.id}`, key, fingerprint }, async () => {
      const answer = await tool.run(tp, caller, args)
      return { status: answer.ok ? 200 : answer.body.status_code, body: JSON.stringify(answer), headers: {} }
    })
    switch (outcome.kind) {
      case 'processed':
      case 'replayed':
        return { ...(JSON.parse(outcome.response.body ?? 'null') as ToolAnswer), ...(outcome.kind === 'replayed' ? { replayed: true } : {}) }
      case 'in_flight':
        return { ok: false, body: problem(409, 'conflict', 'A call with this idempotency_key is still being processed; retry in a second').body }
      case 'reused':
        return { ok: false, body: problem(422, 'idempotency_key_reused', 'This idempotency_key was sent with another tool or other arguments in the last 24 hours').body }
    }
  },
})

export const TOOLS: readonly Tool[] = TASK_TOOLS.map((tool) => (tool.readOnly ? tool : withIdempotencyKey(tool)))
