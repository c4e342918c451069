// Native vendor webhooks over real HTTP on PostgreSQL: GitHub, Linear and Jira payloads signed with the
// integration's webhook secret, translated into task-sync; bad or stale signatures change nothing; a
// redelivery is answered as the first delivery was, without being applied twice.
import { createHmac, randomUUID } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { verifyHmac } from '../../../src/adapters/vendors/signature.js'
import { expectError, startApi, type ApiServer } from '../../support/http.js'
import { connect, type Hook } from '../../support/vendor-webhooks.js'


interface Ctx {
  api: ApiServer
  pid: number
  github: Hook
  linear: Hook
  jira: Hook
}

const it = suite<Ctx>('vendor webhooks over HTTP')


it.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'webhooks', name: 'Webhooks', key: 'WH' } })).body.id
  await ctx.api.call('POST', `/api/projects/${ctx.pid}/members`, { as: 'wes', body: { user_id: 'sam', email: 'sam@example.com' } })
  ctx.github = await connect(ctx.api, ctx.pid, { type: 'github', access_token: 'ghp_x', settings: { owner: 'acme', repo: 'app', assignee_mapping: { 'sam@example.com': 'SamOnGitHub' } } })
  ctx.linear = await connect(ctx.api, ctx.pid, { type: 'linear', access_token: 'lin_x', settings: { team_id: 'T1' }, webhook_secret: 'lin_wh_generated_by_linear_1234' })
  assert.is(ctx.linear.secret, 'lin_wh_generated_by_linear_1234', 'the vendor-generated secret is the one used')
  ctx.jira = await connect(ctx.api, ctx.pid, { type: 'jira', access_token: 'jira_x', settings: { host: 'acme.atlassian.net', project_key: 'OPS', email: 'bot@acme.com' } })
})
it.after(async (ctx) => {
  await ctx.api.stop()
})

const hmac = (secret: string, raw: string) => createHmac('sha256', secret).update(raw).digest('hex')

const deliver = (api: ApiServer, hook: Hook, raw: string, headers: Record<string, string>) =>
  api.call('POST', `/api/integrations/${hook.id}/webhook`, { raw, headers })

const github = (api: ApiServer, hook: Hook, event: string, payload: object, options: { delivery?: string; secret?: string } = {}) => {
  const raw = JSON.stringify(payload)
  return deliver(api, hook, raw, {
    'x-github-event': event, 'x-github-delivery': options.delivery ?? randomUUID(),
    'x-hub-signature-256': `sha256=${hmac(options.secret ?? hook.secret, raw)}`,
  })
}

const issue = (number: number, extra: object = {}) => ({
  number, title: `Issue ${number}`, body: 'from GitHub', state: 'open', state_reason: null, labels: [{ name: 'bug' }],
  html_url: `https://github.com/acme/app/issues/${number}`, updated_at: new Date().toISOString(), assignee: null, ...extra,
})

const task = async (api: ApiServer, id: number) => (await api.call('GET', `/api/tasks/${id}`, { as: 'wes' })).body
const count = async (api: ApiServer, sql: string, params: unknown[] = []) => (await api.sql(sql, params))[0].n as number

it("GitHub's published test vector verifies, and a changed byte does not", () => {
  const secret = "It's a Secret to Everybody"
  const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'
  assert.ok(verifyHmac(secret, Buffer.from('Hello, World!'), signature, 'sha256='))
  assert.not.ok(verifyHmac(secret, Buffer.from('Hello, World?'), signature, 'sha256='))
  assert.not.ok(verifyHmac(secret, Buffer.from('Hello, World!'), signature.replace('sha256=', ''), 'sha256='))
  assert.not.ok(verifyHmac(secret, Buffer.from('Hello, World!'), 'sha256=zz', 'sha256='))
})

