// The REST contract over real HTTP: a listening Koa server on 127.0.0.1, PostgreSQL, a loopback JWKS server.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expectError, startApi, type ApiServer } from '../../support/http.js'

const it = suite<{ api: ApiServer }>('REST API')

it.before(async (ctx) => {
  ctx.api = await startApi()
})
it.after(async (ctx) => {
  await ctx.api.stop()
})

const isError = expectError

it('health and readiness', async ({ api }) => {
  assert.equal((await api.call('GET', '/health')).body, { status: 'ok' })
  assert.equal((await api.call('GET', '/health/ready')).body, { status: 'ready', database: 'ok' })
})

it('authentication: missing, expired, bad signature, alg none, wrong audience or issuer -> 401', async ({ api }) => {
  isError(await api.call('GET', '/api/projects'), 401, 'unauthorized')
  isError(await api.call('GET', '/api/projects', { token: await api.jwks.sign({ sub: 'x' }, { expiresIn: '-1m' }) }), 401, 'unauthorized')
  isError(await api.call('GET', '/api/projects', { token: await api.jwks.sign({ sub: 'x' }, { foreignKey: true }) }), 401, 'unauthorized')
  isError(await api.call('GET', '/api/projects', { token: await api.jwks.sign({ sub: 'x' }, { audience: 'other' }) }), 401, 'unauthorized')
  isError(await api.call('GET', '/api/projects', { token: await api.jwks.sign({ sub: 'x' }, { issuer: 'https://evil' }) }), 401, 'unauthorized')
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', aud: 'taskport', iss: 'https://sso.test', exp: 9_999_999_999 })).toString('base64url')}.`
  isError(await api.call('GET', '/api/projects', { token: none }), 401, 'unauthorized')
  isError(await api.call('GET', '/api/projects', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized')
})

it('the first request provisions the user and a Default project', async ({ api }) => {
  const res = await api.call('GET', '/api/projects', { as: 'sarah' })
  assert.is(res.status, 200)
  assert.is(res.body.items.length, 1)
  assert.is(res.body.items[0].name, 'Default')
  assert.is(res.body.items[0].owner_id, 'sarah')
  assert.is(res.body.next_cursor, null)
})

it('projects: create, read, update, the error codes, trailing slashes', async ({ api }) => {
  const created = await api.call('POST', '/api/projects/', { as: 'alice', body: { slug: 'task-flow', name: 'TaskFlow', unknown_field: 1 } })
  assert.is(created.status, 201, JSON.stringify(created.body))
  assert.equal(Object.keys(created.body).sort(), ['created_at', 'description', 'id', 'key', 'member_count', 'name', 'owner_id', 'slug', 'task_count', 'updated_at'])
  assert.is(created.body.key, 'TF')
  const id = created.body.id
  isError(await api.call('POST', '/api/projects', { as: 'alice', body: { slug: 'task-flow', name: 'x' } }), 409, 'conflict')
  const bad = await api.call('POST', '/api/projects', { as: 'alice', body: { slug: 'Bad Slug', name: 42 } })
  isError(bad, 400, 'validation_error')
  assert.equal(bad.body.errors.map((e: any) => e.path), ['name'])
  const badSlug = await api.call('POST', '/api/projects', { as: 'alice', body: { slug: 'Bad Slug', name: 'x' } })
  isError(badSlug, 400, 'validation_error')
  assert.equal(badSlug.body.errors, [{ path: 'slug', message: 'must match ^[a-z0-9][a-z0-9-]{1,62}$' }])
  isError(await api.call('GET', `/api/projects/${id}`, { as: 'mallory' }), 404, 'not_found')
  isError(await api.call('GET', '/api/projects/abc', { as: 'alice' }), 404, 'not_found')
  const updated = await api.call('PUT', `/api/projects/${id}/`, { as: 'alice', body: { description: 'the app' } })
  assert.is(updated.body.description, 'the app')
  isError(await api.call('POST', '/api/projects', { as: 'alice', raw: '{"slug": ' }), 400, 'validation_error')
  isError(await api.call('POST', '/api/projects', { as: 'alice', raw: JSON.stringify({ slug: 'big', name: 'x'.repeat(1024 * 1024) }) }), 413, 'payload_too_large')
  isError(await api.call('GET', '/api/nothing-here', { as: 'alice' }), 404, 'not_found')
  isError(await api.call('PATCH', '/api/projects', { as: 'alice', body: {} }), 405, 'method_not_allowed')
  assert.ok((await api.call('GET', '/health')).headers.get('x-request-id'))
})

it('roles over HTTP: viewer 403, member only own tasks, owner-only delete', async ({ api }) => {
  const pid = (await api.call('POST', '/api/projects', { as: 'olivia', body: { slug: 'roles', name: 'Roles' } })).body.id
  await api.call('GET', '/api/projects', { as: 'vera' })
  await api.call('GET', '/api/projects', { as: 'max' })
  assert.is((await api.call('POST', `/api/projects/${pid}/members`, { as: 'olivia', body: { user_id: 'vera', role: 'viewer' } })).status, 201)
  const max = await api.call('POST', `/api/projects/${pid}/members`, { as: 'olivia', body: { user_id: 'max' } })
  assert.is(max.body.role, 'member')
  isError(await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'vera', body: { title: 'x' } }), 403, 'forbidden')
  const task = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'max', body: { title: 'mine' } })
  assert.is(task.status, 201)
  isError(await api.call('PUT', `/api/tasks/${task.body.id}`, { as: 'max', body: { title: 'x' } }), 403, 'forbidden')
  assert.is((await api.call('PATCH', `/api/tasks/${task.body.id}/assign`, { as: 'olivia', body: { assignee_id: max.body.worker_id } })).status, 200)
  assert.is((await api.call('PUT', `/api/tasks/${task.body.id}`, { as: 'max', body: { title: 'now mine' } })).status, 200)
  isError(await api.call('DELETE', `/api/projects/${pid}`, { as: 'max' }), 403, 'forbidden')
  isError(await api.call('DELETE', `/api/projects/${pid}`, { as: 'olivia' }), 409, 'conflict')
  assert.is((await api.call('DELETE', `/api/projects/${pid}?force=true`, { as: 'olivia' })).status, 204)
})

