// GitHub pull import over real HTTP on PostgreSQL against a fake GitHub on loopback: every page, pull requests
// skipped, re-import skips linked issues, Retry-After honoured, vendor failures reported (never a 500).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { makeIssues, startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js'
import { expectError, startApi, type ApiServer } from '../../support/http.js'
import { runImportCli } from '../../../src/main/cli-import.js'

const it = suite<{ api: ApiServer; github: FakeGitHub; pid: number; iid: string }>('GitHub import')

it.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.github = await startFakeGitHub('acme', 'app', makeIssues(250, 10))
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'gus', body: { slug: 'gh-import', name: 'Import', key: 'GI' } })).body.id
  const created = await ctx.api.call('POST', `/api/projects/${ctx.pid}/integrations`, {
    as: 'gus', body: { type: 'github', access_token: 'ghp_import_secret', settings: { owner: 'acme', repo: 'app', api_url: ctx.github.url } },
  })
  ctx.iid = created.body.id
})
it.after(async (ctx) => {
  await ctx.api.stop()
  await ctx.github.stop()
})

const count = async (api: ApiServer, sql: string, params: unknown[] = []) => (await api.sql(sql, params))[0].n as number

it('imports every issue of every page, skips pull requests, and a re-run skips what is linked', async ({ api, github, pid, iid }) => {
  const first = await api.call('POST', `/api/projects/${pid}/integrations/${iid}/import`, { as: 'gus' })
  assert.is(first.status, 200, JSON.stringify(first.body))
  assert.equal(first.body, { created: 225, skipped: 25, failed: 0, errors: [], warnings: [] })
  const pages = github.requests.filter((r) => r.url.startsWith('/repos/acme/app/issues'))
  assert.is(pages.length, 3, '250 issues at 100 per page')
  assert.ok(pages.every((r) => r.authorization === 'token ghp_import_secret' || r.authorization === 'bearer ghp_import_secret'), pages[0]?.authorization)
  assert.match(pages[0]?.url ?? '', 'state=all')
  assert.is(await count(api, "select count(*)::int as n from external_links where project_id = ? and source = 'github'", [pid]), 225)
  const [closed] = await api.sql("select t.status from tasks t join external_links l on l.task_id = t.id where l.external_id = 'acme/app#1'")
  assert.is(closed.status, 'completed', 'issue 1 is closed as completed')
  const [notPlanned] = await api.sql("select t.status, t.title from tasks t join external_links l on l.task_id = t.id where l.external_id = 'acme/app#4'")
  assert.equal(notPlanned, { status: 'cancelled', title: 'Issue 4' })
  const [open] = await api.sql("select t.status from tasks t join external_links l on l.task_id = t.id where l.external_id = 'acme/app#2'")
  assert.is(open.status, 'pending')
  assert.is(await count(api, "select count(*)::int as n from external_links where external_id = 'acme/app#10'"), 0, 'issue 10 is a pull request')

  github.issues = [...github.issues, ...makeIssues(260).slice(250)]
  const second = await api.call('POST', `/api/projects/${pid}/integrations/${iid}/import`, { as: 'gus' })
  assert.equal(second.body, { created: 10, skipped: 250, failed: 0, errors: [], warnings: [] })
  const list = await api.call('GET', `/api/projects/${pid}/integrations`, { as: 'gus' })
  assert.type(list.body.items[0].last_synced_at, 'string')
})

it('a 429 with Retry-After is waited out; a vendor 500 ends in the summary, never a 500', async ({ api, github, pid, iid }) => {
  const before = github.requests.length
  github.fail(429, 1, '1')
  const waited = await api.call('POST', `/api/projects/${pid}/integrations/${iid}/import`, { as: 'gus' })
  assert.is(waited.status, 200)
  assert.equal(waited.body.errors, [])
  assert.is(github.requests.length - before, 4, 'the limited request was sent again')

  github.fail(500, 1)
  const failed = await api.call('POST', `/api/projects/${pid}/integrations/${iid}/import`, { as: 'gus' })
  assert.is(failed.status, 200)
  assert.is(failed.body.created, 0)
  assert.is(failed.body.errors.length, 1)
  assert.match(failed.body.errors[0].error, 'GitHub answered 500')
  assert.not.ok(JSON.stringify(failed.body).includes('ghp_import_secret'))
})

