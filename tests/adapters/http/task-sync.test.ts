// API tokens and inbound task-sync over real HTTP on PostgreSQL: the contract's "API tokens" and "Inbound
// task-sync" sections end to end.
import { createHash } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expectError, startApi, type ApiServer } from '../../support/http.js'

interface Ctx {
  api: ApiServer
  pid: number
  token: string
  tokenId: string
}

const it = suite<Ctx>('API tokens and task-sync over HTTP')

it.before(async (ctx) => {
  // The limit has its own suite: here it must not get in the way of the 50 concurrent pushes.
  ctx.api = await startApi({ rateLimit: { max: 100_000 } })
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'ada', body: { slug: 'sync-http', name: 'Sync', key: 'SY' } })).body.id
  const created = await ctx.api.call('POST', `/api/projects/${ctx.pid}/api-tokens`, { as: 'ada', body: { name: 'jira', status_map: { 'In Review': 'review' } } })
  ctx.token = created.body.token
  ctx.tokenId = created.body.id
})
it.after(async (ctx) => {
  await ctx.api.stop()
})

const isError = expectError

const push = (api: ApiServer, pid: number, token: string | undefined, body: unknown, path = `/api/projects/${pid}/task-sync`) =>
  api.call('POST', path, { body, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) })

const task = async (api: ApiServer, id: number) => (await api.call('GET', `/api/tasks/${id}`, { as: 'ada' })).body

it('API tokens: admin+ creates one (64 hex, shown once, only its SHA-256 stored), lists and revokes', async ({ api, pid }) => {
  const created = await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'ada', body: { name: 'ci', status_map: { Shipped: 'completed' } } })
  assert.is(created.status, 201, JSON.stringify(created.body))
  assert.equal(Object.keys(created.body).sort(), ['created_at', 'id', 'name', 'status_map', 'token'])
  assert.match(created.body.token, /^[0-9a-f]{64}$/)
  assert.match(created.body.id, /^[0-9a-f-]{36}$/)
  assert.equal(created.body.status_map, { shipped: 'completed' })
  assert.is(created.headers.get('cache-control'), 'no-store')

  const stored = await api.sql('select token_hash from api_tokens where id = ?', [created.body.id])
  assert.equal(stored.map((r) => r.token_hash), [createHash('sha256').update(created.body.token).digest('hex')])
  const anywhere = await api.sql('select count(*)::int as n from api_tokens where token_hash = ? or name = ?', [created.body.token, created.body.token])
  assert.is(anywhere[0].n, 0)

  const list = await api.call('GET', `/api/projects/${pid}/api-tokens/`, { as: 'ada' })
  assert.is(list.status, 200)
  const listed = list.body.items.find((t: any) => t.id === created.body.id)
  assert.equal(Object.keys(listed).sort(), ['created_at', 'id', 'last_used_at', 'name', 'revoked_at', 'status_map'])
  const text = JSON.stringify(list.body)
  assert.not.ok(text.includes(created.body.token), 'the token is never listed')
  assert.not.ok(text.includes(stored[0].token_hash), 'nor its hash')

  assert.is((await api.call('DELETE', `/api/projects/${pid}/api-tokens/${created.body.id}`, { as: 'ada' })).status, 204)
  assert.is((await api.call('DELETE', `/api/projects/${pid}/api-tokens/${created.body.id}`, { as: 'ada' })).status, 204, 'revoking twice is fine')
  const after = await api.call('GET', `/api/projects/${pid}/api-tokens`, { as: 'ada' })
  assert.type(after.body.items.find((t: any) => t.id === created.body.id).revoked_at, 'string')
  isError(await push(api, pid, created.body.token, { source: 'jira', external_id: 'R-1', name: 'r' }), 401, 'unauthorized')
})

it('API tokens: roles, unknown ids and bad status maps', async ({ api, pid }) => {
  await api.call('POST', `/api/projects/${pid}/members`, { as: 'ada', body: { user_id: 'mo', role: 'member' } })
  isError(await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'mo', body: { name: 'x' } }), 403, 'forbidden')
  isError(await api.call('GET', `/api/projects/${pid}/api-tokens`, { as: 'mo' }), 403, 'forbidden')
  isError(await api.call('GET', `/api/projects/${pid}/api-tokens`, { as: 'stranger' }), 404, 'not_found')
  isError(await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'stranger', body: { name: 'x' } }), 404, 'not_found')
  isError(await api.call('DELETE', `/api/projects/${pid}/api-tokens/00000000-0000-4000-8000-000000000000`, { as: 'ada' }), 404, 'not_found')
  isError(await api.call('DELETE', `/api/projects/${pid}/api-tokens/not-a-uuid`, { as: 'ada' }), 404, 'not_found')
  const bad = await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'ada', body: { name: 'x', status_map: { Done: 'finished' } } })
  isError(bad, 400, 'validation_error')
  assert.equal(bad.body.errors.map((e: any) => e.path), ['status_map.Done'])
  const typed = await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'ada', body: { name: 'x', status_map: { Done: 3 } } })
  isError(typed, 400, 'validation_error')
  isError(await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'ada', body: { name: '' } }), 400, 'validation_error')
})

