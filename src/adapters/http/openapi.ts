// The OpenAPI 3.1 document of the routes. Request bodies are generated from the io-ts codecs the routes decode
// with; tests check that every registered route is documented and that responses carry the documented fields.
import type * as t from 'io-ts'
import {
  AddMemberC, AssignC, ChangeRoleC, ChangeStatusC, CreateApiTokenC, CreateIntegrationC, PushTasksC, CreateProjectC, CreateTaskC, ProgressC, RegisterAgentC,
  RejectC, TaskSyncC, UpdateAgentC, UpdateProjectC, UpdateTaskC, CreateWebhookC, UpdateWebhookC,
} from './decode.js'
import { toJsonSchema, type JsonSchema } from './json-schema.js'
import { QUERY_PARAMS } from '../../application/wire/commands.js'
import { int, nstr, obj, ref, SCHEMAS, str } from '../../application/wire/schemas.js'

export { SCHEMAS }

const page = (item: string) => obj({ items: { type: 'array', items: ref(item) }, next_cursor: nstr })

interface Route {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  readonly path: string
  readonly summary: string
  readonly body?: t.Mixed
  readonly status: number
  readonly response?: JsonSchema
  readonly query?: readonly string[]
  readonly errors: readonly number[]
  readonly public?: boolean
  readonly ifMatch?: boolean
  /** Authenticated by a project API token instead of a JWT. */
  readonly apiToken?: boolean
  /** The 2xx statuses besides `status`, and its body when it differs. */
  readonly alsoStatus?: number
  readonly alsoResponse?: JsonSchema
  /** Longer than the summary: limits and rules. */
  readonly description?: string
  /** Request content that is not one of the codecs (a vendor's own payload). */
  readonly content?: Record<string, unknown>
}

const SYNC_LIMITS = 'Only the identity of a push is refused: `external_id` 1..255 characters, a `name` that is not blank, `parent_external_id` at most 255. ' +
  'Content that the source system allows is never refused: it is stored whole up to the sync limits (names 500 characters, descriptions 262,144, ' +
  '200 labels of 255, any finite story_points), or cut there with an entry in `warnings`; an `external_url` that is not http(s) and an ' +
  '`assignee_email` that is not an email address are left out with a warning. A field that is absent leaves the task\'s value; `null` ' +
  '(or `[]` for labels) clears it. Lengths are in characters (Unicode code points).'

const USER_LIMITS = 'Limits, in characters (Unicode code points): title 1..500, description 20,000, 20 tags of 1..50, story_points 0..1000 in halves. ' +
  'Only values that the request changes are checked: a value the task already holds (e.g. a longer description synced from GitHub) may be sent back unchanged.'

/** A JSON-RPC 2.0 message as POST /mcp takes it (the MCP methods are in the MCP specification). */
const JSONRPC_MESSAGE: JsonSchema = {
  type: 'object', required: ['jsonrpc'],
  properties: { jsonrpc: { const: '2.0' }, id: { type: ['string', 'integer'] }, method: str, params: { type: 'object' } },
}
const JSONRPC_ANSWER: JsonSchema = {
  oneOf: [
    { type: 'object', required: ['jsonrpc', 'id'], properties: { jsonrpc: { const: '2.0' }, id: { type: ['string', 'integer'] }, result: { type: 'object' }, error: obj({ code: int, message: str }) } },
    { type: 'array', items: { type: 'object' } },
  ],
}

const PAGE = ['limit', 'cursor']
const W = [400, 401, 403, 404] as const

