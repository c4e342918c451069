// Hostile input against every write route of the contract, with fast-check over real HTTP on PostgreSQL:
// broken bytes, wrong types and values, hostile path parameters and credentials. Every refusal is a 4xx in the
// contract's error shape and writes nothing; the server keeps serving; accepted text comes back byte for byte.
import { createHmac, randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { createRouter } from '../../../src/adapters/http/app.js'
import { ROUTES } from '../../../src/adapters/http/openapi.js'
import { toJsonSchema } from '../../../src/adapters/http/json-schema.js'
import { createTaskport } from '../../../src/application/taskport.js'
import { inMemoryAdapters } from '../../../src/adapters/persistence/memory/index.js'
import { startApi, type ApiServer } from '../../support/http.js'
import {
  anyJson, asciiJson, check, CONTENT_TYPES, expectRefusal, fingerprint, hasSchemaType, INVALID_UTF8, isJsonType, MALFORMED_JSON, send, text, UNSTORABLE,
} from '../../support/fuzz-http.js'

interface Fixture {
  pid: number
  bob: number
  agent: number
  task: number
  apiToken: string
  tokenId: string
  integration: string
  secret: string
  webhook: string
  delivery: string
}

interface Ctx {
  api: ApiServer
  owner: string
  f: Fixture
  badJwts: string[]
}

const it = suite<Ctx>('hostile input (fast-check)')

const RUNS = { bytes: 150, values: 300, params: 150, credentials: 100, webhooks: 80, roundTrip: 40 }

it.before(async (ctx) => {
  try { await setUp(ctx) } catch (e) { console.error('SETUP', e); throw e }
})
const setUp = async (ctx: Ctx) => {
  ctx.api = await startApi({ rateLimit: { max: 1_000_000 } })
  const { api } = ctx
  ctx.owner = await api.jwks.sign({ sub: 'fz-owner', email: 'fz-owner@example.com', name: 'fz-owner' }, { expiresIn: '30m' })
  const as = { token: ctx.owner }
  const pid = (await api.call('POST', '/api/projects', { ...as, body: { slug: 'fuzz', name: 'Fuzz', key: 'FZ' } })).body.id
  await api.call('GET', '/api/projects', { as: 'fz-bob' })
  const bob = (await api.call('POST', `/api/projects/${pid}/members`, { ...as, body: { user_id: 'fz-bob' } })).body.worker_id
  const agent = (await api.call('POST', '/api/workers/agents', { ...as, body: { handle: '@fz-agent', agent_type: 'bot' } })).body.id
  const task = (await api.call('POST', `/api/projects/${pid}/tasks`, { ...as, body: { title: 'fixture' } })).body.id
  const issued = (await api.call('POST', `/api/projects/${pid}/api-tokens`, { ...as, body: { name: 'fz' } })).body
  const connected = (await api.call('POST', `/api/projects/${pid}/integrations`, { ...as, body: { type: 'github', access_token: 'ghp_x', settings: { owner: 'acme', repo: 'app', api_url: 'http://127.0.0.1:9' } } })).body
  const webhook = (await api.call('POST', `/api/projects/${pid}/webhooks`, { ...as, body: { url: 'http://127.0.0.1:9/fz' } })).body.id
  const delivery = (await api.call('POST', `/api/projects/${pid}/webhooks/${webhook}/ping`, as)).body.delivery_id
  ctx.f = { pid, bob, agent, task, apiToken: issued.token, tokenId: issued.id, integration: connected.id, secret: connected.webhook_secret, webhook, delivery }
  for (const value of Object.values(ctx.f)) assert.ok(value !== undefined, 'fixture created')
  const claims = { sub: 'fz-owner', email: 'fz-owner@example.com' }
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, aud: 'taskport', iss: 'https://sso.test', exp: 9_999_999_999 })).toString('base64url')}.`
  ctx.badJwts = [
    await api.jwks.sign(claims, { expiresIn: '-1m' }),
    await api.jwks.sign(claims, { foreignKey: true }),
    await api.jwks.sign(claims, { audience: 'other' }),
    await api.jwks.sign(claims, { issuer: 'https://evil.test' }),
    await api.jwks.sign(claims, { kid: 'unknown' }),
    none,
  ]
}
it.after(async (ctx) => {
  await ctx.api.stop()
})

// ---------------------------------------------------------------------------------------------------------------
// The write routes, each with a body the route accepts: a case changes one thing about it and expects a refusal.

type Auth = 'jwt' | 'apiToken' | 'signature'

interface Target {
  readonly method: string
  readonly route: string
  readonly auth: Auth
  /** A body the route accepts (undefined: the route reads none). */
  readonly valid?: (f: Fixture) => unknown
  /** Values that are of the right type and still wrong (each refused). */
  readonly badValues?: ReadonlyArray<Record<string, unknown>>
}

const issuePayload = (extra: object = {}) => ({
  action: 'opened',
  issue: { number: 7, title: 'Issue', body: 'b', state: 'open', state_reason: null, labels: [], html_url: 'https://github.com/acme/app/issues/7', updated_at: '2026-11-22T10:00:00Z', assignee: null, ...extra },
})

const TAGS = ['', '  ', 'x'.repeat(51)].map((tag) => ({ tags: ['ok', tag] }))
const TITLES = [{ title: '' }, { title: ' \t\n ' }, { title: 'x'.repeat(501) }]
const TASK_VALUES = [
  ...TITLES, ...TAGS, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, { description: 'x'.repeat(20_001) },
  { priority: 'URGENT' }, { priority: '' }, { priority: 'critical' },
  { due_date: '2026-02-30' }, { due_date: '2026-13-01' }, { due_date: '1899-12-31' }, { due_date: "'; DROP TABLE tasks;--" }, { due_date: '2026-1-1' }, { due_date: '+002026-01-01' },
  { story_points: -0.5 }, { story_points: 0.3 }, { story_points: 1000.5 }, { story_points: 1e308 }, { story_points: 5e-324 },
  { parent_task_id: -1 }, { parent_task_id: 0 }, { parent_task_id: 2 ** 31 }, { parent_task_id: 2 ** 53 },
]

const TARGETS: readonly Target[] = [
  { method: 'POST', route: '/api/projects', auth: 'jwt', valid: () => ({ slug: 'fz-new', name: 'New' }),
    badValues: [{ slug: 'A' }, { slug: 'bad slug' }, { slug: '-x' }, { slug: 'x'.repeat(64) }, { slug: "a'; drop table projects;--" }, { key: 'lower' }, { key: 'A' }, { key: 'A'.repeat(11) }, { key: '1AB' }, { name: '' }, { name: '   ' }] },
  { method: 'PUT', route: '/api/projects/{pid}', auth: 'jwt', valid: () => ({ name: 'Renamed' }), badValues: [{ name: '' }, { name: ' ' }, { name: 'x'.repeat(10_000) }] },
  { method: 'DELETE', route: '/api/projects/{pid}', auth: 'jwt' },
  { method: 'POST', route: '/api/projects/{pid}/members', auth: 'jwt', valid: () => ({ user_id: 'fz-bob', role: 'admin' }),
    badValues: [{ role: 'superuser' }, { role: 'OWNER' }, { role: '' }, { user_id: '' }] },
  { method: 'PATCH', route: '/api/projects/{pid}/members/{worker_id}', auth: 'jwt', valid: () => ({ role: 'admin' }), badValues: [{ role: 'root' }, { role: 'Admin' }] },
  { method: 'DELETE', route: '/api/projects/{pid}/members/{worker_id}', auth: 'jwt' },
  { method: 'POST', route: '/api/workers/agents', auth: 'jwt', valid: () => ({ handle: '@fz-new-bot', agent_type: 'bot' }),
    badValues: [{ handle: 'claude' }, { handle: '@' }, { handle: '@A' }, { handle: `@${'a'.repeat(40)}` }, { handle: '@bad handle' }, { handle: '@fz-agent' }] },
  { method: 'PUT', route: '/api/workers/agents/{id}', auth: 'jwt', valid: () => ({ name: 'Agent' }), badValues: [{ name: '' }, { name: '  ' }] },
  { method: 'DELETE', route: '/api/workers/agents/{id}', auth: 'jwt' },
  { method: 'POST', route: '/api/projects/{pid}/tasks', auth: 'jwt', valid: () => ({ title: 'New task' }),
    badValues: [...TASK_VALUES, { assignee_id: -1 }, { assignee_id: 0 }, { assignee_id: 2 ** 31 }, { assignee_id: 1e300 }] },
  { method: 'PUT', route: '/api/tasks/{id}', auth: 'jwt', valid: () => ({ title: 'Renamed' }), badValues: TASK_VALUES },
  { method: 'DELETE', route: '/api/tasks/{id}', auth: 'jwt' },
  { method: 'PATCH', route: '/api/tasks/{id}/status', auth: 'jwt', valid: () => ({ status: 'in_progress' }),
    badValues: [{ status: 'done' }, { status: 'IN_PROGRESS' }, { status: '' }, { status: 'review' }, { status: 'completed' }] },
  { method: 'PATCH', route: '/api/tasks/{id}/progress', auth: 'jwt', valid: () => ({ percent: 10 }),
    badValues: [{ percent: -1 }, { percent: 101 }, { percent: 50.5 }, { percent: 1e308 }, { percent: -0.0001 }] },
  { method: 'PATCH', route: '/api/tasks/{id}/assign', auth: 'jwt', valid: () => ({ assignee_id: null }),
    badValues: [{ assignee_id: -1 }, { assignee_id: 0 }, { assignee_id: 2 ** 31 }, { assignee_id: 2 ** 53 }, { assignee_id: 1e300 }] },
  { method: 'POST', route: '/api/tasks/{id}/subtasks', auth: 'jwt', valid: () => ({ title: 'Sub' }), badValues: TASK_VALUES },
  { method: 'POST', route: '/api/tasks/{id}/approve', auth: 'jwt' },
  { method: 'POST', route: '/api/tasks/{id}/reject', auth: 'jwt', valid: () => ({ reason: 'no' }) },
  { method: 'POST', route: '/api/projects/{pid}/api-tokens', auth: 'jwt', valid: () => ({ name: 'ci' }),
    badValues: [{ name: '' }, { status_map: { done: 'finished' } }, { status_map: { '': 'pending' } }, { status_map: { Done: 'completed', done: 'cancelled' } }, { status_map: { ['k'.repeat(101)]: 'pending' } }] },
  { method: 'DELETE', route: '/api/projects/{pid}/api-tokens/{token_id}', auth: 'jwt' },
  { method: 'POST', route: '/api/projects/{pid}/task-sync', auth: 'apiToken', valid: () => ({ source: 'custom', external_id: 'fz-1', name: 'Synced' }),
    badValues: [
      // Only the identity of an item and wrong types are refused; content beyond the limits is fitted (warnings).
      { source: 'svn' }, { source: 'JIRA' }, { external_id: '' }, { external_id: 'x'.repeat(256) }, { external_id: '😀'.repeat(256) }, { name: '' }, { name: ' \t ' },
      { parent_external_id: 'p'.repeat(256) }, { parent_external_id: '  ' }, { labels: 'bug' }, { labels: [1] }, { story_points: '3' },
      { updated_at: '0000-01-01T00:00:00Z' }, { updated_at: '9999-12-31T23:30:00-01:00' }, { updated_at: '2026-11-22' }, { updated_at: '2026-11-22T10:00:00' }, { updated_at: '2026-02-30T10:00:00Z' },
    ] },
  { method: 'POST', route: '/api/projects/{pid}/integrations', auth: 'jwt', valid: () => ({ type: 'linear', access_token: 'lin_x', settings: { team_id: 'T' } }),
    badValues: [{ type: 'gitlab' }, { type: 'GITHUB' }, { type: '' }, { settings: {} }, { type: 'github', settings: { owner: 'acme' } }, { type: 'jira', settings: { host: 'h' } }, { status_map: { x: 'nope' } }] },
  { method: 'DELETE', route: '/api/projects/{pid}/integrations/{iid}', auth: 'jwt' },
  { method: 'POST', route: '/api/projects/{pid}/integrations/{iid}/import', auth: 'jwt' },
  { method: 'POST', route: '/api/projects/{pid}/integrations/{iid}/push', auth: 'jwt', valid: (f) => ({ task_ids: [f.task] }),
    badValues: [{ task_ids: [] }, { task_ids: Array.from({ length: 101 }, (_, i) => i + 1) }] },
  { method: 'POST', route: '/api/integrations/{iid}/webhook', auth: 'signature', valid: () => issuePayload() },
  { method: 'POST', route: '/api/projects/{pid}/webhooks', auth: 'jwt', valid: () => ({ url: 'http://127.0.0.1:9/new' }),
    badValues: [{ url: 'ftp://127.0.0.1/' }, { url: '' }, { url: 'javascript:alert(1)' }, { url: `http://127.0.0.1/${'a'.repeat(2048)}` }, { events: ['nope'] }, { events: [] }, { events: ['*.*'] }, { description: 'd'.repeat(501) }] },
  { method: 'PATCH', route: '/api/projects/{pid}/webhooks/{wid}', auth: 'jwt', valid: () => ({ description: 'fz' }),
    badValues: [{ events: ['task'] }, { url: 'file:///etc/passwd' }, { description: 'd'.repeat(501) }] },
  { method: 'DELETE', route: '/api/projects/{pid}/webhooks/{wid}', auth: 'jwt' },
  { method: 'POST', route: '/api/projects/{pid}/webhooks/{wid}/ping', auth: 'jwt' },
  { method: 'POST', route: '/api/projects/{pid}/webhooks/{wid}/deliveries/{did}/redeliver', auth: 'jwt' },
]

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/** A generated case, printed by its label in counterexamples (not as a megabyte of bytes). */
const labelled = <C extends { label: string }>(c: C): C => Object.assign(Object.create({ [fc.toStringMethod]: () => c.label }), c) as C

