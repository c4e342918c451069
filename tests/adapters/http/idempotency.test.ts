// Idempotency-Key over HTTP (the contract's section of that name), on a real server and PostgreSQL: a repeat
// gets the first answer again with `Idempotent-Replayed: true` and changes nothing; the key with another
// request is a 422; while the first is in flight a 409 with `Retry-After: 1`; answers are kept per caller.
import { createHmac, randomUUID } from 'node:crypto'
import { MikroORM } from '@mikro-orm/postgresql'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mikroOrmOptions } from '../../../src/adapters/persistence/mikro-orm/config.js'
import { idempotencyLockKeys } from '../../../src/adapters/persistence/mikro-orm/idempotency-store.js'
import { openApiDocument } from '../../../src/adapters/http/openapi.js'
import { expectErrorBody } from '../../support/fuzz-http.js'
import { expectError, startApi, type ApiServer } from '../../support/http.js'

const it = suite<{ api: ApiServer; pid: number; cora: number }>('Idempotency-Key')

it.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'cora', body: { slug: 'keys', name: 'Keys' } })).body.id
  ctx.cora = (await ctx.api.call('GET', `/api/projects/${ctx.pid}/members`, { as: 'cora' })).body.items[0].worker_id
})
it.after(async ({ api }) => {
  await api?.stop()
})

const keyed = (key: string, headers: Record<string, string> = {}) => ({ ...headers, 'idempotency-key': key })
const count = async (api: ApiServer, sql: string, params: unknown[] = []): Promise<number> => Number((await api.sql(sql, params))[0].n)

it('a repeat gets the first answer again, marked replayed, and creates nothing', async ({ api, pid }) => {
  const first = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Once', priority: 'high' }, headers: keyed('create-1') })
  assert.is(first.status, 201)
  assert.is(first.headers.get('idempotent-replayed'), null)
  for (let i = 0; i < 3; i += 1) {
    const again = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Once', priority: 'high' }, headers: keyed('create-1') })
    assert.is(again.status, 201)
    assert.is(again.headers.get('idempotent-replayed'), 'true')
    assert.match(again.headers.get('content-type') ?? '', /^application\/json/)
    assert.equal(again.body, first.body)
  }
  assert.is(await count(api, `select count(*) as n from tasks where project_id = ? and title = 'Once'`, [pid]), 1)
  assert.is(await count(api, `select count(*) as n from audit_log where entity_type = 'task' and action = 'created' and entity_id = ?`, [String(first.body.id)]), 1)
})

it('the same body with other spacing or key order is the same request', async ({ api, pid }) => {
  const first = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', raw: '{"title":"Spaced","tags":["a","b"],"priority":"low"}', headers: keyed('spacing') })
  const again = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', raw: '{ "priority" : "low",\n "tags": ["a", "b"], "title": "Spaced" }', headers: keyed('spacing') })
  assert.is(again.headers.get('idempotent-replayed'), 'true')
  assert.equal(again.body, first.body)
})

it('the key with another body, path or method: 422 idempotency_key_reused, nothing written', async ({ api, pid }) => {
  const first = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Original' }, headers: keyed('reused') })
  assert.is(first.status, 201)
  const tasks = await count(api, 'select count(*) as n from tasks')
  for (const [method, path, body] of [
    ['POST', `/api/projects/${pid}/tasks`, { title: 'Other' }],
    ['POST', `/api/projects/${pid}/tasks?x=1`, { title: 'Original' }],
    ['PUT', `/api/tasks/${first.body.id}`, { title: 'Original' }],
    ['POST', '/api/projects', { slug: 'other-path', name: 'Other' }],
  ] as const) {
    const res = await api.call(method, path, { as: 'cora', body, headers: keyed('reused') })
    expectError(res, 422, 'idempotency_key_reused')
    expectErrorBody(res.body, `${method} ${path}`)
  }
  assert.is(await count(api, 'select count(*) as n from tasks'), tasks)
  assert.is(await count(api, `select count(*) as n from projects where slug = 'other-path'`), 0)
  assert.is((await api.call('PUT', `/api/tasks/${first.body.id}`, { as: 'cora', body: { title: 'Original' } })).body.version, 1)
})

it('keys are the caller\'s own: another user with the same key gets their own answer', async ({ api, pid }) => {
  const cora = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Mine' }, headers: keyed('shared-key') })
  const dora = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'dora', body: { title: 'Mine' }, headers: keyed('shared-key') })
  expectError(dora, 404, 'not_found')
  assert.is(dora.headers.get('idempotent-replayed'), null)
  const doraOwn = await api.call('POST', '/api/projects', { as: 'dora', body: { slug: 'doras', name: 'Dora' }, headers: keyed('shared-key-2') })
  assert.is(doraOwn.status, 201)
  assert.equal((await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Mine' }, headers: keyed('shared-key') })).body, cora.body)
})