it('task-sync creates (201) then updates (200) by (source, external_id); labels become tags', async ({ api, pid, token }) => {
  const body = {
    source: 'jira', external_id: 'PROJ-123', name: 'Import orders', description: 'from Jira', story_points: 3,
    labels: ['backend', 'api'], external_url: 'https://jira.example.com/browse/PROJ-123', unknown: 'ignored',
  }
  const created = await push(api, pid, token, body, `/api/projects/${pid}/task-sync/`)
  assert.is(created.status, 201, JSON.stringify(created.body))
  assert.equal(Object.keys(created.body).sort(), ['created', 'short_id', 'task_id', 'warnings'])
  assert.is(created.body.created, true)
  assert.equal(created.body.warnings, [])
  assert.match(created.body.short_id, /^SY-\d+$/)
  const t = await task(api, created.body.task_id)
  assert.is(t.title, 'Import orders')
  assert.is(t.status, 'backlog')
  assert.equal(t.tags, ['backend', 'api'])
  assert.is(t.story_points, 3)
  assert.equal(t.external_links, [{ source: 'jira', external_id: 'PROJ-123', external_url: 'https://jira.example.com/browse/PROJ-123' }])

  const again = await push(api, pid, token, body)
  assert.is(again.status, 200)
  assert.equal(again.body, { task_id: created.body.task_id, short_id: created.body.short_id, created: false, warnings: [] })
  assert.is((await task(api, created.body.task_id)).version, t.version, 'an identical push changes nothing')

  const renamed = await push(api, pid, token, { ...body, name: 'Import all orders', labels: ['backend'] })
  assert.is(renamed.status, 200)
  const audit = (await api.call('GET', `/api/tasks/${created.body.task_id}/audit`, { as: 'ada' })).body.items
  const synced = audit.find((e: any) => e.action === 'synced')
  assert.is(synced.actor_type, 'api_token')
  assert.equal(synced.details.before, { title: 'Import orders', tags: ['backend', 'api'] })
  assert.equal(synced.details.after, { title: 'Import all orders', tags: ['backend'] })

  const otherSource = await push(api, pid, token, { ...body, source: 'linear' })
  assert.is(otherSource.status, 201, 'the same external id from another source is another task')
})

it('task-sync statuses: default and per-token maps ignore case, override the workflow, are audited; unmapped -> warning', async ({ api, pid, token }) => {
  const created = await push(api, pid, token, { source: 'custom', external_id: 'S-1', name: 's', status: 'TODO' })
  assert.is(created.status, 201)
  assert.is((await task(api, created.body.task_id)).status, 'pending', 'created in the mapped status')

  const done = await push(api, pid, token, { source: 'custom', external_id: 'S-1', name: 's', status: 'Done' })
  assert.equal(done.body.warnings, [])
  const completed = await task(api, created.body.task_id)
  assert.is(completed.status, 'completed', 'pending -> completed is not a workflow step, but the source is the truth')
  const audit = (await api.call('GET', `/api/tasks/${created.body.task_id}/audit`, { as: 'ada' })).body.items
  const statusSynced = audit.find((e: any) => e.action === 'status_synced')
  assert.equal(statusSynced.details.before.status, 'pending')
  assert.equal(statusSynced.details.after.status, 'completed')

  await push(api, pid, token, { source: 'custom', external_id: 'S-1', name: 's', status: 'in review' })
  assert.is((await task(api, created.body.task_id)).status, 'review', 'the token map')

  const unmapped = await push(api, pid, token, { source: 'custom', external_id: 'S-1', name: 's', status: 'Waiting for QA' })
  assert.is(unmapped.status, 200)
  assert.equal(unmapped.body.warnings, ['status "Waiting for QA" is not mapped; status left as review'])
  assert.is((await task(api, created.body.task_id)).status, 'review')
})