/** One of these targets, printed as `METHOD route` in counterexamples. */
const targetOf = (targets: readonly Target[]): fc.Arbitrary<Target> =>
  fc.constantFrom(...targets).map((t) => Object.assign(Object.create({ [fc.toStringMethod]: () => `${t.method} ${t.route}` }), t) as Target)
const key = (method: string, route: string) => `${method.toUpperCase()} ${route.replace(/[:{](\w+)\}?/g, '{}')}`

const fill = (t: Target, f: Fixture, override?: { name: string; segment: string }): string =>
  t.route.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (override?.name === name) return override.segment
    const values: Record<string, string | number> = {
      pid: f.pid, worker_id: f.bob, token_id: f.tokenId, iid: f.integration, id: t.route.startsWith('/api/workers') ? f.agent : f.task,
      wid: f.webhook, did: f.delivery,
    }
    return String(values[name])
  })

const hmac = (secret: string, bytes: Uint8Array) => createHmac('sha256', secret).update(bytes).digest('hex')

/** The credentials a target needs, for this body. */
const credentials = (ctx: Ctx, t: Target, bytes: Uint8Array): Record<string, string> => {
  if (t.auth === 'jwt') return { authorization: `Bearer ${ctx.owner}` }
  if (t.auth === 'apiToken') return { authorization: `Bearer ${ctx.f.apiToken}` }
  return { 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmac(ctx.f.secret, bytes)}` }
}

const bytesOf = (body: unknown): Uint8Array => (body === undefined ? new Uint8Array() : Buffer.from(JSON.stringify(body)))

/** Sends a case to a target with the right credentials (unless replaced), and checks the refusal. */
const refused = async (ctx: Ctx, t: Target, c: { bytes: Uint8Array; path?: string; contentType?: string; headers?: Record<string, string>; statuses?: number[]; label: string }) => {
  const headers = { ...(c.headers ?? credentials(ctx, t, c.bytes)), ...(c.contentType ? { 'content-type': c.contentType } : {}) }
  const answer = await send(ctx.api, t.method, c.path ?? fill(t, ctx.f), { ...(BODY_METHODS.has(t.method) || c.bytes.length > 0 ? { body: c.bytes } : {}), headers })
  expectRefusal(answer, `${t.method} ${t.route} ${c.label}`, c.statuses)
}

/** Runs a property of refused requests, then checks that the database is unchanged and the server still serves. */
const refusals = async (ctx: Ctx, property: fc.IAsyncPropertyWithHooks<any>, numRuns: number) => {
  const before = await fingerprint(ctx.api)
  await check(property, numRuns)
  assert.equal(await fingerprint(ctx.api), before, 'refused requests changed nothing in the database')
  await stillServing(ctx)
}

const stillServing = async (ctx: Ctx) => {
  assert.is((await send(ctx.api, 'GET', '/health')).status, 200)
  const project = await ctx.api.call('GET', `/api/projects/${ctx.f.pid}`, { token: ctx.owner })
  assert.is(project.status, 200, JSON.stringify(project.body))
  assert.is(project.body.task_count, (await ctx.api.sql('select count(*)::int as n from tasks where project_id = ?', [ctx.f.pid]))[0].n)
}

// ---------------------------------------------------------------------------------------------------------------

it('every write route of the router and of the OpenAPI document is fuzzed', () => {
  const router = createRouter({ taskport: createTaskport(inMemoryAdapters()), authenticate: async () => E.left({ _tag: 'Unauthorized', reason: '' }), databaseReady: async () => true })
  const served = new Set<string>()
  for (const layer of router.stack) {
    for (const method of layer.methods) if (!['GET', 'HEAD'].includes(method)) served.add(key(method, String(layer.path)))
  }
  // POST /mcp answers JSON-RPC: tests/adapters/mcp/fuzz.test.ts fuzzes it (DELETE /mcp is a 405 without a body).
  const documented = new Set(ROUTES.filter((r) => r.method !== 'get' && r.path !== '/mcp').map((r) => key(r.method, r.path)))
  const fuzzed = new Set(TARGETS.map((t) => key(t.method, t.route)))
  assert.equal([...fuzzed].sort(), [...served].sort(), 'fuzzed = served write routes')
  assert.equal([...fuzzed].sort(), [...documented].sort(), 'fuzzed = documented write routes')
  assert.is(fuzzed.size, TARGETS.length, 'each route once')
  for (const t of TARGETS) {
    const doc = ROUTES.find((r) => key(r.method, r.path) === key(t.method, t.route))
    assert.is(t.valid !== undefined && t.auth !== 'signature', doc?.body !== undefined, `${t.method} ${t.route}: a valid body exactly when the route has a body codec`)
  }
})

const MARK = 'FUZZ_MARK'

/** The valid body of a target with MARK in one of its string fields (or in an extra field), as JSON text. */
const markedBody = (t: Target, f: Fixture, field: number): string => {
  const body = (t.valid?.(f) ?? {}) as Record<string, unknown>
  const strings = Object.keys(body).filter((k) => typeof body[k] === 'string')
  const name = strings.length > 0 && field < strings.length ? strings[field] as string : 'extra'
  return JSON.stringify({ ...body, [name]: MARK })
}

const splice = (json: string, replacement: Uint8Array | string, quoted: boolean): Uint8Array => {
  const [head, tail] = json.split(quoted ? `"${MARK}"` : MARK) as [string, string]
  return Buffer.concat([Buffer.from(head), Buffer.from(replacement), Buffer.from(tail)])
}

const deep = (depth: number, kind: 'array' | 'object'): string => (kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)

const brokenBytes = (f: Fixture) => (t: Target) => fc.oneof(
  fc.constantFrom(...MALFORMED_JSON).filter((s) => { try { JSON.parse(s); return false } catch { return true } })
    .map((s) => labelled({ label: `malformed ${JSON.stringify(s)}`, bytes: Buffer.from(s), statuses: [400] })),
  fc.tuple(fc.nat(3), fc.constantFrom(...INVALID_UTF8))
    .map(([field, bad]) => labelled({ label: `not UTF-8 ${bad}`, bytes: splice(markedBody(t, f, field), Buffer.concat([Buffer.from('a'), Buffer.from(bad), Buffer.from('b')]), false), statuses: [400] })),
  fc.tuple(fc.nat(3), fc.constantFrom('\\u0000', 'a\\u0000b', '\\ud800', 'x\\udbff', '\\udc00y', '\\udfff\\ud800', '\\u0000\\ud83d\\ude00'))
    .map(([field, bad]) => labelled({ label: `unstorable text ${bad}`, bytes: splice(markedBody(t, f, field), bad, false), statuses: [400] })),
  fc.constantFrom('\\u0000', '\\ud800', 'k\\udfff')
    .map((bad) => labelled({ label: `unstorable key ${bad}`, bytes: splice(markedBody(t, f, 9), `${MARK}", "${bad}": "v`, false), statuses: [400] })),
  fc.tuple(fc.nat(3), fc.integer({ min: 65, max: 20_000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
    .map(([field, depth, kind]) => labelled({ label: `nested ${depth} ${kind}`, bytes: splice(markedBody(t, f, field), deep(depth, kind), true), statuses: [400] })),
  fc.integer({ min: 65, max: 200_000 }).map((depth) => labelled({ label: `a bare nest of ${depth}`, bytes: Buffer.from(deep(depth, 'array')), statuses: [400] })),
  fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 300_000 })).map(([field, extra]) => {
    // Vendor webhooks take up to 5 MiB (GitHub's issue payloads reach 2.5 MB); every other route 1 MiB.
    const limit = t.route === '/api/integrations/{iid}/webhook' ? 5 * 1024 * 1024 : 1024 * 1024
    return labelled({ label: `over ${limit / 1024 / 1024} MiB by ${extra}`, bytes: splice(markedBody(t, f, field), 'x'.repeat(limit + extra), false), statuses: [413] })
  }),
)

it('(a, b, d) broken bytes on every route with a body: 400/413 in the error shape, nothing written', async (ctx) => {
  const targets = TARGETS.filter((t) => BODY_METHODS.has(t.method))
  await refusals(ctx, fc.asyncProperty(
    targetOf(targets).chain((t) => fc.tuple(fc.constant(t), brokenBytes(ctx.f)(t), fc.constantFrom(...CONTENT_TYPES))),
    // Size is checked first (413); then a JSON route wants JSON (415); the vendor webhook takes what vendors send.
    async ([t, c, contentType]) => refused(ctx, t, {
      ...c, contentType,
      ...(c.statuses?.includes(413) || isJsonType(contentType) || t.route === '/api/integrations/{iid}/webhook' ? {} : { statuses: [415] }),
    }),
  ), RUNS.bytes)
})

/** The request schema of a target (its first alternative when the codec is a union), from the OpenAPI document. */
const schemaOf = (t: Target): { properties: Record<string, any>; required: string[] } => {
  const doc = ROUTES.find((r) => key(r.method, r.path) === key(t.method, t.route))
  const schema = toJsonSchema(doc?.body as never) as any
  const object = schema.oneOf ? schema.oneOf[0] : schema
  return { properties: object.properties ?? {}, required: object.required ?? [] }
}

const wrongValues = (f: Fixture) => (t: Target): fc.Arbitrary<{ label: string; body: unknown }> => {
  const valid = t.valid?.(f) as Record<string, unknown>
  const { properties, required } = schemaOf(t)
  const fields = Object.keys(properties)
  return fc.oneof(
    fc.constantFrom(...fields).chain((field) => anyJson.filter((v) => !hasSchemaType(properties[field], v))
      .map((v) => labelled({ label: `${field} = ${JSON.stringify(v)}`, body: { ...valid, [field]: v } }))),
    ...(required.length > 0 ? [fc.constantFrom(...required).map((field) => {
      const { [field]: _, ...rest } = valid
      return labelled({ label: `without ${field}`, body: rest })
    })] : []),
    anyJson.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => labelled({ label: `body ${JSON.stringify(v)}`, body: v })),
    ...(t.badValues && t.badValues.length > 0 ? [fc.constantFrom(...t.badValues).map((bad) => labelled({ label: JSON.stringify(bad).slice(0, 80), body: { ...valid, ...bad } }))] : []),
  )
}

it('(a, b, d) wrong types, missing fields and out-of-range values on every route with a body codec: 4xx, nothing written', async (ctx) => {
  const targets = TARGETS.filter((t) => t.valid !== undefined && t.auth !== 'signature')
  await refusals(ctx, fc.asyncProperty(
    targetOf(targets).chain((t) => fc.tuple(fc.constant(t), wrongValues(ctx.f)(t), fc.boolean())),
    async ([t, c, escaped]) => refused(ctx, t, { label: c.label, bytes: Buffer.from(escaped ? asciiJson(c.body) : JSON.stringify(c.body)), contentType: 'application/json' }),
  ), RUNS.values)
})

/** Path segments that name nothing: malformed, out of range, injections, encoded NUL and surrogates. */
const hostileSegment = fc.oneof(
  fc.constantFrom(
    '0', '-1', '1.5', '1e3', '2147483648', '99999999999999999999', '9'.repeat(15), 'NaN', 'Infinity', '__proto__', 'constructor', 'prototype',
    '1%3BDROP%20TABLE%20tasks', "1'%20OR%20'1'%3D'1", '%00', '1%00', '%ED%A0%80', '%FF', '%3Cscript%3E', '0x10', '%EF%BC%91', '%20%31', '1%20',
    '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-4fff-8fff-ffffffffffff', '%F0%9F%98%80',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
).filter((s) => {
  const decoded = (() => { try { return decodeURIComponent(s) } catch { return s } })()
  // Dot segments are resolved by the client (they would name another route); small integers may exist.
  return !['.', '..'].includes(decoded.toLowerCase().replace(/%2e/g, '.')) && !/^[1-9]\d{0,5}$/.test(decoded)
})

it('(a, b, d) hostile path parameters on every route that has one: 404 in the error shape, nothing written', async (ctx) => {
  const targets = TARGETS.filter((t) => t.route.includes('{'))
  await refusals(ctx, fc.asyncProperty(
    targetOf(targets).chain((t) => fc.tuple(fc.constant(t), fc.constantFrom(...[...t.route.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)), hostileSegment)),
    async ([t, name, segment]) => {
      const bytes = bytesOf(t.valid?.(ctx.f))
      await refused(ctx, t, { label: `${name} = ${segment}`, bytes, path: fill(t, ctx.f, { name, segment }), contentType: 'application/json', statuses: [404] })
    },
  ), RUNS.params)
})

const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).map((s) => s.replace(/[^\x21-\x7e]/g, ''))

it('(a, b, d) bad credentials on every route: 401 in the error shape, nothing written', async (ctx) => {
  const badAuthorization = fc.oneof(
    fc.constant(undefined), fc.constant('Bearer'), fc.constant('Bearer '), fc.constant('Basic Zm9vOmJhcg=='), fc.constant(`Bearer ${'0'.repeat(64)}`),
    fc.constant(`Bearer ${'g'.repeat(64)}`), fc.constant(`bearer ${ctx.f.apiToken}x`), fc.constant(`Bearer ${ctx.f.apiToken.slice(1)}`),
    fc.constantFrom(...ctx.badJwts).map((jwt) => `Bearer ${jwt}`), printable.map((s) => `Bearer ${s}`), printable,
  )
  const badSignature = fc.oneof(
    fc.constant({}), fc.constant({ 'x-hub-signature-256': 'sha256=' }), printable.map((s) => ({ 'x-hub-signature-256': s })),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((h) => ({ 'x-hub-signature-256': `sha256=${h}` })),
    fc.constant('other secret').map((secret) => ({ 'x-hub-signature-256': `sha256=${hmac(secret, bytesOf(issuePayload()))}` })),
  )
  await refusals(ctx, fc.asyncProperty(
    targetOf(TARGETS).chain((t) => fc.tuple(fc.constant(t), badAuthorization, badSignature)),
    async ([t, authorization, signature]) => {
      const bytes = bytesOf(t.valid?.(ctx.f))
      // A JWT route given the project's own API token (or the reverse) is refused too: the kinds do not mix.
      const headers: Record<string, string> = t.auth === 'signature'
        ? { 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), ...signature }
        : authorization === undefined ? {} : { authorization }
      await refused(ctx, t, { label: `${JSON.stringify(headers).slice(0, 120)}`, bytes, headers, contentType: 'application/json', statuses: [401] })
      if (t.auth === 'jwt') await refused(ctx, t, { label: 'an API token as JWT', bytes, headers: { authorization: `Bearer ${ctx.f.apiToken}` }, contentType: 'application/json', statuses: [401] })
    },
  ), RUNS.credentials)
})

it('(a, b) signed vendor webhooks with hostile payloads: answered 200/202 or refused in the error shape, never a 5xx', async (ctx) => {
  const t = TARGETS.find((x) => x.auth === 'signature') as Target
  const field = fc.constantFrom('title', 'body', 'number', 'state', 'state_reason', 'labels', 'html_url', 'updated_at', 'assignee')
  const hostileDate = fc.constantFrom('0000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59-01:00', '0001-01-01T00:00:00+01:00', '2026-02-30T00:00:00Z', '1970-01-01T00:00:00Z')
  await check(fc.asyncProperty(
    fc.array(fc.tuple(field, fc.oneof(anyJson, hostileDate, fc.constant([{ name: 'x'.repeat(51) }]), fc.constant({ login: '\u202e' }))), { maxLength: 3 }),
    fc.constantFrom('issues', 'sub_issues', 'ping', 'push', 'issue_comment', ''), fc.constantFrom('opened', 'edited', 'closed', 'reopened', 'deleted', 'x'),
    async (changes, event, action) => {
      const payload = { ...issuePayload(Object.fromEntries(changes)), action }
      const bytes = Buffer.from(JSON.stringify(payload))
      const answer = await send(ctx.api, 'POST', fill(t, ctx.f), {
        body: bytes, headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmac(ctx.f.secret, bytes)}` },
      })
      const label = `${event} ${JSON.stringify(payload).slice(0, 300)}`
      if (answer.status === 200 || answer.status === 202) assert.type(JSON.parse(answer.text), 'object', label)
      else expectRefusal(answer, label)
    },
  ), RUNS.webhooks)
  await stillServing(ctx)
})