it('tasks and the workflow: create, filters, detail, transitions, If-Match, assignment errors, audit', async ({ api }) => {
  const pid = (await api.call('POST', '/api/projects', { as: 'alice', body: { slug: 'flow', name: 'Flow' } })).body.id
  const t = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'alice', body: { title: 'Ship', tags: ['api'], priority: 'high', due_date: '2026-12-01', story_points: 3 } })
  assert.is(t.status, 201, JSON.stringify(t.body))
  assert.is(t.body.short_id, 'FLOW-1')
  assert.equal(t.body.external_links, [])
  const sub = await api.call('POST', `/api/tasks/${t.body.id}/subtasks`, { as: 'alice', body: { title: 'Write docs' } })
  assert.is(sub.body.parent_task_id, t.body.id)
  const list = await api.call('GET', `/api/projects/${pid}/tasks?parent_id=none&tag=api&priority=high&limit=1`, { as: 'alice' })
  assert.equal(list.body.items.map((x: any) => x.id), [t.body.id])
  isError(await api.call('GET', `/api/projects/${pid}/tasks?status=nope`, { as: 'alice' }), 400, 'validation_error')
  isError(await api.call('GET', `/api/projects/${pid}/tasks?limit=500`, { as: 'alice' }), 400, 'validation_error')
  const bad = await api.call('PATCH', `/api/tasks/${t.body.id}/status`, { as: 'alice', body: { status: 'review' } })
  isError(bad, 400, 'invalid_transition')
  assert.equal(bad.body.allowed, ['in_progress', 'blocked', 'backlog', 'cancelled'])
  isError(await api.call('PATCH', `/api/tasks/${t.body.id}/status`, { as: 'alice', body: { status: 'in_progress' }, headers: { 'if-match': '"7"' } }), 412, 'precondition_failed')
  const started = await api.call('PATCH', `/api/tasks/${t.body.id}/status`, { as: 'alice', body: { status: 'in_progress' }, headers: { 'if-match': '"1"' } })
  assert.is(started.body.version, 2)
  assert.type(started.body.started_at, 'string')
  const progress = await api.call('PATCH', `/api/tasks/${sub.body.id}/progress`, { as: 'alice', body: { percent: 50 } })
  isError(progress, 400, 'domain_rule_violation')
  isError(await api.call('PATCH', `/api/tasks/${t.body.id}/assign`, { as: 'alice', body: { assignee_id: 999999 } }), 400, 'domain_rule_violation')
  const cycle = await api.call('PUT', `/api/tasks/${t.body.id}`, { as: 'alice', body: { parent_task_id: sub.body.id } })
  isError(cycle, 400, 'domain_rule_violation')
  assert.is(cycle.body.detail, 'Circular reference detected')
  await api.call('PATCH', `/api/tasks/${t.body.id}/status`, { as: 'alice', body: { status: 'review' } })
  isError(await api.call('POST', `/api/tasks/${t.body.id}/reject`, { as: 'alice', body: {} }), 400, 'validation_error')
  assert.is((await api.call('POST', `/api/tasks/${t.body.id}/approve`, { as: 'alice' })).body.status, 'completed')
  const detail = await api.call('GET', `/api/tasks/${t.body.id}`, { as: 'alice' })
  assert.equal(detail.body.subtasks.map((s: any) => s.id), [sub.body.id])
  assert.is(detail.body.recent_audit[0].action, 'approved')
  const audit = await api.call('GET', `/api/tasks/${t.body.id}/audit`, { as: 'alice' })
  assert.equal(audit.body.items.map((e: any) => e.action), ['created', 'status_changed', 'status_changed', 'approved'])
  assert.is(audit.body.items[1].actor_type, 'human')
  const projectAudit = await api.call('GET', `/api/projects/${pid}/audit?action=approved`, { as: 'alice' })
  assert.is(projectAudit.body.items.length, 1)
  isError(await api.call('GET', `/api/projects/${pid}/audit?action=bogus`, { as: 'alice' }), 400, 'validation_error')
  assert.ok((await api.call('GET', '/api/audit', { as: 'alice' })).body.items.length > 0)
  isError(await api.call('DELETE', `/api/tasks/${t.body.id}`, { as: 'alice' }), 409, 'conflict')
  assert.is((await api.call('DELETE', `/api/tasks/${t.body.id}?force=true`, { as: 'alice' })).status, 204)
})

