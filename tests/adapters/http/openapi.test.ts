// The OpenAPI document cannot drift: every route the router serves is documented (and nothing else), request
// bodies come from the decoding codecs, and real responses carry exactly the documented fields.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as E from 'fp-ts/lib/Either.js'
import { createRouter } from '../../../src/adapters/http/app.js'
import { CreateTaskC } from '../../../src/adapters/http/decode.js'
import { ROUTES, SCHEMAS } from '../../../src/adapters/http/openapi.js'
import { mcpService } from '../../../src/adapters/mcp/server.js'
import { createTaskport } from '../../../src/application/taskport.js'
import { inMemoryAdapters } from '../../../src/adapters/persistence/memory/index.js'
import { startApi, type ApiServer } from '../../support/http.js'

const it = suite<{ api: ApiServer }>('OpenAPI and docs pages')
it.before(async (ctx) => {
  ctx.api = await startApi()
})
it.after(async (ctx) => {
  await ctx.api.stop()
})

const normalize = (path: string) => path.replace(/:\w+/g, '{}').replace(/\{\w+\}/g, '{}')

it('every served API route is documented, and every documented route is served', () => {
  const taskport = createTaskport(inMemoryAdapters())
  const service = mcpService(taskport)
  const router = createRouter({
    taskport, authenticate: async () => E.left({ _tag: 'Unauthorized', reason: '' }), databaseReady: async () => true,
    mcp: { service: async () => service, allowedOrigins: [], issuer: undefined },
  })
  const served = new Set<string>()
  for (const layer of router.stack) {
    const path = String(layer.path)
    for (const method of layer.methods) {
      if (method === 'HEAD') continue
      if (['/api', '/health', '/mcp', '/.well-known/oauth-protected-resource'].some((p) => path.startsWith(p))) served.add(`${method} ${normalize(path)}`)
    }
  }
  const documented = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${normalize(r.path)}`))
  assert.equal([...served].filter((r) => !documented.has(r)), [], 'served but not documented')
  assert.equal([...documented].filter((r) => !served.has(r)), [], 'documented but not served')
})

it('the document is served, OpenAPI 3.1, with bodies generated from the codecs', async ({ api }) => {
  const doc = (await api.call('GET', '/openapi.json')).body
  assert.is(doc.openapi, '3.1.0')
  const create = doc.paths['/api/projects/{pid}/tasks'].post
  assert.equal(create.requestBody.content['application/json'].schema.required, ['title'])
  assert.equal(Object.keys(create.requestBody.content['application/json'].schema.properties).sort(), Object.keys({ ...CreateTaskC.types[0].props, ...CreateTaskC.types[1].props, ...CreateTaskC.types[2].props }).sort())
  assert.ok(create.responses['201'] && create.responses['403'] && create.responses['500'])
  const sync = doc.paths['/api/projects/{pid}/task-sync'].post
  assert.ok(sync.responses['201'] && sync.responses['200'] && sync.responses['429'], 'task-sync documents 201, 200 and 429')
  assert.equal(sync.security, [{ apiToken: [] }])
  assert.equal(sync.requestBody.content['application/json'].schema.required, ['source', 'external_id', 'name'])
  for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) assert.ok(Object.keys(op.responses).length >= 2, `${method} ${path}`)
  }
})

const documented = (name: string) => Object.keys((SCHEMAS[name] as { properties: object }).properties).sort()

it('responses carry exactly the documented fields', async ({ api }) => {
  const project = await api.call('POST', '/api/projects', { as: 'doc', body: { slug: 'documented', name: 'Doc' } })
  assert.equal(Object.keys(project.body).sort(), documented('Project'))
  const task = await api.call('POST', `/api/projects/${project.body.id}/tasks`, { as: 'doc', body: { title: 't' } })
  assert.equal(Object.keys(task.body).sort(), documented('Task'))
  const members = await api.call('GET', `/api/projects/${project.body.id}/members`, { as: 'doc' })
  assert.equal(Object.keys(members.body.items[0]).sort(), documented('Member'))
  const audit = await api.call('GET', `/api/tasks/${task.body.id}/audit`, { as: 'doc' })
  assert.equal(Object.keys(audit.body.items[0]).sort(), documented('AuditEntry'))
  const agent = await api.call('POST', '/api/workers/agents', { as: 'doc', body: { handle: '@doc-bot', agent_type: 'x' } })
  assert.equal(Object.keys(agent.body).sort(), documented('Agent'))
  const issued = await api.call('POST', `/api/projects/${project.body.id}/api-tokens`, { as: 'doc', body: { name: 'doc' } })
  assert.equal(Object.keys(issued.body).sort(), documented('IssuedApiToken'))
  const tokens = await api.call('GET', `/api/projects/${project.body.id}/api-tokens`, { as: 'doc' })
  assert.equal(Object.keys(tokens.body.items[0]).sort(), documented('ApiToken'))
  const synced = await api.call('POST', `/api/projects/${project.body.id}/task-sync`, { headers: { authorization: `Bearer ${issued.body.token}` }, body: { source: 'custom', external_id: 'd-1', name: 'd' } })
  assert.equal(Object.keys(synced.body).sort(), documented('SyncResult'))
  const integration = await api.call('POST', `/api/projects/${project.body.id}/integrations`, { as: 'doc', body: { type: 'linear', access_token: 'lin', settings: { team_id: 'T' } } })
  assert.equal(Object.keys(integration.body).filter((k) => k !== 'webhook_secret').sort(), documented('Integration'))
  const integrations = await api.call('GET', `/api/projects/${project.body.id}/integrations`, { as: 'doc' })
  assert.equal(Object.keys(integrations.body.items[0]).sort(), documented('Integration'))
  const error = await api.call('GET', '/api/projects/999999', { as: 'doc' })
  assert.ok(Object.keys(error.body).every((k) => k in (SCHEMAS.Error as { properties: object }).properties))
})

it('Swagger UI and ReDoc pages load their assets from this server, not a CDN', async ({ api }) => {
  for (const page of ['/docs', '/redoc']) {
    const res = await fetch(`${api.base}${page}`)
    assert.is(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', 'text/html')
    const html = await res.text()
    assert.not.match(html, /https?:\/\//, 'no external URLs')
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const asset = await fetch(`${api.base}${src[1]}`)
      assert.is(asset.status, 200, src[1])
      assert.ok((await asset.arrayBuffer()).byteLength > 10_000, `${src[1]} is the real asset`)
    }
  }
})

it.run()