// ---------------------------------------------------------------------------------------------------------------

const json = (body: unknown, escaped: boolean) => (escaped ? asciiJson(body) : JSON.stringify(body))

it('(c) accepted text comes back byte for byte: projects, tasks, tags, audit reasons, agents, tokens, members, task-sync', async (ctx) => {
  const { api, f } = ctx
  const auth = { authorization: `Bearer ${ctx.owner}`, 'content-type': 'application/json' }
  const call = async (method: string, path: string, body: unknown, escaped: boolean, headers: Record<string, string> = auth) => {
    const answer = await send(api, method, path, { body: json(body, escaped), headers })
    assert.ok(answer.status === 200 || answer.status === 201, `${method} ${path} ${json(body, false)} -> ${answer.status} ${answer.text}`)
    return JSON.parse(answer.text)
  }
  const get = async (path: string) => (await api.call('GET', path, { token: ctx.owner })).body
  let n = 0
  await check(fc.asyncProperty(
    fc.record({
      name: text(200), description: text(2000), title: text(500), tags: fc.uniqueArray(text(50), { maxLength: 5 }), reason: text(500),
      agentType: text(100), capabilities: fc.uniqueArray(text(50), { maxLength: 3 }), userId: text(80), externalId: text(200), escaped: fc.boolean(),
    }),
    async (v) => {
      n += 1
      const project = await call('PUT', `/api/projects/${f.pid}`, { name: v.name, description: v.description }, v.escaped)
      assert.equal([project.name, project.description], [v.name, v.description])
      assert.equal((({ name, description }) => [name, description])(await get(`/api/projects/${f.pid}`)), [v.name, v.description])
      assert.equal((await api.sql('select name, description from projects where id = ?', [f.pid]))[0], { name: v.name, description: v.description })

      const created = await call('POST', `/api/projects/${f.pid}/tasks`, { title: v.title, description: v.description, tags: v.tags }, v.escaped)
      const task = await get(`/api/tasks/${created.id}`)
      assert.equal([task.title, task.description, task.tags], [v.title, v.description, v.tags])
      assert.equal((await api.sql('select title, description, tags from tasks where id = ?', [created.id]))[0], { title: v.title, description: v.description, tags: v.tags })

      await call('PATCH', `/api/tasks/${created.id}/status`, { status: 'in_progress', reason: v.reason }, v.escaped)
      const audit = await get(`/api/tasks/${created.id}/audit`)
      assert.is(audit.items[audit.items.length - 1].details.reason, v.reason)

      const agent = await call('PUT', `/api/workers/agents/${f.agent}`, { name: v.name, agent_type: v.agentType, capabilities: v.capabilities }, v.escaped)
      // An agent's name is the one text that is trimmed (on registration and on update alike, as JS trims).
      assert.equal([agent.name, agent.agent_type, agent.capabilities], [v.name.trim(), v.agentType, v.capabilities])
      const stored = await get(`/api/workers/agents/${f.agent}`)
      assert.equal([stored.name, stored.agent_type, stored.capabilities], [v.name.trim(), v.agentType, v.capabilities])

      const issued = await call('POST', `/api/projects/${f.pid}/api-tokens`, { name: v.name }, v.escaped)
      const tokens = await get(`/api/projects/${f.pid}/api-tokens?limit=200`)
      assert.is(tokens.items.find((x: any) => x.id === issued.id)?.name ?? (await api.sql('select name from api_tokens where id = ?', [issued.id]))[0].name, v.name)

      const userId = `${v.userId}#${n}`
      const member = await call('POST', `/api/projects/${f.pid}/members`, { user_id: userId, name: v.name, role: 'viewer' }, v.escaped)
      // The display name given with a new member is the one text the domain normalizes: trimmed (blank: the user id).
      assert.equal([member.user_id, member.name], [userId, v.name.trim()])

      const externalId = `${v.externalId}#${n}`
      const synced = await call('POST', `/api/projects/${f.pid}/task-sync`, { source: 'custom', external_id: externalId, name: v.title, description: v.description, labels: v.tags }, v.escaped, { authorization: `Bearer ${f.apiToken}`, 'content-type': 'application/json' })
      const syncedTask = await get(`/api/tasks/${synced.task_id}`)
      assert.equal([syncedTask.title, syncedTask.description, syncedTask.tags, syncedTask.external_links[0]?.external_id], [v.title, v.description, v.tags, externalId])
    },
  ), RUNS.roundTrip)
  await stillServing(ctx)
})