it('task-sync assignees: members by email ignoring case; others pending until a member with that email joins', async ({ api, pid, token }) => {
  const ada = (await api.call('GET', `/api/projects/${pid}/members`, { as: 'ada' })).body.items.find((m: any) => m.user_id === 'ada')
  const known = await push(api, pid, token, { source: 'jira', external_id: 'A-1', name: 'a', assignee_email: 'ADA@Example.com' })
  assert.is((await task(api, known.body.task_id)).assignee_id, ada.worker_id)

  const pending = await push(api, pid, token, { source: 'jira', external_id: 'A-2', name: 'b', assignee_email: 'zoe@example.com' })
  assert.is(pending.status, 201)
  assert.equal(pending.body.warnings, ['assignee zoe@example.com is not a member of this project; assignment pending until they are added'])
  assert.is((await task(api, pending.body.task_id)).assignee_id, null)
  const stored = await api.sql('select pending_assignee_email from external_links where task_id = ?', [pending.body.task_id])
  assert.is(stored[0].pending_assignee_email, 'zoe@example.com')

  const zoe = await api.call('POST', `/api/projects/${pid}/members`, { as: 'ada', body: { user_id: 'zoe', email: 'Zoe@example.com' } })
  assert.is(zoe.status, 201, JSON.stringify(zoe.body))
  assert.is((await task(api, pending.body.task_id)).assignee_id, zoe.body.worker_id)

  await push(api, pid, token, { source: 'jira', external_id: 'A-2', name: 'b', assignee_email: null })
  assert.is((await task(api, pending.body.task_id)).assignee_id, null, 'null unassigns')
})

it('task-sync parents: known parent -> subtask; unknown -> attached when it arrives; never a cycle', async ({ api, pid, token }) => {
  const epic = await push(api, pid, token, { source: 'linear', external_id: 'EPIC-1', name: 'epic' })
  const child = await push(api, pid, token, { source: 'linear', external_id: 'C-1', name: 'child', parent_external_id: 'EPIC-1' })
  assert.is((await task(api, child.body.task_id)).parent_task_id, epic.body.task_id)

  const orphan = await push(api, pid, token, { source: 'linear', external_id: 'C-2', name: 'orphan', parent_external_id: 'EPIC-2' })
  assert.equal(orphan.body.warnings, ['parent EPIC-2 not found; the task stays top-level until the parent arrives'])
  assert.is((await task(api, orphan.body.task_id)).parent_task_id, null)
  const late = await push(api, pid, token, { source: 'linear', external_id: 'EPIC-2', name: 'late epic' })
  assert.is((await task(api, orphan.body.task_id)).parent_task_id, late.body.task_id)
  assert.equal((await task(api, late.body.task_id)).subtasks.map((s: any) => s.id), [orphan.body.task_id])

  const otherSource = await push(api, pid, token, { source: 'jira', external_id: 'C-3', name: 'x', parent_external_id: 'EPIC-1' })
  assert.is((await task(api, otherSource.body.task_id)).parent_task_id, null, 'parents are matched within the same source')

  const cycle = await push(api, pid, token, { source: 'linear', external_id: 'EPIC-1', name: 'epic', parent_external_id: 'C-1' })
  assert.is(cycle.status, 200)
  assert.equal(cycle.body.warnings, ['parent C-1 not attached: Circular reference detected'])
  assert.is((await task(api, epic.body.task_id)).parent_task_id, null)
})

it('task-sync: an older updated_at changes nothing and says "stale update ignored"', async ({ api, pid, token }) => {
  const first = await push(api, pid, token, { source: 'github', external_id: 'o/r#1', name: 'v2', updated_at: '2026-11-22T10:00:00.000Z' })
  const stale = await push(api, pid, token, { source: 'github', external_id: 'o/r#1', name: 'v1', updated_at: '2026-11-22T09:00:00Z' })
  assert.is(stale.status, 200)
  assert.equal(stale.body.warnings, ['stale update ignored'])
  assert.is((await task(api, first.body.task_id)).title, 'v2')
  const newer = await push(api, pid, token, { source: 'github', external_id: 'o/r#1', name: 'v3', updated_at: '2026-11-22T12:00:00+02:00' })
  assert.equal(newer.body.warnings, [])
  assert.is((await task(api, first.body.task_id)).title, 'v3')
  const bad = await push(api, pid, token, { source: 'github', external_id: 'o/r#1', name: 'v4', updated_at: 'yesterday' })
  isError(bad, 400, 'validation_error')
  assert.equal(bad.body.errors.map((e: any) => e.path), ['updated_at'])
})