it('refusals are final answers and are kept; the request after one works', async ({ api, pid }) => {
  const invalid = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { priority: 'high' }, headers: keyed('invalid') })
  expectError(invalid, 400, 'validation_error')
  const again = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { priority: 'high' }, headers: keyed('invalid') })
  assert.is(again.headers.get('idempotent-replayed'), 'true')
  assert.equal(again.body, invalid.body)
  // A conflict raised by PostgreSQL's unique index inside the request's transaction: undone alone, the answer kept.
  const taken = await api.call('POST', '/api/projects', { as: 'cora', body: { slug: 'keys', name: 'Again' }, headers: keyed('taken') })
  expectError(taken, 409, 'conflict')
  assert.is((await api.call('POST', '/api/projects', { as: 'cora', body: { slug: 'keys', name: 'Again' }, headers: keyed('taken') })).headers.get('idempotent-replayed'), 'true')
  assert.is((await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'After the conflict' }, headers: keyed('after') })).status, 201)
})

it('401 is not kept: the same key works once the caller is authenticated', async ({ api, pid }) => {
  expectError(await api.call('POST', `/api/projects/${pid}/tasks`, { token: 'not-a-jwt', body: { title: 'Late' }, headers: keyed('after-401') }), 401, 'unauthorized')
  const res = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Late' }, headers: keyed('after-401') })
  assert.is(res.status, 201)
  assert.is(res.headers.get('idempotent-replayed'), null)
})

it('DELETE: the repeat gets the 204 again, not a 404', async ({ api }) => {
  const { id } = (await api.call('POST', '/api/projects', { as: 'cora', body: { slug: 'doomed', name: 'Doomed' } })).body
  const first = await api.call('DELETE', `/api/projects/${id}`, { as: 'cora', headers: keyed('delete-doomed') })
  assert.is(first.status, 204)
  const again = await api.call('DELETE', `/api/projects/${id}`, { as: 'cora', headers: keyed('delete-doomed') })
  assert.is(again.status, 204)
  assert.is(again.body, null)
  assert.is(again.headers.get('idempotent-replayed'), 'true')
  expectError(await api.call('DELETE', `/api/projects/${id}`, { as: 'cora' }), 404, 'not_found')
})

it('a new API token: the repeat shows the same token, which is sealed at rest, never in clear', async ({ api, pid }) => {
  const first = await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'cora', body: { name: 'ci' }, headers: keyed('token-1') })
  assert.is(first.status, 201)
  const again = await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'cora', body: { name: 'ci' }, headers: keyed('token-1') })
  assert.is(again.body.token, first.body.token)
  assert.is(again.headers.get('cache-control'), 'no-store')
  assert.is(await count(api, 'select count(*) as n from api_tokens where project_id = ?', [pid]), 1)
  const rows = await api.sql(`select response, sealed from idempotency_keys where key = 'token-1'`)
  assert.is(rows.length, 1)
  assert.is(rows[0].sealed, true)
  assert.not.ok(rows[0].response.includes(first.body.token))
  // A task-sync push with that token and a key: its scope is the token.
  const push = (key: string) => api.call('POST', `/api/projects/${pid}/task-sync`, { token: first.body.token, body: { source: 'jira', external_id: 'J-7', name: 'Pushed' }, headers: keyed(key) })
  const pushed = await push('sync-1')
  assert.is(pushed.status, 201)
  const replayed = await push('sync-1')
  assert.is(replayed.status, 201)
  assert.is(replayed.headers.get('idempotent-replayed'), 'true')
  assert.equal(replayed.body, pushed.body)
  const next = await push('sync-2')
  assert.equal([next.status, next.body.created], [200, false])
})