it('agents: registered by humans, added to projects, acting with their own token', async ({ api }) => {
  const agent = await api.call('POST', '/api/workers/agents', { as: 'alice', body: { handle: '@claude-code', agent_type: 'claude', capabilities: ['code'] } })
  assert.is(agent.status, 201, JSON.stringify(agent.body))
  isError(await api.call('POST', '/api/workers/agents', { as: 'alice', body: { handle: '@claude-code', agent_type: 'x' } }), 409, 'conflict')
  const pid = (await api.call('POST', '/api/projects', { as: 'alice', body: { slug: 'bots', name: 'Bots' } })).body.id
  const member = await api.call('POST', `/api/projects/${pid}/members`, { as: 'alice', body: { agent_id: agent.body.id } })
  assert.is(member.body.type, 'agent')
  const task = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'alice', body: { title: 'for the bot', assignee_id: agent.body.id } })
  assert.is(task.body.assignee_handle, '@claude-code')
  const botToken = await api.jwks.sign({ sub: '@claude-code', actor_type: 'agent' })
  const moved = await api.call('PATCH', `/api/tasks/${task.body.id}/status`, { token: botToken, body: { status: 'in_progress' } })
  assert.is(moved.status, 200, JSON.stringify(moved.body))
  const audit = await api.call('GET', `/api/tasks/${task.body.id}/audit`, { as: 'alice' })
  assert.equal(audit.body.items[1].actor_type, 'agent')
  isError(await api.call('GET', '/api/projects', { token: await api.jwks.sign({ sub: '@ghost', actor_type: 'agent' }) }), 401, 'unauthorized')
  assert.is((await api.call('GET', `/api/workers/agents/${agent.body.id}`, { as: 'bob' })).body.handle, '@claude-code')
  isError(await api.call('DELETE', `/api/workers/agents/${agent.body.id}`, { as: 'bob' }), 403, 'forbidden')
  assert.is((await api.call('DELETE', `/api/workers/agents/${agent.body.id}`, { as: 'alice' })).status, 204)
})