it('task-sync 401s: missing, malformed, unknown, revoked and another project\'s token; last_used_at is recorded', async ({ api, pid, token, tokenId }) => {
  const body = { source: 'jira', external_id: 'AUTH-1', name: 'a' }
  const missing = await push(api, pid, undefined, body)
  isError(missing, 401, 'unauthorized')
  assert.is(missing.headers.get('www-authenticate'), 'Bearer')
  isError(await push(api, pid, 'abc', body), 401, 'unauthorized')
  isError(await push(api, pid, 'f'.repeat(64), body), 401, 'unauthorized')
  isError(await push(api, pid, await api.jwks.sign({ sub: 'ada', email: 'ada@example.com' }), body), 401, 'unauthorized')
  const other = (await api.call('POST', '/api/projects', { as: 'ada', body: { slug: 'sync-other', name: 'Other' } })).body.id
  const otherToken = (await api.call('POST', `/api/projects/${other}/api-tokens`, { as: 'ada', body: { name: 'o' } })).body.token
  isError(await push(api, pid, otherToken, body), 401, 'unauthorized')
  isError(await push(api, 999_999, token, body), 401, 'unauthorized')
  isError(await push(api, pid, otherToken, { name: 42 }), 401, 'unauthorized', )
  const count = await api.sql('select count(*)::int as n from external_links where external_id = ?', ['AUTH-1'])
  assert.is(count[0].n, 0)
  const used = (await api.call('GET', `/api/projects/${pid}/api-tokens`, { as: 'ada' })).body.items.find((t: any) => t.id === tokenId)
  assert.ok(Date.now() - Date.parse(used.last_used_at) < 10 * 60_000, used.last_used_at)
  const never = (await api.call('GET', `/api/projects/${other}/api-tokens`, { as: 'ada' })).body.items[0]
  assert.is(never.last_used_at, null, 'a refused push does not count as a use')
})

it('task-sync 400s name every bad field and write nothing', async ({ api, pid, token }) => {
  const bad = await push(api, pid, token, { source: 'trello', external_id: 'x'.repeat(256), story_points: 'three' })
  isError(bad, 400, 'validation_error')
  assert.equal(bad.body.errors.map((e: any) => e.path).sort(), ['name', 'source', 'story_points'])
  const rules = await push(api, pid, token, { source: 'jira', external_id: 'x'.repeat(256), name: '', external_url: 'ftp://x', assignee_email: 'nope' })
  isError(rules, 400, 'validation_error')
  assert.equal(rules.body.errors.map((e: any) => e.path).sort(), ['external_id', 'name'], 'only the identity of the item is refused')
  isError(await api.call('POST', `/api/projects/${pid}/task-sync`, { raw: '{"source":', headers: { authorization: `Bearer ${token}` } }), 400, 'validation_error')
  isError(await push(api, pid, token, []), 400, 'validation_error')
  const count = await api.sql("select count(*)::int as n from external_links where external_id like 'xxxx%'")
  assert.is(count[0].n, 0)
  isError(await api.call('GET', `/api/projects/${pid}/task-sync`, { as: 'ada' }), 405, 'method_not_allowed')
  isError(await push(api, pid, token, {}, '/api/projects/abc/task-sync'), 404, 'not_found')
})

it('a synced task deleted in taskport comes back with the next push of its item, as a new task', async ({ api, pid, token }) => {
  const first = await push(api, pid, token, { source: 'custom', external_id: 'DEL-1', name: 'deleted later' })
  assert.is((await api.call('DELETE', `/api/tasks/${first.body.task_id}`, { as: 'ada' })).status, 204)
  const links = await api.sql("select count(*)::int as n from external_links where external_id = 'DEL-1'")
  assert.is(links[0].n, 0, 'the link went with the task')
  const again = await push(api, pid, token, { source: 'custom', external_id: 'DEL-1', name: 'deleted later' })
  assert.is(again.status, 201)
  assert.is.not(again.body.task_id, first.body.task_id)
})

it('50 concurrent identical pushes leave exactly one task and one link, and none is a 409', async ({ api, pid, token }) => {
  const body = { source: 'jira', external_id: 'RACE-1', name: 'race', labels: ['x'], status: 'in_progress', assignee_email: 'ada@example.com' }
  const results = await Promise.all(Array.from({ length: 50 }, () => push(api, pid, token, body)))
  const statuses = results.map((r) => r.status).sort((a, b) => b - a)
  assert.equal(statuses, [201, ...Array<number>(49).fill(200)], JSON.stringify(results.filter((r) => r.status >= 300).map((r) => r.body)))
  assert.is(new Set(results.map((r) => r.body.task_id)).size, 1)
  const links = await api.sql("select task_id from external_links where source = 'jira' and external_id = 'RACE-1'")
  assert.is(links.length, 1)
  const tasks = await api.sql("select count(*)::int as n from tasks where project_id = ? and title = 'race'", [pid])
  assert.is(tasks[0].n, 1)
  const created = await api.sql("select count(*)::int as n from audit_log where entity_id = ? and action = 'created'", [String(links[0].task_id)])
  assert.is(created[0].n, 1)
})

it.run()