export const ROUTES: readonly Route[] = [
  { method: 'get', path: '/health', summary: 'Liveness', status: 200, response: obj({ status: str }), errors: [], public: true },
  { method: 'get', path: '/health/ready', summary: 'Readiness (database)', status: 200, response: obj({ status: str, database: str }), errors: [503], public: true },
  { method: 'get', path: '/api/projects', summary: 'Projects of the caller', status: 200, response: page('Project'), query: PAGE, errors: [400, 401] },
  { method: 'post', path: '/api/projects', summary: 'Create a project', body: CreateProjectC, status: 201, response: ref('Project'), errors: [400, 401, 409, 413] },
  { method: 'get', path: '/api/projects/{pid}', summary: 'A project', status: 200, response: ref('Project'), errors: [401, 404] },
  { method: 'put', path: '/api/projects/{pid}', summary: 'Update a project (admin+)', body: UpdateProjectC, status: 200, response: ref('Project'), errors: W },
  { method: 'delete', path: '/api/projects/{pid}', summary: 'Delete a project (owner)', status: 204, query: ['force'], errors: [401, 403, 404, 409] },
  { method: 'get', path: '/api/projects/{pid}/members', summary: 'Members, humans and agents', status: 200, response: page('Member'), query: PAGE, errors: [400, 401, 404] },
  { method: 'post', path: '/api/projects/{pid}/members', summary: 'Add a member (admin+)', body: AddMemberC, status: 201, response: ref('Member'), errors: [...W, 409] },
  { method: 'patch', path: '/api/projects/{pid}/members/{worker_id}', summary: 'Change a role (admin+)', body: ChangeRoleC, status: 200, response: ref('Member'), errors: W },
  { method: 'delete', path: '/api/projects/{pid}/members/{worker_id}', summary: 'Remove a member (admin+)', status: 204, errors: W },
  { method: 'post', path: '/api/workers/agents', summary: 'Register an agent', body: RegisterAgentC, status: 201, response: ref('Agent'), errors: [400, 401, 403, 409] },
  { method: 'get', path: '/api/workers/agents', summary: 'Registered agents', status: 200, response: page('Agent'), query: PAGE, errors: [400, 401] },
  { method: 'get', path: '/api/workers/agents/{id}', summary: 'An agent', status: 200, response: ref('Agent'), errors: [401, 404] },
  { method: 'put', path: '/api/workers/agents/{id}', summary: 'Update an agent (creator or platform admin)', body: UpdateAgentC, status: 200, response: ref('Agent'), errors: W },
  { method: 'delete', path: '/api/workers/agents/{id}', summary: 'Delete an agent (creator or platform admin)', status: 204, errors: [401, 403, 404] },
  { method: 'get', path: '/api/projects/{pid}/tasks', summary: 'Tasks of a project', status: 200, response: page('Task'), query: [...PAGE, 'status', 'assignee_id', 'priority', 'tag', 'parent_id', 'q'], errors: [400, 401, 404] },
  { method: 'post', path: '/api/projects/{pid}/tasks', summary: 'Create a task', description: USER_LIMITS, body: CreateTaskC, status: 201, response: ref('Task'), errors: W },
  { method: 'get', path: '/api/tasks/{id}', summary: 'A task with subtasks and recent audit', status: 200, response: ref('TaskDetail'), errors: [401, 404] },
  { method: 'put', path: '/api/tasks/{id}', summary: 'Update a task', description: USER_LIMITS, body: UpdateTaskC, status: 200, response: ref('Task'), errors: [...W, 412], ifMatch: true },
  { method: 'delete', path: '/api/tasks/{id}', summary: 'Delete a task (force: with its subtree)', status: 204, query: ['force'], errors: [401, 403, 404, 409] },
  { method: 'patch', path: '/api/tasks/{id}/status', summary: 'Change the status', body: ChangeStatusC, status: 200, response: ref('Task'), errors: [...W, 412], ifMatch: true },
  { method: 'patch', path: '/api/tasks/{id}/progress', summary: 'Report progress', body: ProgressC, status: 200, response: ref('Task'), errors: W },
  { method: 'patch', path: '/api/tasks/{id}/assign', summary: 'Assign or unassign', body: AssignC, status: 200, response: ref('Task'), errors: W },
  { method: 'post', path: '/api/tasks/{id}/subtasks', summary: 'Create a subtask', description: USER_LIMITS, body: CreateTaskC, status: 201, response: ref('Task'), errors: W },
  { method: 'post', path: '/api/tasks/{id}/approve', summary: 'Approve a task in review', status: 200, response: ref('Task'), errors: W },
  { method: 'post', path: '/api/tasks/{id}/reject', summary: 'Reject a task in review', body: RejectC, status: 200, response: ref('Task'), errors: W },
  { method: 'get', path: '/api/tasks/{id}/audit', summary: 'Audit of a task (oldest first)', status: 200, response: page('AuditEntry'), query: PAGE, errors: [400, 401, 404] },
  { method: 'get', path: '/api/projects/{pid}/audit', summary: 'Audit of a project (newest first)', status: 200, response: page('AuditEntry'), query: [...PAGE, 'actor_id', 'action', 'entity_type'], errors: [400, 401, 404] },
  { method: 'post', path: '/api/projects/{pid}/api-tokens', summary: 'Create an API token for task-sync (admin+); the token is shown once', body: CreateApiTokenC, status: 201, response: ref('IssuedApiToken'), errors: W },
  { method: 'get', path: '/api/projects/{pid}/api-tokens', summary: 'API tokens of a project (admin+), never the token or its hash', status: 200, response: page('ApiToken'), query: PAGE, errors: W },
  { method: 'delete', path: '/api/projects/{pid}/api-tokens/{token_id}', summary: 'Revoke an API token (admin+)', status: 204, errors: [401, 403, 404] },
  { method: 'post', path: '/api/projects/{pid}/task-sync', summary: 'Inbound task-sync: create (201) or update (200) by (source, external_id); 100 requests per minute per project', description: SYNC_LIMITS, body: TaskSyncC, status: 201, alsoStatus: 200, response: ref('SyncResult'), errors: [400, 401, 404, 413, 429, 503], apiToken: true },
  { method: 'post', path: '/api/projects/{pid}/integrations', summary: 'Connect GitHub, Jira, Linear or Asana (admin+); the webhook secret is shown once', body: CreateIntegrationC, status: 201, response: ref('CreatedIntegration'), errors: [...W, 503] },
  { method: 'get', path: '/api/projects/{pid}/integrations', summary: 'Integrations of a project (admin+), never their credentials', status: 200, response: page('Integration'), query: PAGE, errors: W },
  { method: 'delete', path: '/api/projects/{pid}/integrations/{iid}', summary: 'Delete an integration (admin+)', status: 204, errors: [401, 403, 404] },
  { method: 'post', path: '/api/projects/{pid}/integrations/{iid}/import', summary: 'Pull every issue of the connected GitHub repository (admin+); linked ones are skipped', status: 200, response: ref('ImportSummary'), errors: [401, 403, 404, 503] },
  { method: 'post', path: '/api/projects/{pid}/integrations/{iid}/push', summary: 'Create tasks in the vendor and link them (admin+); linked tasks are skipped, vendor failures reported per task', body: PushTasksC, status: 200, response: ref('PushSummary'), errors: [...W, 503] },
  { method: 'post', path: '/api/integrations/{iid}/webhook', summary: "A vendor's native webhook (GitHub, Linear, Jira), verified by its signature with the webhook secret: 200 when a task changed, 202 when ignored",
    description: `The vendor's own payload, as JSON or (GitHub) as a form with the JSON in its \`payload\` field, at most 5 MiB; the signature covers the raw body. The translated push follows the task-sync rules: ${SYNC_LIMITS}`,
    content: {
      'application/json': { schema: { type: 'object' } },
      'application/x-www-form-urlencoded': { schema: obj({ payload: { type: 'string', description: 'The JSON payload' } }) },
    },
    status: 200, response: ref('SyncResult'), alsoStatus: 202, alsoResponse: ref('WebhookIgnored'), errors: [400, 401, 404, 413, 503], public: true },
  { method: 'post', path: '/api/projects/{pid}/webhooks', summary: 'Subscribe an endpoint to the project\'s events (admin+); the signing secret is shown once', description: 'The URL must be http(s), at most 2,048 characters, and its host must not be or resolve to a loopback, private, link-local, unique-local or unspecified address (unless TASKPORT_WEBHOOK_ALLOW_PRIVATE=true). `events` defaults to ["*"]; an unknown type is a 400.', body: CreateWebhookC, status: 201, response: ref('CreatedWebhook'), errors: [...W, 413, 503] },
  { method: 'get', path: '/api/projects/{pid}/webhooks', summary: 'Webhook endpoints of a project (admin+), never their secrets', status: 200, response: page('WebhookEndpoint'), query: PAGE, errors: W },
  { method: 'get', path: '/api/projects/{pid}/webhooks/{wid}', summary: 'A webhook endpoint (admin+)', status: 200, response: ref('WebhookEndpoint'), errors: [401, 403, 404] },
  { method: 'patch', path: '/api/projects/{pid}/webhooks/{wid}', summary: 'Change a webhook endpoint (admin+); re-activating clears its failure state', body: UpdateWebhookC, status: 200, response: ref('WebhookEndpoint'), errors: [...W, 413, 503] },
  { method: 'delete', path: '/api/projects/{pid}/webhooks/{wid}', summary: 'Delete a webhook endpoint (admin+); its pending deliveries are dropped', status: 204, errors: [401, 403, 404] },
  { method: 'post', path: '/api/projects/{pid}/webhooks/{wid}/ping', summary: 'Queue one webhook.ping event for this endpoint only (admin+)', status: 202, response: ref('DeliveryAccepted'), errors: [401, 403, 404, 409] },
  { method: 'get', path: '/api/projects/{pid}/webhooks/{wid}/deliveries', summary: 'Deliveries to an endpoint, newest first (admin+); filter status', status: 200, response: page('Delivery'), query: [...PAGE, 'status'], errors: W },
  { method: 'get', path: '/api/projects/{pid}/webhooks/{wid}/deliveries/{did}', summary: 'A delivery with its request body and attempts (admin+)', status: 200, response: ref('DeliveryDetail'), errors: [401, 403, 404] },
  { method: 'post', path: '/api/projects/{pid}/webhooks/{wid}/deliveries/{did}/redeliver', summary: 'One more attempt now, same event id and body (admin+)', status: 202, response: ref('DeliveryAccepted'), errors: [401, 403, 404, 409] },
  { method: 'get', path: '/api/audit', summary: 'Entries by one actor across the caller projects', status: 200, response: page('AuditEntry'), query: [...PAGE, 'actor_id'], errors: [400, 401] },
  {
    method: 'post', path: '/mcp', summary: 'MCP for AI agents: JSON-RPC 2.0 over streamable HTTP (stateless, JSON responses)', status: 200, response: JSONRPC_ANSWER,
    description: 'The task use cases as MCP tools (`tools/list`, `tools/call`): docs/integrations/mcp.md. A refused tool call is a 200 result with `isError` and the error body. ' +
      'An unknown tool or params that do not fit the method: a 200 JSON-RPC error (-32602). A body that is not JSON (-32700) or not JSON-RPC (-32600): a 400 with a JSON-RPC error. ' +
      'Only notifications: 202 with no body. 401 carries `WWW-Authenticate: Bearer resource_metadata=…`; an `Origin` not in TASKPORT_MCP_ALLOWED_ORIGINS is a 403.',
    content: { 'application/json': { schema: { oneOf: [JSONRPC_MESSAGE, { type: 'array', items: JSONRPC_MESSAGE, minItems: 1, maxItems: 100 }] } } },
    errors: [400, 401, 403, 413, 415],
  },
  { method: 'get', path: '/mcp', summary: 'Not allowed: the MCP endpoint is stateless, POST only (no server-to-client stream)', status: 405, response: ref('Error'), errors: [401] },
  { method: 'delete', path: '/mcp', summary: 'Not allowed: the MCP endpoint is stateless, POST only (no session to end)', status: 405, response: ref('Error'), errors: [401] },
  {
    method: 'get', path: '/.well-known/oauth-protected-resource', summary: 'RFC 9728 metadata of the protected resource /mcp', status: 200, public: true, errors: [],
    response: obj({ resource: str, authorization_servers: { type: 'array', items: str }, bearer_methods_supported: { type: 'array', items: str } }),
  },
]

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
  description: 'Makes a retry safe: the first answer (status and body) is kept 24 hours for the caller and this key, and a repeat of the same method, path and body gets it again ' +
    'with `Idempotent-Replayed: true`. Answers 5xx, 401 and 429 are not kept. The key with another request: 422 `idempotency_key_reused`; while the first is in flight: 409 with `Retry-After: 1`.',
}