it('JWKS outage: cached keys keep working; an unknown key with the endpoint down is 503', async ({ api }) => {
  assert.is((await api.call('GET', '/api/projects', { as: 'alice' })).status, 200)
  api.jwks.up = false
  const before = api.jwks.requests
  assert.is((await api.call('GET', '/api/projects', { as: 'alice' })).status, 200)
  assert.is(api.jwks.requests, before, 'cached keys are used without asking the endpoint')
  const unknown = await api.call('GET', '/api/projects', { token: await api.jwks.sign({ sub: 'alice' }, { kid: 'rotated' }) })
  isError(unknown, 503, 'service_unavailable')
  assert.is(unknown.body.detail, 'Authentication service unavailable')
  assert.ok(unknown.headers.get('retry-after'))
  api.jwks.up = true
})

it('members and agents over HTTP: change a role, remove a member, update and list agents', async ({ api }) => {
  const pid = (await api.call('POST', '/api/projects', { as: 'owen', body: { slug: 'members-http', name: 'M' } })).body.id
  await api.call('GET', '/api/projects', { as: 'mia' })
  const mia = (await api.call('POST', `/api/projects/${pid}/members`, { as: 'owen', body: { user_id: 'mia', email: 'mia@example.com' } })).body
  const promoted = await api.call('PATCH', `/api/projects/${pid}/members/${mia.worker_id}/`, { as: 'owen', body: { role: 'admin' } })
  assert.is(promoted.body.role, 'admin')
  isError(await api.call('PATCH', `/api/projects/${pid}/members/${mia.worker_id}`, { as: 'owen', body: { role: 'emperor' } }), 400, 'validation_error')
  isError(await api.call('PATCH', `/api/projects/${pid}/members/999999`, { as: 'owen', body: { role: 'viewer' } }), 404, 'not_found')
  const owner = (await api.call('GET', `/api/projects/${pid}/members`, { as: 'owen' })).body.items.find((m: any) => m.role === 'owner')
  isError(await api.call('DELETE', `/api/projects/${pid}/members/${owner.worker_id}`, { as: 'mia' }), 400, 'domain_rule_violation')
  assert.is((await api.call('DELETE', `/api/projects/${pid}/members/${mia.worker_id}`, { as: 'owen' })).status, 204)
  isError(await api.call('GET', `/api/projects/${pid}`, { as: 'mia' }), 404, 'not_found')
  const agent = (await api.call('POST', '/api/workers/agents', { as: 'owen', body: { handle: '@http-bot', agent_type: 'x' } })).body
  assert.is((await api.call('PUT', `/api/workers/agents/${agent.id}`, { as: 'owen', body: { name: 'HTTP bot', capabilities: ['a'] } })).body.name, 'HTTP bot')
  const list = await api.call('GET', '/api/workers/agents?limit=200', { as: 'owen' })
  assert.ok(list.body.items.some((a: any) => a.handle === '@http-bot'))
})

it('CORS preflight is answered; responses carry the CORS header', async ({ api }) => {
  const res = await fetch(`${api.base}/api/projects`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } })
  assert.is(res.status, 204)
  assert.match(res.headers.get('access-control-allow-headers') ?? '', 'Authorization')
  assert.is((await api.call('GET', '/health')).headers.get('access-control-allow-origin'), '*')
})

it.run()
