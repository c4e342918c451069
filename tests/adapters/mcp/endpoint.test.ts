// POST /mcp as an HTTP endpoint: authentication like REST with the RFC 9728 challenge, Origin checking, JSON-RPC
// errors for what is not a tool call (unknown tool, malformed JSON, an invalid request), GET/DELETE 405, statelessness,
// the body limit, and read-only mode.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { expectError, ISSUER, startApi, type ApiServer } from '../../support/http.js'
import { callTool, mcpClient, postMcp } from '../../support/mcp.js'

interface Ctx {
  api: ApiServer
  token: string
}

const it = suite<Ctx>('the /mcp endpoint')

it.before(async (ctx) => {
  ctx.api = await startApi({ mcp: { allowedOrigins: ['https://agents.example.com'] } })
  ctx.token = await ctx.api.jwks.sign({ sub: 'wes', email: 'wes@example.com', name: 'wes' })
})
it.after(async (ctx) => ctx.api.stop())

const initialize = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })
const toolsList = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} })

it('without valid credentials: 401 in the error shape with the resource_metadata challenge', async ({ api }) => {
  const challenge = `Bearer resource_metadata="${api.base}/.well-known/oauth-protected-resource"`
  const expired = await api.jwks.sign({ sub: 'wes', email: 'wes@example.com' }, { expiresIn: '-1m' })
  const otherAudience = await api.jwks.sign({ sub: 'wes', email: 'wes@example.com' }, { audience: 'someone-else' })
  for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${expired}`, `Bearer ${otherAudience}`, 'Basic d2VzOnB3']) {
    const res = await postMcp(api, toolsList, authorization ? { authorization } : {})
    expectError({ status: res.status, body: res.body }, 401, 'unauthorized')
    assert.is(res.headers.get('www-authenticate'), challenge, String(authorization))
  }
  const doc = await fetch(`${api.base}/.well-known/oauth-protected-resource`)
  assert.is(doc.status, 200)
  assert.equal(await doc.json(), { resource: `${api.base}/mcp`, authorization_servers: [ISSUER], bearer_methods_supported: ['header'] })
})

it('Origin: absent or allowed passes, any other is 403 (before credentials are looked at)', async ({ api, token }) => {
  const ok = await postMcp(api, toolsList, { authorization: `Bearer ${token}`, origin: 'https://agents.example.com' })
  assert.is(ok.status, 200, JSON.stringify(ok.body))
  for (const origin of ['https://evil.example.com', 'null', 'http://agents.example.com']) {
    const res = await postMcp(api, toolsList, { authorization: `Bearer ${token}`, origin })
    expectError({ status: res.status, body: res.body }, 403, 'forbidden')
  }
  expectError(await postMcp(api, toolsList, { origin: 'https://evil.example.com' }).then((r) => ({ status: r.status, body: r.body })), 403, 'forbidden')
})

it('stateless: no session id, and any request works without an initialize first', async ({ api, token }) => {
  const init = await postMcp(api, initialize, { authorization: `Bearer ${token}` })
  assert.is(init.status, 200)
  assert.is(init.headers.get('mcp-session-id'), null)
  assert.is(init.body.result.serverInfo.name, 'taskport')
  const list = await postMcp(api, toolsList, { authorization: `Bearer ${token}` })
  assert.is(list.status, 200)
  assert.is(list.body.result.tools.length, 16)
  assert.match(list.headers.get('content-type') ?? '', 'application/json')
})

it('the transport rules of a POST: Content-Type 415, protocol version 400, batches, 202 for notifications only; any Accept', async ({ api, token }) => {
  const auth = { authorization: `Bearer ${token}` }
  const error = (res: { status: number; body: any }) => [res.status, res.body?.error?.code]
  // Every answer is JSON, whatever the client says it accepts (the SDK's transport would answer 406).
  for (const accept of ['application/json', 'text/event-stream', '*/*', '']) assert.is((await postMcp(api, toolsList, { ...auth, accept })).body.result.tools.length, 16, accept)
  expectError(await postMcp(api, toolsList, { ...auth, 'content-type': 'text/plain' }), 415, 'unsupported_media_type')
  assert.is((await postMcp(api, toolsList, { ...auth, 'content-type': 'application/json; charset=utf-8' })).status, 200)
  const old = await postMcp(api, toolsList, { ...auth, 'mcp-protocol-version': '1999-01-01' })
  expectError(old, 400, 'validation_error')
  assert.equal(old.body.errors[0].path, 'MCP-Protocol-Version')
  assert.match(old.body.detail, '1999-01-01 is not a supported protocol version')
  assert.is((await postMcp(api, toolsList, { ...auth, 'mcp-protocol-version': '2025-06-18' })).status, 200)
  // A batch: the answers to its requests, in their order; its notifications get none.
  const batch = await postMcp(api, JSON.stringify([
    { jsonrpc: '2.0', id: 'a', method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/initialized' }, { jsonrpc: '2.0', id: 'b', method: 'tools/call', params: { name: 'whoami', arguments: {} } },
  ]), auth)
  assert.is(batch.status, 200)
  assert.equal(batch.body.map((m: any) => m.id), ['a', 'b'])
  assert.is(batch.body[1].result.structuredContent.handle, '@wes')
  const notifications = await postMcp(api, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), auth)
  assert.equal([notifications.status, notifications.body, notifications.headers.get('content-length')], [202, null, '0'])
  const cancel = await postMcp(api, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'taskport-1' } }), auth)
  assert.is(cancel.status, 202)
  const tooMany = await postMcp(api, JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'ping' }))), auth)
  assert.equal(error(tooMany), [400, -32600])
  assert.is(error(await postMcp(api, '[]', auth))[1], -32600)
  const twoInits = await postMcp(api, `[${initialize},${initialize.replace('"id":1', '"id":9')}]`, auth)
  assert.equal(error(twoInits), [400, -32600])
})

it('POSTs in flight together, with the same JSON-RPC id, each get their own answer as their own caller', async ({ api }) => {
  const people = ['ann', 'ben', 'cyd', 'dee', 'eve', 'fay', 'gus', 'hal']
  const tokens = await Promise.all(people.map((sub) => api.jwks.sign({ sub, email: `${sub}@example.com`, name: sub })))
  const whoami = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } })
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => postMcp(api, whoami, { authorization: `Bearer ${tokens[i % people.length]}` })))
  answers.forEach((res, i) => {
    assert.is(res.body.id, 1)
    assert.is(res.body.result.structuredContent.handle, `@${people[i % people.length]}`, `answer ${i}`)
  })
})

it('JSON-RPC errors: unknown tool -32602, malformed JSON -32700, an invalid request -32600; GET and DELETE 405', async ({ api, token }) => {
  const auth = { authorization: `Bearer ${token}` }
  const unknown = await postMcp(api, JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'drop_database', arguments: {} } }), auth)
  assert.equal([unknown.status, unknown.body.id, unknown.body.error.code, unknown.body.error.message], [200, 7, -32602, 'Unknown tool: drop_database'])
  const malformed = await postMcp(api, '{"jsonrpc": "2.0", "id": 1, "method": ', auth)
  assert.equal([malformed.status, malformed.body.error.code, malformed.body.id], [400, -32700, null])
  const invalid = await postMcp(api, JSON.stringify({ jsonrpc: '2.0', id: 3, params: {} }), auth)
  assert.is(invalid.body.error.code, -32600, JSON.stringify(invalid.body))
  // Params that do not fit the method: -32602 with the issue, where the SDK alone answers -32603 with a parser dump.
  for (const [params, why] of [
    [undefined, 'params: Invalid input: expected object, received undefined'],
    [{ name: 'get_task', arguments: 'task_id=1' }, 'params.arguments: Invalid input: expected record, received string'],
    [{ name: 7 }, 'params.name: Invalid input: expected string, received number'],
  ] as const) {
    const res = await postMcp(api, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params }), auth)
    assert.equal([res.status, res.body.id, res.body.error], [200, 4, { code: -32602, message: `Invalid params: ${why}` }], JSON.stringify(res.body))
  }
  const list = await postMcp(api, JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list', params: { cursor: 5 } }), auth)
  assert.is(list.body.error.code, -32602, JSON.stringify(list.body))
  // Text PostgreSQL cannot store, in an argument, is a validation error of that argument (a tool result).
  const nul = await postMcp(api, JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'create_task', arguments: { project_id: 1, title: 'a\u0000b' } } }), auth)
  assert.equal(nul.body.result.structuredContent, {
    error: 'validation_error', detail: 'title: must not contain NUL characters or unpaired surrogates', status_code: 400,
    errors: [{ path: 'title', message: 'must not contain NUL characters or unpaired surrogates' }],
  })
  assert.is(nul.body.result.isError, true)
  const client = await mcpClient(api, token)
  try {
    await client.callTool({ name: 'nope', arguments: {} }).then(() => assert.unreachable('must be a JSON-RPC error'), (error: { code?: number }) => assert.is(error.code, -32602))
  } finally {
    await client.close()
  }
  for (const method of ['GET', 'DELETE']) {
    const res = await api.call(method, '/mcp', { token })
    expectError(res, 405, 'method_not_allowed')
    assert.is(res.headers.get('allow'), 'POST')
  }
})

it('the body limit of the REST API: over 1 MiB is a 413', async ({ api, token }) => {
  const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_task', arguments: { project_id: 1, title: 'x'.repeat(1024 * 1024) } } })
  const res = await postMcp(api, huge, { authorization: `Bearer ${token}` })
  expectError({ status: res.status, body: res.body }, 413, 'payload_too_large')
})

it('read-only mode lists and serves only the read tools', async () => {
  const api = await startApi({ mcp: { readOnly: true } })
  try {
    const token = await api.jwks.sign({ sub: 'ro', email: 'ro@example.com' })
    const client = await mcpClient(api, token)
    const { tools } = await client.listTools()
    assert.equal(tools.map((t) => t.name), ['whoami', 'list_projects', 'get_project', 'list_members', 'list_tasks', 'get_task', 'task_audit', 'project_audit'])
    const projects = await callTool(client, 'list_projects')
    assert.not.ok(projects.isError)
    const pid = projects.json.items[0].id
    await client.callTool({ name: 'create_task', arguments: { project_id: pid, title: 'no' } }).then(() => assert.unreachable('write tools are not served'), (error: { code?: number }) => assert.is(error.code, -32602))
    assert.is((await api.sql('select count(*)::int as n from tasks'))[0].n, 0)
    await client.close()
  } finally {
    await api.stop()
  }
})

it.run()