const REASONS: Record<number, string> = {
  400: 'Validation error, domain rule violation or invalid transition', 401: 'Missing or invalid credentials',
  403: 'Role too low (on /mcp: an Origin that is not allowed)', 404: 'Not found, or not a member of its project', 409: 'Conflict (or a request with this Idempotency-Key is still in flight: Retry-After: 1)',
  422: 'The Idempotency-Key was sent with another method, path or body (idempotency_key_reused)', 412: 'If-Match version mismatch',
  415: 'A body whose Content-Type is not application/json (or +json)',
  413: 'Body over the size limit (1 MiB; vendor webhooks 5 MiB)', 429: 'Rate limited: see Retry-After and the RateLimit-* headers', 503: 'Unavailable',
}

export const openApiDocument = (): Record<string, unknown> => {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: ['token_id', 'iid', 'wid', 'did'].includes(m[1] ?? '') ? { type: 'string', format: 'uuid' } : int }))
    const query = (r.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: QUERY_PARAMS[name] ?? str }))
    const responses: Record<string, unknown> = {
      [String(r.status)]: r.response ? { description: 'Success', content: { 'application/json': { schema: r.response } } } : { description: 'Success' },
      ...(r.alsoStatus && r.response ? { [String(r.alsoStatus)]: { description: 'Success', content: { 'application/json': { schema: r.alsoResponse ?? r.response } } } } : {}),
    }
    // Every route that reads a JSON body refuses another Content-Type with a 415; every change under /api takes an
    // Idempotency-Key (409 while the first request with it is in flight, 422 for a key sent with another request).
    const keyed = r.method !== 'get' && r.path.startsWith('/api/')
    const errors = [...new Set([...r.errors, ...(r.body ? [415] : []), ...(keyed ? [409, 422] : [])])].sort((a, b) => a - b)
    for (const code of [...errors, 500]) responses[String(code)] = { description: REASONS[code] ?? 'Internal error', content: { 'application/json': { schema: ref('Error') } } }
    paths[r.path] ??= {}
    ;(paths[r.path] as Record<string, unknown>)[r.method] = {
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(r.public ? { security: [] } : r.apiToken ? { security: [{ apiToken: [] }] } : {}),
      parameters: [...params, ...query, ...(r.ifMatch ? [{ name: 'If-Match', in: 'header', required: false, schema: str }] : []), ...(keyed ? [IDEMPOTENCY_KEY] : [])],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(r.body) } } } } : {}),
      ...(r.content ? { requestBody: { required: true, content: r.content } } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'taskport', version: '1', description: 'Project and task management API (contract v1.1). Text lengths, here and in every maxLength, are counted in characters (Unicode code points), never in UTF-16 code units or bytes. Request bodies are UTF-8 JSON of at most 1 MiB (vendor webhooks: 5 MiB), nested at most 64 levels; text (keys, values and query strings) must not contain NUL characters or unpaired UTF-16 surrogates; ids are integers from 1 to 2147483647. Anything else is a 400 validation_error (413 over the size limit).' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiToken: { type: 'http', scheme: 'bearer', description: 'A project API token (64 hex characters), for task-sync only' },
    }, schemas: SCHEMAS },
    paths,
  }
}
