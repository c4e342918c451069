// Outbound push over real HTTP on PostgreSQL to fake Jira, Linear, Asana and GitHub servers on loopback:
// what each vendor receives, links stored, linked tasks skipped, vendor failures per task, credentials never
// in responses or logs.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startFakeVendor, type FakeVendor } from '../../support/fake-vendor.js'
import { expectError, startApi, type ApiServer } from '../../support/http.js'

interface Ctx {
  api: ApiServer
  logs: string[]
  pid: number
  taskIds: number[]
  vendor: FakeVendor
}

const it = suite<Ctx>('outbound push')

it.before(async (ctx) => {
  ctx.logs = []
  const log = (fields: object, message: string) => ctx.logs.push(`${message} ${JSON.stringify(fields)}`)
  ctx.api = await startApi({ logger: { info: log, error: log } })
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'pia', body: { slug: 'push', name: 'Push', key: 'PU' } })).body.id
  const pia = (await ctx.api.call('GET', `/api/projects/${ctx.pid}/members`, { as: 'pia' })).body.items[0]
  ctx.taskIds = []
  for (const [title, extra] of [['Ship it', { assignee_id: pia.worker_id, tags: ['release train'], description: 'First paragraph\n\nSecond', due_date: '2026-12-01' }], ['Second', {}]] as const) {
    ctx.taskIds.push((await ctx.api.call('POST', `/api/projects/${ctx.pid}/tasks`, { as: 'pia', body: { title, ...extra } })).body.id)
  }
})
it.after(async (ctx) => {
  await ctx.api.stop()
  await ctx.vendor?.stop()
})

const connect = async (api: ApiServer, pid: number, body: object): Promise<string> => {
  const res = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'pia', body })
  assert.is(res.status, 201, JSON.stringify(res.body))
  return res.body.id
}

const push = (api: ApiServer, pid: number, iid: string, taskIds: number[]) =>
  api.call('POST', `/api/projects/${pid}/integrations/${iid}/push`, { as: 'pia', body: { task_ids: taskIds } })

const links = async (api: ApiServer, taskId: number) => (await api.call('GET', `/api/tasks/${taskId}`, { as: 'pia' })).body.external_links

it('Jira: REST v3 create issue with basic auth, ADF description, labels without spaces, mapped assignee', async (ctx) => {
  const { api, pid, taskIds } = ctx
  let key = 0
  ctx.vendor = await startFakeVendor(() => ({ status: 201, body: { id: '100', key: `OPS-${(key += 1)}`, self: 'x' } }))
  const iid = await connect(api, pid, {
    type: 'jira', access_token: 'jira-secret-token',
    settings: { host: 'acme.atlassian.net', project_key: 'OPS', email: 'bot@acme.com', api_url: ctx.vendor.url, assignee_mapping: { 'pia@example.com': 'acc-pia' } },
  })
  const res = await push(api, pid, iid, taskIds)
  assert.is(res.status, 200, JSON.stringify(res.body))
  assert.equal(res.body.pushed, [
    { task_id: taskIds[0], external_id: 'OPS-1', external_url: 'https://acme.atlassian.net/browse/OPS-1' },
    { task_id: taskIds[1], external_id: 'OPS-2', external_url: 'https://acme.atlassian.net/browse/OPS-2' },
  ])
  const first = ctx.vendor.requests[0]
  assert.is(first?.method, 'POST')
  assert.is(first?.path, '/rest/api/3/issue')
  assert.is(first?.headers.authorization, `Basic ${Buffer.from('bot@acme.com:jira-secret-token').toString('base64')}`)
  assert.equal(first?.body.fields.project, { key: 'OPS' })
  assert.equal(first?.body.fields.issuetype, { name: 'Task' })
  assert.is(first?.body.fields.summary, 'Ship it')
  assert.equal(first?.body.fields.labels, ['release-train'])
  assert.equal(first?.body.fields.assignee, { accountId: 'acc-pia' })
  assert.is(first?.body.fields.duedate, '2026-12-01')
  assert.equal(first?.body.fields.description.content.map((p: any) => p.content[0].text), ['First paragraph', 'Second'])
  assert.equal(await links(api, taskIds[0] ?? 0), [{ source: 'jira', external_id: 'OPS-1', external_url: 'https://acme.atlassian.net/browse/OPS-1' }])

  const again = await push(api, pid, iid, taskIds)
  assert.equal(again.body.pushed, [])
  assert.equal(again.body.skipped.map((s: any) => s.task_id), taskIds)
  assert.is(ctx.vendor.requests.length, 2, 'linked tasks are not sent again')
  await ctx.vendor.stop()
})

