// Inbound fidelity over HTTP on PostgreSQL: what a source system allows is accepted by task-sync and the vendor
// webhooks (stored whole or cut with a warning), REST users keep their limits counted in characters, a synced
// value beyond them does not block their edits, and GitHub's form-encoded deliveries are read like JSON ones.
import { randomUUID } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expectError, startApi, type ApiServer } from '../../support/http.js'
import { hmacHex, sendGithub, type Hook } from '../../support/vendor-webhooks.js'

interface Ctx {
  api: ApiServer
  pid: number
  token: string
  github: Hook
}

const it = suite<Ctx>('inbound fidelity over HTTP')

it.before(async (ctx) => {
  ctx.api = await startApi({ rateLimit: { max: 100_000 } })
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'ada', body: { slug: 'fidelity', name: 'Fidelity' } })).body.id
  ctx.token = (await ctx.api.call('POST', `/api/projects/${ctx.pid}/api-tokens`, { as: 'ada', body: { name: 'relay' } })).body.token
  const gh = await ctx.api.call('POST', `/api/projects/${ctx.pid}/integrations`, { as: 'ada', body: { type: 'github', access_token: 'x', settings: { owner: 'acme', repo: 'app' } } })
  ctx.github = { id: gh.body.id, secret: gh.body.webhook_secret }
})
it.after(async (ctx) => ctx.api.stop())

const push = (ctx: Ctx, body: unknown) => ctx.api.call('POST', `/api/projects/${ctx.pid}/task-sync`, { body, headers: { authorization: `Bearer ${ctx.token}` } })
const task = async (ctx: Ctx, id: number) => (await ctx.api.call('GET', `/api/tasks/${id}`, { as: 'ada' })).body

it("task-sync: GitHub's limits (256-emoji name, 65,536-emoji body, 21 labels of 30 emoji) are stored whole", async (ctx) => {
  const labels = Array.from({ length: 21 }, (_, i) => `${'🏷'.repeat(30)}${i}`)
  const res = await push(ctx, { source: 'github', external_id: 'acme/app#1', name: '😀'.repeat(256), description: '😀'.repeat(65_536), labels })
  assert.is(res.status, 201, JSON.stringify(res.body).slice(0, 300))
  assert.equal(res.body.warnings, [])
  const t = await task(ctx, res.body.task_id)
  assert.ok(t.title === '😀'.repeat(256))
  assert.ok(t.description === '😀'.repeat(65_536), `description of ${t.description?.length} UTF-16 units`)
  assert.equal(t.tags, labels)
})

it('task-sync: over the sync limits the value is cut and the answer says so; absent leaves, null clears', async (ctx) => {
  const res = await push(ctx, { source: 'custom', external_id: 'big-1', name: 'n'.repeat(501), description: 'd'.repeat(300_000), labels: ['ok'], story_points: 0.25 })
  assert.is(res.status, 201, JSON.stringify(res.body).slice(0, 300))
  assert.equal(res.body.warnings, ['name truncated from 501 to 500 characters', 'description truncated from 300000 to 262144 characters'])
  const [row] = await ctx.api.sql('select title, length(description) as n, story_points from tasks where id = ?', [res.body.task_id])
  assert.equal(row, { title: `${'n'.repeat(499)}…`, n: 262_144, story_points: 0.25 })
  assert.is((await push(ctx, { source: 'custom', external_id: 'big-1', name: 'renamed' })).status, 200)
  assert.equal((await task(ctx, res.body.task_id)).tags, ['ok'], 'labels absent: kept')
  assert.is((await push(ctx, { source: 'custom', external_id: 'big-1', name: 'renamed', labels: null, description: null })).status, 200)
  const cleared = await task(ctx, res.body.task_id)
  assert.equal([cleared.tags, cleared.description], [[], null])
})