it('an issue beyond the sync limits is imported, cut, with a warning naming it', async ({ api, github, pid, iid }) => {
  github.issues = [...github.issues, { number: 261, title: 'x'.repeat(501), body: '😀'.repeat(65_536), state: 'open', state_reason: null }, { number: 262, title: 'fine', state: 'open', state_reason: null }]
  const res = await api.call('POST', `/api/projects/${pid}/integrations/${iid}/import`, { as: 'gus' })
  assert.is(res.status, 200)
  assert.is(res.body.created, 2)
  assert.is(res.body.failed, 0)
  assert.equal(res.body.warnings, [{ external_id: 'acme/app#261', warning: 'name truncated from 501 to 500 characters' }])
  const [row] = await api.sql("select t.title, t.description from tasks t join external_links l on l.task_id = t.id where l.external_id = 'acme/app#261'")
  assert.is(row.title, `${'x'.repeat(499)}…`)
  assert.ok(row.description === '😀'.repeat(65_536), "GitHub's longest body is stored whole")
})

it('the CLI streams progress (NDJSON) and prints the summary; refusals are plain errors', async ({ api, pid }) => {
  const repo = await startFakeGitHub('acme', 'cli', makeIssues(230))
  try {
    const iid = (await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'gus', body: { type: 'github', access_token: 't', settings: { owner: 'acme', repo: 'cli', api_url: repo.url } } })).body.id
    const token = await api.jwks.sign({ sub: 'gus', email: 'gus@example.com', name: 'gus' })
    const out: string[] = []
    const progress: string[] = []
    const code = await runImportCli(['github', '--project', String(pid), '--integration', iid, '--url', api.base], { out: (l) => out.push(l), progress: (l) => progress.push(l), env: { TASKPORT_TOKEN: token } })
    assert.is(code, 0, out.join('\n'))
    // 3 pages: GitHub's Link header gives the last page (3 x 100 is the estimate) until the last page, which is exact.
    assert.equal(progress, [
      '[##########--------------------] 33% 100/300 issues (100 created, 0 skipped, 0 failed)',
      '[####################----------] 67% 200/300 issues (200 created, 0 skipped, 0 failed)',
      '[##############################] 100% 230/230 issues (230 created, 0 skipped, 0 failed)',
    ])
    assert.equal(out, ['created 230, skipped 0, failed 0'])
    const refused: string[] = []
    const denied = await runImportCli(['github', '--project', String(pid), '--integration', iid, '--url', api.base], { out: (l) => refused.push(l), progress: () => undefined, env: { TASKPORT_TOKEN: await api.jwks.sign({ sub: 'nobody' }) } })
    assert.is(denied, 1)
    assert.match(refused[0] ?? '', '404 not_found')
    assert.is(await runImportCli(['github'], { out: () => undefined, progress: () => undefined, env: {} }), 64)
  } finally {
    await repo.stop()
  }
})

it('only admins import; other types cannot; unknown integrations are 404', async ({ api, pid, iid }) => {
  await api.call('POST', `/api/projects/${pid}/members`, { as: 'gus', body: { user_id: 'mel', role: 'member' } })
  expectError(await api.call('POST', `/api/projects/${pid}/integrations/${iid}/import`, { as: 'mel' }), 403, 'forbidden')
  expectError(await api.call('POST', `/api/projects/${pid}/integrations/00000000-0000-4000-8000-000000000000/import`, { as: 'gus' }), 404, 'not_found')
  const linear = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'gus', body: { type: 'linear', access_token: 'l', settings: { team_id: 'T' } } })
  expectError(await api.call('POST', `/api/projects/${pid}/integrations/${linear.body.id}/import`, { as: 'gus' }), 404, 'not_found')
})

it.run()