// ---------------------------------------------------------------------------------------------------------------
// Regressions: what the fuzzing found, one request each.

const jsonBytes = (ctx: Ctx, method: string, path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  send(ctx.api, method, path, { body, headers: { authorization: `Bearer ${ctx.owner}`, 'content-type': 'application/json', ...headers } })

const taskCount = async (ctx: Ctx) => (await ctx.api.sql('select count(*)::int as n from tasks'))[0].n

it('regression: NUL in text was a 503 (the statement broke the connection), a lone surrogate was stored as U+FFFD: now 400', async (ctx) => {
  const before = await taskCount(ctx)
  for (const [raw, path] of [['{"title":"a\\u0000b"}', 'title'], ['{"title":"ok","tags":["x\\u0000"]}', 'tags.0'], ['{"title":"a\\ud800b"}', 'title'], ['{"title":"\\udc00"}', 'title']] as const) {
    const body = expectRefusal(await jsonBytes(ctx, 'POST', `/api/projects/${ctx.f.pid}/tasks`, raw), raw, [400])
    assert.equal(body.errors, [{ path, message: 'must not contain NUL characters or unpaired surrogates' }])
  }
  const pair = await jsonBytes(ctx, 'POST', `/api/projects/${ctx.f.pid}/tasks`, '{"title":"\\ud83d\\ude00"}')
  assert.is(pair.status, 201, 'a surrogate pair is one character, and fine')
  assert.is(JSON.parse(pair.text).title, '😀')
  assert.is(await taskCount(ctx), before + 1)
})

it('regression: a NUL in a status_map key was a 500 (jsonb refuses \\u0000): now 400', async (ctx) => {
  const body = expectRefusal(await jsonBytes(ctx, 'POST', `/api/projects/${ctx.f.pid}/api-tokens`, '{"name":"n","status_map":{"a\\u0000":"pending"}}'), 'status_map', [400])
  assert.equal(body.errors, [{ path: 'status_map', message: 'keys must not contain NUL characters or unpaired surrogates' }])
})

it('regression: bytes that are not UTF-8 were stored as U+FFFD: now 400', async (ctx) => {
  const before = await taskCount(ctx)
  const raw = Buffer.concat([Buffer.from('{"title":"a'), Buffer.from([0xff, 0xc0, 0x80]), Buffer.from('"}')])
  const body = expectRefusal(await jsonBytes(ctx, 'POST', `/api/projects/${ctx.f.pid}/tasks`, raw), 'not UTF-8', [400])
  assert.equal(body.errors, [{ path: 'body', message: 'must be UTF-8' }])
  assert.is(await taskCount(ctx), before)
})

it('regression: nesting deeper than 64 levels is refused naming the field (10,000 levels were accepted into settings)', async (ctx) => {
  const nest = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`
  const raw = (depth: number) => `{"type":"linear","access_token":"x","settings":{"team_id":"T","deep":${nest(depth)}}}`
  const body = expectRefusal(await jsonBytes(ctx, 'POST', `/api/projects/${ctx.f.pid}/integrations`, raw(10_000)), 'deep', [400])
  assert.match(body.detail, /^settings\.deep(\.0)*: must not be nested more than 64 levels deep$/)
  const shallow = await jsonBytes(ctx, 'POST', `/api/projects/${ctx.f.pid}/integrations`, raw(20))
  assert.is(shallow.status, 201, shallow.text)
  await ctx.api.call('DELETE', `/api/projects/${ctx.f.pid}/integrations/${JSON.parse(shallow.text).id}`, { token: ctx.owner })
})

it('regression: ids beyond PostgreSQL int were a 500 (path, body and query): now 404 / 400', async (ctx) => {
  for (const path of [`/api/tasks/2147483648/status`, `/api/projects/2147483648`, `/api/projects/${ctx.f.pid}/members/999999999999999`]) {
    expectRefusal(await jsonBytes(ctx, path.endsWith('status') ? 'PATCH' : 'PUT', path, '{"status":"in_progress","name":"x","role":"admin"}'), path, [404, 405])
  }
  const assign = expectRefusal(await jsonBytes(ctx, 'PATCH', `/api/tasks/${ctx.f.task}/assign`, '{"assignee_id":2147483648}'), 'assign', [400])
  assert.equal(assign.errors, [{ path: 'assignee_id', message: 'must be an id (an integer from 1 to 2147483647)' }])
  expectRefusal(await jsonBytes(ctx, 'PATCH', `/api/tasks/${ctx.f.task}/assign`, '{"assignee_id":1e300}'), '1e300', [400])
  const filter = await send(ctx.api, 'GET', `/api/projects/${ctx.f.pid}/tasks?assignee_id=2147483648`, { headers: { authorization: `Bearer ${ctx.owner}` } })
  expectRefusal(filter, 'assignee filter', [400])
})

it('regression: a task-sync updated_at in year 0 or after 9999 was a 500, 2026-02-30 was read as March 2: now 400; a vendor date out of range is ignored', async (ctx) => {
  for (const updatedAt of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:30:00-01:00', '2026-02-30T10:00:00Z', '2025-02-29T00:00:00Z']) {
    const res = await send(ctx.api, 'POST', `/api/projects/${ctx.f.pid}/task-sync`, {
      body: JSON.stringify({ source: 'custom', external_id: 'year-0', name: 'n', updated_at: updatedAt }),
      headers: { authorization: `Bearer ${ctx.f.apiToken}`, 'content-type': 'application/json' },
    })
    const body = expectRefusal(res, updatedAt, [400])
    assert.is(body.errors[0].path, 'updated_at')
  }
  const payload = Buffer.from(JSON.stringify(issuePayload({ number: 4242, updated_at: '0000-01-01T00:00:00Z' })))
  const hook = await send(ctx.api, 'POST', `/api/integrations/${ctx.f.integration}/webhook`, {
    body: payload,
    headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmac(ctx.f.secret, payload)}` },
  })
  assert.is(hook.status, 200, hook.text)
  const [link] = await ctx.api.sql(`select source_updated_at from external_links where external_id = 'acme/app#4242'`)
  assert.is(link.source_updated_at, null)
})