it('REST: users keep their limits, counted in characters; a synced value beyond them does not block an edit', async (ctx) => {
  const create = (body: object) => ctx.api.call('POST', `/api/projects/${ctx.pid}/tasks`, { as: 'ada', body })
  assert.is((await create({ title: '😀'.repeat(500), tags: ['🏷'.repeat(50)] })).status, 201)
  const long = await create({ title: '😀'.repeat(501) })
  expectError(long, 400, 'validation_error')
  assert.equal(long.body.errors, [{ path: 'title', message: 'must be at most 500 characters' }])
  expectError(await create({ title: 'x', tags: ['🏷'.repeat(51)] }), 400, 'validation_error')

  const synced = await push(ctx, { source: 'jira', external_id: 'OPS-9', name: 'Long', description: 'ü'.repeat(32_767), labels: Array.from({ length: 25 }, (_, i) => `l${i}`) })
  const id = synced.body.task_id
  const current = await task(ctx, id)
  const put = (body: object) => ctx.api.call('PUT', `/api/tasks/${id}`, { as: 'ada', body })
  const renamed = await put({ title: 'Renamed', description: current.description, tags: current.tags, priority: 'high' })
  assert.is(renamed.status, 200, JSON.stringify(renamed.body).slice(0, 300))
  assert.is(renamed.body.title, 'Renamed')
  const grown = await put({ description: `${current.description}!` })
  expectError(grown, 400, 'validation_error')
  assert.equal(grown.body.errors.map((e: any) => e.path), ['description'])
})

it("GitHub webhooks form-encoded (GitHub's default content type): signed over the form body, read like JSON", async (ctx) => {
  const issue = { number: 5, title: 'From a form', body: 'a&b=c+d %', state: 'open', labels: [{ name: 'é' }], html_url: 'https://github.com/acme/app/issues/5', updated_at: '2026-11-20T10:00:00Z' }
  const res = await sendGithub(ctx.api, ctx.github, 'issues', { action: 'opened', issue, repository: { full_name: 'acme/app' } }, { form: true })
  assert.is(res.status, 200, JSON.stringify(res.body))
  const t = await task(ctx, res.body.task_id)
  assert.equal([t.title, t.description, t.tags], ['From a form', 'a&b=c+d %', ['é']])

  const form = (raw: string, secret = ctx.github.secret) => ctx.api.call('POST', `/api/integrations/${ctx.github.id}/webhook`, {
    raw, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'issues', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmacHex(secret, raw)}` },
  })
  const valid = `payload=${encodeURIComponent(JSON.stringify({ action: 'edited', issue: { ...issue, title: 'x' }, repository: { full_name: 'acme/app' } }))}`
  expectError(await form(valid, 'not the secret'), 401, 'unauthorized')
  expectError(await form('payload=%7B%22a%22%3A%22%FF%22%7D'), 400, 'validation_error')
  expectError(await form('other=1'), 400, 'validation_error')
  assert.is((await task(ctx, res.body.task_id)).title, 'From a form', 'refused deliveries change nothing')
})

it('webhook bodies: up to 5 MiB are read (GitHub sends up to 25 MB; issue payloads stay under 2.5 MB); more is a 413', async (ctx) => {
  const big = JSON.stringify({ zen: 'z'.repeat(3 * 1024 * 1024) })
  const ping = await ctx.api.call('POST', `/api/integrations/${ctx.github.id}/webhook`, {
    raw: big, headers: { 'x-github-event': 'ping', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${hmacHex(ctx.github.secret, big)}` },
  })
  assert.is(ping.status, 202, JSON.stringify(ping.body).slice(0, 200))
  const huge = JSON.stringify({ zen: 'z'.repeat(5 * 1024 * 1024) })
  expectError(await ctx.api.call('POST', `/api/integrations/${ctx.github.id}/webhook`, { raw: huge, headers: { 'x-github-event': 'ping' } }), 413, 'payload_too_large')
  expectError(await push(ctx, { source: 'custom', external_id: 'x', name: 'x', description: 'd'.repeat(1024 * 1024) }), 413, 'payload_too_large')
})

it.run()