it('GitHub issues: created, updated, mapped states, assignee mapping, redelivery applied once', async ({ api, github: hook }) => {
  const repository = { full_name: 'acme/app' }
  const delivery = randomUUID()
  const opened = await github(api, hook, 'issues', { action: 'opened', issue: issue(1, { assignee: { login: 'samongithub' } }), repository }, { delivery })
  assert.is(opened.status, 200, JSON.stringify(opened.body))
  assert.equal(Object.keys(opened.body).sort(), ['created', 'short_id', 'task_id', 'warnings'])
  assert.equal(opened.body.warnings, [])
  assert.is(opened.body.created, true)
  const t = await task(api, opened.body.task_id)
  assert.is(t.status, 'pending')
  assert.equal(t.tags, ['bug'])
  assert.is(t.assignee_handle, '@sam', 'the login resolves through assignee_mapping')
  assert.equal(t.external_links, [{ source: 'github', external_id: 'acme/app#1', external_url: 'https://github.com/acme/app/issues/1' }])

  const auditBefore = await count(api, 'select count(*)::int as n from audit_log where entity_id = ?', [String(opened.body.task_id)])
  const again = await github(api, hook, 'issues', { action: 'opened', issue: issue(1, { title: 'changed in a redelivery?' }), repository }, { delivery })
  assert.is(again.status, 200)
  assert.equal(again.body, opened.body, 'answered as the first delivery was')
  assert.is(again.headers.get('x-taskport-replayed'), 'true')
  assert.is((await task(api, opened.body.task_id)).title, 'Issue 1', 'not applied twice')
  assert.is(await count(api, 'select count(*)::int as n from audit_log where entity_id = ?', [String(opened.body.task_id)]), auditBefore)

  const closed = await github(api, hook, 'issues', { action: 'closed', issue: issue(1, { state: 'closed', state_reason: 'not_planned', updated_at: new Date(Date.now() + 1000).toISOString() }), repository })
  assert.is(closed.status, 200)
  assert.is(closed.body.created, false)
  assert.is((await task(api, opened.body.task_id)).status, 'cancelled')
  await github(api, hook, 'issues', { action: 'reopened', issue: issue(1, { updated_at: new Date(Date.now() + 2000).toISOString() }), repository })
  assert.is((await task(api, opened.body.task_id)).status, 'pending')
  await github(api, hook, 'issues', { action: 'closed', issue: issue(1, { state: 'closed', state_reason: 'completed', updated_at: new Date(Date.now() + 3000).toISOString() }), repository })
  assert.is((await task(api, opened.body.task_id)).status, 'completed')
  const [row] = await api.sql('select last_synced_at from integrations where id = ?', [hook.id])
  assert.ok(row.last_synced_at, 'last_synced_at is recorded')
})

it('GitHub sub_issues set and clear the parent; ping, pull requests and other repositories are ignored (202)', async ({ api, github: hook }) => {
  const repository = { full_name: 'acme/app' }
  const parent = await github(api, hook, 'issues', { action: 'opened', issue: issue(10), repository })
  const child = await github(api, hook, 'issues', { action: 'opened', issue: issue(11), repository })
  const added = await github(api, hook, 'sub_issues', { action: 'sub_issue_added', parent_issue: issue(10), sub_issue: issue(11), parent_issue_repo: repository, repository })
  assert.is(added.status, 200, JSON.stringify(added.body))
  assert.is((await task(api, child.body.task_id)).parent_task_id, parent.body.task_id)
  await github(api, hook, 'sub_issues', { action: 'sub_issue_removed', parent_issue: issue(10), sub_issue: issue(11, { updated_at: new Date(Date.now() + 5000).toISOString() }), repository })
  assert.is((await task(api, child.body.task_id)).parent_task_id, null)

  const before = await count(api, "select count(*)::int as n from external_links where source = 'github'")
  const ping = await github(api, hook, 'ping', { zen: 'Keep it logically awesome.' })
  assert.is(ping.status, 202)
  assert.equal(ping.body, { ignored: 'ping' })
  assert.is((await github(api, hook, 'issues', { action: 'opened', issue: issue(12, { pull_request: { url: 'x' } }), repository })).status, 202)
  assert.is((await github(api, hook, 'issues', { action: 'opened', issue: issue(13), repository: { full_name: 'acme/other' } })).status, 202)
  assert.is((await github(api, hook, 'issues', { action: 'deleted', issue: issue(10), repository })).status, 202)
  assert.is(await count(api, "select count(*)::int as n from external_links where source = 'github'"), before)
})

