// A body on a JSON route must say it is JSON: anything else is a 415 in the contract's error shape, before the
// body is read as JSON, and nothing is written. The vendor webhook takes what vendors send.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expectErrorBody } from '../../support/fuzz-http.js'
import { startApi, type ApiServer } from '../../support/http.js'

const it = suite<{ api: ApiServer; pid: number }>('Content-Type of request bodies')

it.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'cora', body: { slug: 'media', name: 'Media' } })).body.id
})
it.after(async ({ api }) => {
  await api?.stop()
})

const body = JSON.stringify({ title: 'Typed' })

it('application/json, with a charset, and +json types are read', async ({ api, pid }) => {
  for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) {
    const res = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', raw: body, headers: { 'content-type': type } })
    assert.is(res.status, 201, type)
  }
})

it('text, forms, XML, multipart or no Content-Type: 415 unsupported_media_type, nothing written', async ({ api, pid }) => {
  const before = (await api.call('GET', `/api/projects/${pid}/tasks`, { as: 'cora' })).body.items.length
  const cases: [string | undefined, string][] = [
    ['text/plain', 'Content-Type must be application/json, not text/plain'],
    ['text/plain;charset=UTF-8', 'Content-Type must be application/json, not text/plain'],
    ['application/x-www-form-urlencoded', 'Content-Type must be application/json, not application/x-www-form-urlencoded'],
    ['application/xml', 'Content-Type must be application/json, not application/xml'],
    ['multipart/form-data; boundary=x', 'Content-Type must be application/json, not multipart/form-data'],
    ['<script>alert(1)</script>', 'Content-Type must be application/json'],
    [undefined, 'Content-Type must be application/json (none was sent)'],
  ]
  for (const [type, detail] of cases) {
    // fetch adds text/plain to a string body: a Uint8Array body goes without a Content-Type.
    const response = await fetch(`${api.base}/api/projects/${pid}/tasks`, {
      method: 'POST', body: Buffer.from(body),
      headers: { authorization: `Bearer ${await api.jwks.sign({ sub: 'cora', email: 'cora@example.com' })}`, ...(type ? { 'content-type': type } : {}) },
    })
    const answer = await response.json() as Record<string, unknown>
    assert.is(response.status, 415, String(type))
    expectErrorBody(answer, String(type))
    assert.equal(answer, { error: 'unsupported_media_type', detail, status_code: 415 })
  }
  for (const [method, path] of [['PUT', `/api/projects/${pid}`], ['PATCH', `/api/projects/${pid}/webhooks/00000000-0000-4000-8000-000000000000`]] as const) {
    const res = await api.call(method, path, { as: 'cora', raw: '{}', headers: { 'content-type': 'text/plain' } })
    assert.is(res.status, 415, `${method} ${path}`)
  }
  const { token } = (await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'cora', body: { name: 'jira' } })).body
  const synced = await api.call('POST', `/api/projects/${pid}/task-sync`, { token, raw: JSON.stringify({ source: 'jira', external_id: 'J-1', name: 'Pushed' }), headers: { 'content-type': 'text/plain' } })
  assert.is(synced.status, 415, 'task-sync, with its API token')
  assert.is((await api.call('GET', `/api/projects/${pid}/tasks`, { as: 'cora' })).body.items.length, before)
})

it('a method without a body is not asked for one; an empty body is not checked', async ({ api, pid }) => {
  assert.is((await api.call('GET', `/api/projects/${pid}`, { as: 'cora', headers: { 'content-type': 'text/plain' } })).status, 200)
  const task = (await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'cora', body: { title: 'Doomed' } })).body
  assert.is((await api.call('DELETE', `/api/tasks/${task.id}`, { as: 'cora', headers: { 'content-type': 'text/plain' } })).status, 204)
})

it('the OpenAPI document lists 415 for every operation with a JSON body', async ({ api }) => {
  const doc = (await api.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; responses: Record<string, unknown> }>> }
  let counted = 0
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      // The vendor webhook documents the form GitHub can send too: it reads both.
      if (!operation.requestBody?.content['application/json'] || operation.requestBody.content['application/x-www-form-urlencoded']) continue
      counted += 1
      assert.ok(operation.responses['415'], `${method} ${path} documents 415`)
    }
  }
  assert.ok(counted >= 20, `${counted} operations with a JSON body`)
  const codes = ((doc as any).components.schemas.Error.properties.error.enum) as string[]
  assert.ok(codes.includes('unsupported_media_type'))
})

it.run()