it('regression: a NUL in a query string was a 503: now 400', async (ctx) => {
  const res = await send(ctx.api, 'GET', `/api/projects/${ctx.f.pid}/tasks?q=a%00b`, { headers: { authorization: `Bearer ${ctx.owner}` } })
  const body = expectRefusal(res, 'q', [400])
  assert.equal(body.errors, [{ path: 'q', message: 'must not contain NUL characters or unpaired surrogates' }])
})

it('regression: a JSON null body was read as {} (200 on routes whose fields are all optional): now 400 like []', async (ctx) => {
  for (const path of [`/api/projects/${ctx.f.pid}`, `/api/tasks/${ctx.f.task}`, `/api/workers/agents/${ctx.f.agent}`]) {
    const body = expectRefusal(await jsonBytes(ctx, 'PUT', path, 'null'), path, [400])
    assert.is(body.errors[0].path, 'body')
  }
  const empty = await send(ctx.api, 'PUT', `/api/projects/${ctx.f.pid}`, { headers: { authorization: `Bearer ${ctx.owner}` } })
  assert.is(empty.status, 200, 'an empty body is still {}')
})

it('regression: a task-sync refused for its body recorded the use of the token (a write by a refused request)', async (ctx) => {
  const issued = (await ctx.api.call('POST', `/api/projects/${ctx.f.pid}/api-tokens`, { token: ctx.owner, body: { name: 'unused' } })).body
  const res = await send(ctx.api, 'POST', `/api/projects/${ctx.f.pid}/task-sync`, { body: '{"source":"svn"}', headers: { authorization: `Bearer ${issued.token}`, 'content-type': 'application/json' } })
  expectRefusal(res, 'bad body', [400])
  assert.equal(await ctx.api.sql('select last_used_at from api_tokens where id = ?', [issued.id]), [{ last_used_at: null }])
})

it.run()
