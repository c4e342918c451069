// A Koa host with its own Koa mounts taskport/koa under /tp, with its own authentication; prints what it saw.
// HOST_MCP=false: a host without the MCP SDK, which leaves /mcp out (`mcp: false`).
import { createServer } from 'node:http'
import { request } from 'node:http'
import * as E from 'fp-ts/lib/Either.js'
import Koa from 'koa'
import mount from 'koa-mount'
import { randomBytes } from 'node:crypto'
import { aesGcmCipher, inMemoryAdapters } from 'taskport'
import { createTaskportApp } from 'taskport/koa'

const app = createTaskportApp({
  uow: inMemoryAdapters().uow,
  authenticate: async (header) => header === 'Bearer host-session'
    ? E.right({ kind: 'user', userId: 'host|alice', email: 'alice@example.com' })
    : E.left({ _tag: 'Unauthorized', reason: 'no host session' }),
  databaseReady: async () => true,
  cipher: aesGcmCipher(randomBytes(32)),
  ...(process.env.HOST_MCP === 'false' ? { mcp: false } : {}),
})
const host = new Koa()
host.use(mount('/tp', app))
host.use((ctx) => { ctx.body = { host: ctx.path } })
const server = createServer(host.callback())
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`
const raw = (path, headers = {}) => new Promise((resolve, reject) => {
  request(`${base}${path}`, { headers }, (res) => {
    const chunks = []
    res.on('data', (c) => chunks.push(c))
    res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks).length, text: Buffer.concat(chunks).toString() }))
  }).on('error', reject).end()
})
const created = await fetch(`${base}/tp/api/projects`, { method: 'POST', headers: { authorization: 'Bearer host-session', 'content-type': 'application/json' }, body: JSON.stringify({ slug: 'hosted', name: 'Hosted' }) })
const listed = await fetch(`${base}/tp/api/projects`, { headers: { authorization: 'Bearer host-session' } })
const refused = await fetch(`${base}/tp/api/projects`)
const docs = await raw('/tp/docs')
const bundle = await raw('/tp/docs/assets/swagger-ui-bundle.js', { 'accept-encoding': 'gzip' })
const redoc = await raw('/tp/redoc/assets/redoc.standalone.js', { 'accept-encoding': 'identity' })
console.log(JSON.stringify({
  sameKoa: app instanceof Koa,
  created: created.status,
  projects: (await listed.json()).items.map((p) => p.name),
  refused: [refused.status, (await refused.json()).error],
  docsLinksUnderMount: docs.text.includes('/tp/docs/assets/swagger-ui-bundle.js') && docs.text.includes('"/tp/openapi.json"'),
  bundle: { status: bundle.status, encoding: bundle.headers['content-encoding'], bytes: bundle.bytes, etag: Boolean(bundle.headers.etag), cache: bundle.headers['cache-control'] },
  redoc: { status: redoc.status, encoding: redoc.headers['content-encoding'] ?? null, bytes: redoc.bytes },
  host: await (await fetch(`${base}/elsewhere`)).json(),
  // A GitHub import: Octokit loads at this first call; without it (a REST-only host), the answer names it.
  github: await (async () => {
    const auth = { authorization: 'Bearer host-session', 'content-type': 'application/json' }
    const pid = (await (await fetch(`${base}/tp/api/projects`, { method: 'POST', headers: auth, body: JSON.stringify({ slug: 'gh', name: 'GitHub' }) })).json()).id
    const integration = await (await fetch(`${base}/tp/api/projects/${pid}/integrations`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'github', access_token: 't', settings: { owner: 'acme', repo: 'app', api_url: 'http://127.0.0.1:9' } }) })).json()
    const imported = await fetch(`${base}/tp/api/projects/${pid}/integrations/${integration.id}/import`, { method: 'POST', headers: auth })
    return `${imported.status} ${JSON.stringify((await imported.json()).errors)}`
  })(),
  // Who answers POST /tp/mcp: taskport's MCP (JSON-RPC with the tools), or, with mcp: false, the host's own routes.
  mcp: await fetch(`${base}/tp/mcp`, { method: 'POST', headers: { authorization: 'Bearer host-session', 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) })
    .then(async (res) => { const body = await res.json(); return body.result ? `${res.status}: ${body.result.tools.length} tools` : `${res.status}: ${JSON.stringify(body)}` }),
}))
server.close()