it('a vendor webhook with a key: scoped to its integration, replayed even under a new delivery id; unsigned is 401 and not kept', async ({ api, pid }) => {
  const created = await api.call('POST', `/api/projects/${pid}/integrations`, { as: 'cora', body: { type: 'github', access_token: 'ghp_x', settings: { owner: 'acme', repo: 'keys' } } })
  assert.is(created.status, 201, JSON.stringify(created.body))
  const { id, webhook_secret: secret } = created.body
  const payload = JSON.stringify({
    action: 'opened', repository: { full_name: 'acme/keys' },
    issue: { number: 5, title: 'Issue 5', body: null, state: 'open', state_reason: null, labels: [], html_url: 'https://github.com/acme/keys/issues/5', updated_at: new Date().toISOString(), assignee: null },
  })
  const send = (raw: string, key: string, signed = true) => api.call('POST', `/api/integrations/${id}/webhook`, {
    raw,
    headers: keyed(key, {
      'x-github-event': 'issues', 'x-github-delivery': randomUUID(),
      ...(signed ? { 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` } : {}),
    }),
  })
  expectError(await send(payload, 'gh-1', false), 401, 'unauthorized')
  const first = await send(payload, 'gh-1')
  assert.equal([first.status, first.body.created, first.headers.get('idempotent-replayed')], [200, true, null])
  const again = await send(payload, 'gh-1')
  assert.is(again.headers.get('idempotent-replayed'), 'true')
  assert.equal(again.body, first.body)
  expectError(await send(`${payload} `.replace('Issue 5', 'Issue five'), 'gh-1'), 422, 'idempotency_key_reused')
  assert.is(await count(api, `select count(*) as n from tasks where title = 'Issue 5'`), 1)
})

it('a key that is not 1..255 visible ASCII characters: 400, nothing written', async ({ api, pid }) => {
  const tasks = await count(api, 'select count(*) as n from tasks')
  for (const key of ['', 'x'.repeat(256), 'has space', 'tab\there']) {
    const res = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Bad key' }, headers: keyed(key) })
    expectError(res, 400, 'validation_error')
    assert.equal(res.body.errors, [{ path: 'Idempotency-Key', message: 'must be 1..255 visible ASCII characters' }])
  }
  assert.is(await count(api, 'select count(*) as n from tasks'), tasks)
  assert.is((await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Long key' }, headers: keyed('~'.repeat(255)) })).status, 201)
})

it('GET ignores the header', async ({ api, pid }) => {
  const stored = await count(api, 'select count(*) as n from idempotency_keys')
  for (let i = 0; i < 2; i += 1) {
    const res = await api.call('GET', `/api/projects/${pid}`, { as: 'cora', headers: keyed('a-read') })
    assert.is(res.status, 200)
    assert.is(res.headers.get('idempotent-replayed'), null)
  }
  assert.is(await count(api, 'select count(*) as n from idempotency_keys'), stored)
})

it('while the first request with the key is in flight: 409 conflict with Retry-After: 1, then it goes through', async ({ api, pid, cora }) => {
  const orm = await MikroORM.init(mikroOrmOptions(api.databaseUrl))
  const trx = await orm.em.getKnex().transaction()
  try {
    // Another instance's transaction holding this key, as the first request's does while it runs.
    await trx.raw('select pg_advisory_xact_lock(?, ?)', idempotencyLockKeys(`worker:${cora}`, 'in-flight'))
    const res = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Waiting' }, headers: keyed('in-flight') })
    expectError(res, 409, 'conflict')
    assert.is(res.headers.get('retry-after'), '1')
    assert.is(await count(api, `select count(*) as n from tasks where title = 'Waiting'`), 0)
  } finally {
    await trx.rollback()
    await orm.close(true)
  }
  const res = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Waiting' }, headers: keyed('in-flight') })
  assert.is(res.status, 201)
  // Once answered, a repeat is replayed even while another repeat holds the key: repeats do not hold each other up.
  const orm2 = await MikroORM.init(mikroOrmOptions(api.databaseUrl))
  const trx2 = await orm2.em.getKnex().transaction()
  try {
    await trx2.raw('select pg_advisory_xact_lock(?, ?)', idempotencyLockKeys(`worker:${cora}`, 'in-flight'))
    const again = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Waiting' }, headers: keyed('in-flight') })
    assert.equal([again.status, again.headers.get('idempotent-replayed'), again.body.id], [201, 'true', res.body.id])
  } finally {
    await trx2.rollback()
    await orm2.close(true)
  }
})

it('kept across restarts: a new server on the same database replays', async ({ api, pid }) => {
  const first = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Durable' }, headers: keyed('durable') })
  const second = await startApi({ databaseUrl: api.databaseUrl, jwks: api.jwks })
  try {
    const again = await second.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Durable' }, headers: keyed('durable') })
    assert.is(again.headers.get('idempotent-replayed'), 'true')
    assert.equal(again.body, first.body)
  } finally {
    await second.stop()
  }
})

it('the OpenAPI document: every change under /api takes the header and may answer 409 and 422', () => {
  const doc = openApiDocument() as { paths: Record<string, Record<string, { parameters: { name: string }[]; responses: Record<string, unknown> }>>; components: { schemas: Record<string, any> } }
  let changes = 0
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const keyedOp = method !== 'get' && path.startsWith('/api/')
      assert.is(op.parameters.some((p) => p.name === 'Idempotency-Key'), keyedOp, `${method} ${path}`)
      if (keyedOp) {
        changes += 1
        assert.ok(op.responses['409'] && op.responses['422'], `${method} ${path}`)
      }
    }
  }
  assert.ok(changes >= 30, String(changes))
  assert.ok(doc.components.schemas.Error.properties.error.enum.includes('idempotency_key_reused'))
})

it.run()
