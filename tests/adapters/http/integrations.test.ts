// Integration connections over real HTTP on PostgreSQL: admin+ only, settings validated per type, credentials
// sealed with AES-256-GCM in the database and never returned after creation.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import { CREDENTIAL_KEY, expectError, startApi, type ApiServer } from '../../support/http.js'

const it = suite<{ api: ApiServer; pid: number }>('integrations over HTTP')

it.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'ivy', body: { slug: 'integrations-http', name: 'Integrations' } })).body.id
})
it.after(async (ctx) => {
  await ctx.api.stop()
})

const isError = expectError

const GITHUB = { type: 'github', access_token: 'ghp_secretvalue123', settings: { owner: 'acme', repo: 'app', api_url: 'http://127.0.0.1:1/' }, status_map: { Open: 'pending' } }

it('create: 201 with the webhook secret once; the access token is never returned; both are sealed at rest', async ({ api, pid }) => {
  const created = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'ivy', body: GITHUB })
  assert.is(created.status, 201, JSON.stringify(created.body))
  assert.equal(Object.keys(created.body).sort(), ['created_at', 'id', 'is_active', 'last_synced_at', 'project_id', 'settings', 'status_map', 'type', 'webhook_secret', 'webhook_url'])
  assert.match(created.body.webhook_secret, /^[0-9a-f]{64}$/)
  assert.is(created.body.webhook_url, `${api.base}/api/integrations/${created.body.id}/webhook`)
  assert.equal(created.body.settings, { owner: 'acme', repo: 'app', api_url: 'http://127.0.0.1:1' })
  assert.equal(created.body.status_map, { open: 'pending' })
  assert.is(created.body.is_active, true)
  assert.is(created.headers.get('cache-control'), 'no-store')
  assert.not.ok(JSON.stringify(created.body).includes('ghp_secretvalue123'))

  const [row] = await api.sql('select access_token_sealed, webhook_secret_sealed, settings::text as settings from integrations where id = ?', [created.body.id])
  const everything = JSON.stringify(await api.sql('select * from integrations'))
  assert.not.ok(everything.includes('ghp_secretvalue123'), 'the access token is not in the table in clear')
  assert.not.ok(everything.includes(created.body.webhook_secret), 'nor the webhook secret')
  assert.match(row.access_token_sealed, /^v1\.[0-9a-f]{8}\./)
  const cipher = aesGcmCipher(CREDENTIAL_KEY)
  assert.is(cipher.open(row.access_token_sealed), 'ghp_secretvalue123', 'the server key opens it')
  assert.is(cipher.open(row.webhook_secret_sealed), created.body.webhook_secret)
  const again = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'ivy', body: GITHUB })
  const [other] = await api.sql('select access_token_sealed from integrations where id = ?', [again.body.id])
  assert.is.not(other.access_token_sealed, row.access_token_sealed, 'a random IV per value')
  const audit = JSON.stringify(await api.sql("select details from audit_log where entity_type = 'integration'"))
  assert.ok(audit.includes('"owner": "acme"') || audit.includes('"owner":"acme"'), 'the creation is audited with its settings')
  assert.not.ok(audit.includes('ghp_secretvalue123') || audit.includes(created.body.webhook_secret), 'credentials are not audited')

  const list = await api.call('GET', `/api/projects/${pid}/integrations`, { as: 'ivy' })
  assert.is(list.status, 200)
  assert.equal(Object.keys(list.body.items[0]).sort(), ['created_at', 'id', 'is_active', 'last_synced_at', 'project_id', 'settings', 'status_map', 'type', 'webhook_url'])
  const text = JSON.stringify(list.body)
  assert.not.ok(text.includes('ghp_secretvalue123') || text.includes(created.body.webhook_secret) || text.includes('v1.'), 'no credential, sealed or not')

  assert.is((await api.call('DELETE', `/api/projects/${pid}/integrations/${created.body.id}`, { as: 'ivy' })).status, 204)
  isError(await api.call('DELETE', `/api/projects/${pid}/integrations/${created.body.id}`, { as: 'ivy' }), 404, 'not_found')
  isError(await api.call('DELETE', `/api/projects/${pid}/integrations/nope`, { as: 'ivy' }), 404, 'not_found')
})

it('settings are validated per type: a 400 names every missing field', async ({ api, pid }) => {
  const cases: [object, string[]][] = [
    [{ type: 'github', access_token: 't', settings: { owner: 'acme' } }, ['settings.repo']],
    [{ type: 'jira', access_token: 't', settings: { host: 'acme.atlassian.net' } }, ['settings.email', 'settings.project_key']],
    [{ type: 'linear', access_token: 't' }, ['settings.team_id']],
    [{ type: 'asana', access_token: 't', settings: { workspace_id: '1' } }, ['settings.project_id']],
    [{ type: 'trello', access_token: 't', settings: {} }, ['type']],
    [{ type: 'github', access_token: '', settings: { owner: 'a', repo: 'b', api_url: 'ftp://x' } }, ['access_token', 'settings.api_url']],
    [{ type: 'jira', access_token: 't', settings: { host: 'h.example', project_key: 'P', email: 'not-an-email', assignee_mapping: { 'x@y.z': 5 } } }, ['settings.assignee_mapping.x@y.z', 'settings.email']],
    [{ type: 'github', access_token: 't', settings: { owner: 'a', repo: 'b' }, status_map: { open: 'opened' } }, ['status_map.open']],
    [{ type: 'linear', access_token: 't', settings: { team_id: 'T' }, webhook_secret: 'short' }, ['webhook_secret']],
  ]
  for (const [body, paths] of cases) {
    const res = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'ivy', body })
    isError(res, 400, 'validation_error')
    assert.equal(res.body.errors.map((e: any) => e.path).sort(), paths, JSON.stringify(body))
  }
  isError(await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'ivy', body: { type: 'github' } }), 400, 'validation_error')
  const count = await api.sql('select count(*)::int as n from integrations where project_id = ?', [pid])
  const jira = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'ivy', body: { type: 'jira', access_token: 't', settings: { host: 'acme.atlassian.net', project_key: 'OPS', email: 'Bot@Acme.com', assignee_mapping: { 'Ivy@Example.com': 'acc-1' } } } })
  assert.is(jira.status, 201, JSON.stringify(jira.body))
  assert.equal(jira.body.settings.assignee_mapping, { 'ivy@example.com': 'acc-1' })
  assert.is((await api.sql('select count(*)::int as n from integrations where project_id = ?', [pid]))[0].n, count[0].n + 1)
})

it('only admins and owners manage integrations; non-members see 404', async ({ api, pid }) => {
  await api.call('POST', `/api/projects/${pid}/members`, { as: 'ivy', body: { user_id: 'max', role: 'member' } })
  isError(await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'max', body: GITHUB }), 403, 'forbidden')
  isError(await api.call('GET', `/api/projects/${pid}/integrations`, { as: 'max' }), 403, 'forbidden')
  isError(await api.call('GET', `/api/projects/${pid}/integrations`, { as: 'eve' }), 404, 'not_found')
  const created = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'ivy', body: GITHUB })
  isError(await api.call('DELETE', `/api/projects/${pid}/integrations/${created.body.id}`, { as: 'max' }), 403, 'forbidden')
  isError(await api.call('DELETE', `/api/projects/${pid}/integrations/${created.body.id}`, { as: 'eve' }), 404, 'not_found')
})

it.run()