it('Linear: GraphQL issueCreate with the team, linked by issue id; Asana: create task in the project', async (ctx) => {
  const { api, pid, taskIds } = ctx
  ctx.vendor = await startFakeVendor((request) =>
    request.path === '/graphql'
      ? { body: { data: { issueCreate: { success: true, issue: { id: `lin-${request.body.variables.input.title.length}`, identifier: 'ENG-1', url: 'https://linear.app/acme/issue/ENG-1' } } } } }
      : { status: 201, body: { data: { gid: '1200', permalink_url: 'https://app.asana.com/0/1/1200' } } })
  const linear = await connect(api, pid, { type: 'linear', access_token: 'lin_api_secret', settings: { team_id: 'TEAM-1', default_state_id: 'state-todo', api_url: ctx.vendor.url } })
  const res = await push(api, pid, linear, [taskIds[0] ?? 0])
  assert.equal(res.body.pushed, [{ task_id: taskIds[0], external_id: 'lin-7', external_url: 'https://linear.app/acme/issue/ENG-1' }])
  const gql = ctx.vendor.requests[0]
  assert.is(gql?.headers.authorization, 'lin_api_secret')
  assert.match(gql?.body.query, 'issueCreate')
  assert.equal(gql?.body.variables.input, { teamId: 'TEAM-1', title: 'Ship it', description: 'First paragraph\n\nSecond', stateId: 'state-todo', dueDate: '2026-12-01' })

  const asana = await connect(api, pid, { type: 'asana', access_token: 'asana-pat', settings: { workspace_id: 'W1', project_id: 'P1', api_url: ctx.vendor.url } })
  ctx.vendor.fail(429, 1, '1')
  const pushed = await push(api, pid, asana, [taskIds[1] ?? 0])
  assert.equal(pushed.body.pushed, [{ task_id: taskIds[1], external_id: '1200', external_url: 'https://app.asana.com/0/1/1200' }])
  assert.is(ctx.vendor.requests.length, 3, "Asana's 429 was waited out (Retry-After: 1) and the task sent again")
  const task = ctx.vendor.requests[2]
  assert.is(task?.path, '/tasks')
  assert.is(task?.headers.authorization, 'Bearer asana-pat')
  assert.equal(task?.body.data, { name: 'Second', workspace: 'W1', projects: ['P1'] })
  assert.equal((await links(api, taskIds[1] ?? 0)).map((l: any) => l.source).sort(), ['asana', 'jira'])
  await ctx.vendor.stop()
})

it('GitHub: create issue through octokit; 429 Retry-After waited out; a 500 and unknown tasks fail per task', async (ctx) => {
  const { api, pid, taskIds } = ctx
  let number = 40
  ctx.vendor = await startFakeVendor((request) => {
    number += 1
    return { status: 201, body: { number, html_url: `https://github.com/acme/app/issues/${number}`, title: request.body.title } }
  })
  const iid = await connect(api, pid, { type: 'github', access_token: 'ghp_push_secret', settings: { owner: 'acme', repo: 'app', api_url: ctx.vendor.url, assignee_mapping: { 'pia@example.com': 'pia-gh' } } })
  ctx.vendor.fail(429, 1, '1')
  const first = await push(api, pid, iid, [taskIds[0] ?? 0])
  assert.equal(first.body.pushed, [{ task_id: taskIds[0], external_id: 'acme/app#41', external_url: 'https://github.com/acme/app/issues/41' }])
  assert.is(ctx.vendor.requests.length, 2, 'the rate-limited request was sent again after Retry-After')
  const sent = ctx.vendor.requests[1]
  assert.is(sent?.path, '/repos/acme/app/issues')
  assert.equal(sent?.body, { title: 'Ship it', body: 'First paragraph\n\nSecond', labels: ['release train'], assignees: ['pia-gh'] })
  assert.match(String(sent?.headers.authorization), 'ghp_push_secret')

  ctx.vendor.fail(500, 1)
  const other = (await api.call('POST', '/api/projects', { as: 'pia', body: { slug: 'push-other', name: 'Other' } })).body.id
  const foreign = (await api.call('POST', `/api/projects/${other}/tasks`, { as: 'pia', body: { title: 'not here' } })).body.id
  const mixed = await push(api, pid, iid, [taskIds[1] ?? 0, 999_999, foreign])
  assert.is(mixed.status, 200)
  assert.equal(mixed.body.pushed, [])
  assert.equal(mixed.body.failed.map((f: any) => f.task_id), [taskIds[1], 999_999, foreign])
  assert.match(mixed.body.failed[0].error, 'GitHub answered 500')
  assert.match(mixed.body.failed[1].error, 'not found')
  assert.equal((await links(api, taskIds[1] ?? 0)).filter((l: any) => l.source === 'github'), [])
  await ctx.vendor.stop()
})

it('credentials never appear in responses or logs; only admins push; task_ids must hold 1..100 ids', async (ctx) => {
  const { api, pid, taskIds, logs } = ctx
  const everything = logs.join('\n')
  for (const secret of ['jira-secret-token', 'lin_api_secret', 'asana-pat', 'ghp_push_secret']) assert.not.ok(everything.includes(secret), secret)
  assert.ok(logs.length > 5, 'requests were logged')
  const iid = (await api.call('GET', `/api/projects/${pid}/integrations`, { as: 'pia' })).body.items[0].id
  await api.call('POST', `/api/projects/${pid}/members`, { as: 'pia', body: { user_id: 'moe', role: 'member' } })
  expectError(await api.call('POST', `/api/projects/${pid}/integrations/${iid}/push`, { as: 'moe', body: { task_ids: taskIds } }), 403, 'forbidden')
  expectError(await push(api, pid, iid, []), 400, 'validation_error')
  expectError(await push(api, pid, iid, Array.from({ length: 101 }, (_, i) => i + 1)), 400, 'validation_error')
  expectError(await api.call('POST', `/api/projects/${pid}/integrations/${iid}/push`, { as: 'pia', body: { task_ids: ['1'] } }), 400, 'validation_error')
})

it.run()