it('a bad, missing or foreign signature is a 401 and changes nothing; so is bad JSON from a stranger', async ({ api, github: hook, linear }) => {
  const before = await count(api, 'select count(*)::int as n from tasks')
  const payload = { action: 'opened', issue: issue(99), repository: { full_name: 'acme/app' } }
  expectError(await github(api, hook, 'issues', payload, { secret: 'wrong' }), 401, 'unauthorized')
  expectError(await github(api, hook, 'issues', payload, { secret: linear.secret }), 401, 'unauthorized')
  expectError(await deliver(api, hook, JSON.stringify(payload), { 'x-github-event': 'issues' }), 401, 'unauthorized')
  expectError(await deliver(api, hook, '{not json', { 'x-github-event': 'issues', 'x-hub-signature-256': 'sha256=00' }), 401, 'unauthorized')
  expectError(await deliver(api, hook, '{not json', { 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${hmac(hook.secret, '{not json')}` }), 400, 'validation_error')
  expectError(await github(api, { ...hook, id: randomUUID() }, 'issues', payload), 404, 'not_found')
  expectError(await github(api, { ...hook, id: 'not-a-uuid' }, 'issues', payload), 404, 'not_found')
  assert.is(await count(api, 'select count(*)::int as n from tasks'), before)
})

it('10 concurrent deliveries of one GitHub event apply it once', async ({ api, github: hook }) => {
  const delivery = randomUUID()
  const payload = { action: 'opened', issue: issue(50), repository: { full_name: 'acme/app' } }
  const results = await Promise.all(Array.from({ length: 10 }, () => github(api, hook, 'issues', payload, { delivery })))
  assert.equal(results.map((r) => r.status), Array<number>(10).fill(200), JSON.stringify(results.map((r) => r.body)))
  assert.is(new Set(results.map((r) => r.body.task_id)).size, 1)
  assert.is(results.filter((r) => r.body.created).length, 10, 'every answer is the first answer')
  assert.is(await count(api, "select count(*)::int as n from webhook_deliveries where delivery_id = ?", [delivery]), 1)
  assert.is(await count(api, "select count(*)::int as n from external_links where external_id = 'acme/app#50'"), 1)
})

const linearEvent = (api: ApiServer, hook: Hook, payload: object, options: { secret?: string } = {}) => {
  const raw = JSON.stringify(payload)
  return deliver(api, hook, raw, { 'linear-delivery': randomUUID(), 'linear-signature': hmac(options.secret ?? hook.secret, raw) })
}

it('Linear issues: state types map, sub-issues attach, stale or badly signed deliveries are refused', async ({ api, linear: hook }) => {
  const data = (id: string, extra: object = {}) => ({ id, title: `L ${id}`, state: { type: 'started' }, estimate: 3, labels: [{ name: 'api' }], url: `https://linear.app/acme/issue/${id}`, updatedAt: new Date().toISOString(), ...extra })
  const parent = await linearEvent(api, hook, { action: 'create', type: 'Issue', webhookTimestamp: Date.now(), data: data('lin-1') })
  assert.is(parent.status, 200, JSON.stringify(parent.body))
  const p = await task(api, parent.body.task_id)
  assert.is(p.status, 'in_progress')
  assert.is(p.story_points, 3)
  const child = await linearEvent(api, hook, { action: 'create', type: 'Issue', webhookTimestamp: Date.now(), data: data('lin-2', { parentId: 'lin-1', state: { type: 'canceled' } }) })
  const c = await task(api, child.body.task_id)
  assert.is(c.parent_task_id, parent.body.task_id)
  assert.is(c.status, 'cancelled')
  expectError(await linearEvent(api, hook, { action: 'create', type: 'Issue', webhookTimestamp: Date.now() - 61_000, data: data('lin-3') }), 401, 'unauthorized')
  expectError(await linearEvent(api, hook, { action: 'create', type: 'Issue', webhookTimestamp: Date.now(), data: data('lin-3') }, { secret: 'x' }), 401, 'unauthorized')
  expectError(await linearEvent(api, hook, { action: 'create', type: 'Issue', data: data('lin-3') }), 401, 'unauthorized')
  assert.is((await linearEvent(api, hook, { action: 'remove', type: 'Issue', webhookTimestamp: Date.now(), data: data('lin-1') })).status, 202)
  assert.is((await linearEvent(api, hook, { action: 'create', type: 'Comment', webhookTimestamp: Date.now(), data: {} })).status, 202)
  assert.is(await count(api, "select count(*)::int as n from external_links where external_id = 'lin-3'"), 0)
})

const jiraEvent = (api: ApiServer, hook: Hook, payload: object, options: { secret?: string; delivery?: string } = {}) => {
  const raw = JSON.stringify(payload)
  return deliver(api, hook, raw, { 'x-atlassian-webhook-identifier': options.delivery ?? randomUUID(), 'x-hub-signature': `sha256=${hmac(options.secret ?? hook.secret, raw)}` })
}

it('Jira issues: status categories map, ADF descriptions become text, deletions are ignored', async ({ api, jira: hook }) => {
  const jiraIssue = (key: string, category: string, extra: object = {}) => ({
    key,
    fields: {
      summary: `Jira ${key}`, status: { name: 'Doing', statusCategory: { key: category } }, labels: ['ops'],
      description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Line one' }] }, { type: 'paragraph', content: [{ type: 'text', text: 'Line two' }] }] },
      assignee: { accountId: 'acc-9', emailAddress: 'SAM@example.com' }, updated: '2026-11-22T10:00:00.000+0000', ...extra,
    },
  })
  const created = await jiraEvent(api, hook, { webhookEvent: 'jira:issue_created', issue: jiraIssue('OPS-1', 'indeterminate') })
  assert.is(created.status, 200, JSON.stringify(created.body))
  const t = await task(api, created.body.task_id)
  assert.is(t.status, 'in_progress')
  assert.is(t.description, 'Line one\nLine two')
  assert.is(t.assignee_handle, '@sam')
  assert.equal(t.external_links[0], { source: 'jira', external_id: 'OPS-1', external_url: 'https://acme.atlassian.net/browse/OPS-1' })
  const done = await jiraEvent(api, hook, { webhookEvent: 'jira:issue_updated', issue: jiraIssue('OPS-1', 'done', { updated: '2026-11-22T11:00:00.000+0000' }) })
  assert.is(done.body.created, false)
  assert.is((await task(api, created.body.task_id)).status, 'completed')
  const stale = await jiraEvent(api, hook, { webhookEvent: 'jira:issue_updated', issue: jiraIssue('OPS-1', 'new', { updated: '2026-11-22T09:00:00.000+0000' }) })
  assert.is(stale.status, 200)
  assert.is((await task(api, created.body.task_id)).status, 'completed', 'an older delivery changes nothing')
  assert.is((await jiraEvent(api, hook, { webhookEvent: 'jira:issue_deleted', issue: jiraIssue('OPS-1', 'done') })).status, 202)
  expectError(await jiraEvent(api, hook, { webhookEvent: 'jira:issue_created', issue: jiraIssue('OPS-2', 'new') }, { secret: 'nope' }), 401, 'unauthorized')
  assert.is(await count(api, "select count(*)::int as n from external_links where external_id = 'OPS-2'"), 0)
})

it('an inactive integration verifies, then ignores (202)', async ({ api, pid }) => {
  const hook = await connect(api, pid, { type: 'github', access_token: 'x', settings: { owner: 'acme', repo: 'quiet' }, is_active: false })
  const res = await github(api, hook, 'issues', { action: 'opened', issue: issue(1), repository: { full_name: 'acme/quiet' } })
  assert.is(res.status, 202)
  assert.equal(res.body, { ignored: 'the integration is inactive' })
})

it.run()
