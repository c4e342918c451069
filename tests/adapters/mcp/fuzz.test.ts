// Hostile tool arguments with fast-check, through the SDK's own Client and as raw JSON-RPC, against a real server
// on PostgreSQL: wrong types, missing fields, huge values, hostile strings, arguments that are not objects, unknown
// tools and methods. Every answer is a tool error with the contract's error body, or a JSON-RPC error object (or,
// for a read, its ordinary result); never a 5xx, never a crash; and nothing is written.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { McpError } from '@modelcontextprotocol/sdk/types.js'
import fc from 'fast-check'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { TOOLS } from '../../../src/adapters/mcp/tools.js'
import { anyJson, check, expectErrorBody, fingerprint, hasSchemaType, SPECIAL_TEXT } from '../../support/fuzz-http.js'
import { startApi, type ApiServer } from '../../support/http.js'
import { callTool, mcpClient, postMcp } from '../../support/mcp.js'

interface Ctx {
  api: ApiServer
  token: string
  client: Client
  valid: Record<string, unknown>
  before: Record<string, string>
}

const it = suite<Ctx>('MCP tools under hostile arguments (fast-check)')

it.before(async (ctx) => {
  ctx.api = await startApi()
  const { api } = ctx
  const pid = (await api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'mcp-fuzz', name: 'MCP fuzz', key: 'MF' } })).body.id
  const task = (await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Target' } })).body
  await api.call('PATCH', `/api/tasks/${task.id}/status`, { as: 'wes', body: { status: 'in_progress' } })
  ctx.token = await api.jwks.sign({ sub: 'wes', email: 'wes@example.com', name: 'wes' })
  ctx.client = await mcpClient(api, ctx.token)
  const me = (await callTool(ctx.client, 'whoami')).json.worker_id
  // Arguments each tool would accept: every case below breaks at least one of them (for a write).
  ctx.valid = {
    project_id: pid, task_id: task.id, title: 'A title', status: 'review', reason: 'Because', percent: 40, note: 'Half',
    assignee_id: me, priority: 'high', tags: ['a'], description: 'Text', limit: 5, expected_version: 2,
  }
  ctx.before = await fingerprint(api)
})
it.after(async (ctx) => {
  await ctx.client.close()
  await ctx.api.stop()
})

type Schema = { properties: Record<string, Record<string, unknown>>; required?: string[] }
const schemaOf = (name: string): Schema => TOOLS.find((t) => t.name === name)!.inputSchema as Schema

/** Strings no field should choke on: injections, controls, astral text, and ones far over any length limit. */
const hostileString = fc.oneof(
  fc.constantFrom(...SPECIAL_TEXT, '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', 'x'.repeat(100_000), '🙂'.repeat(50_000), ' '.repeat(10_000)),
  fc.string({ unit: 'binary', maxLength: 40 }),
)

/** Arguments for `name` that break at least one rule of its input schema. */
const broken = (valid: Record<string, unknown>, name: string): fc.Arbitrary<{ label: string; args: unknown }>[] => {
  const { properties, required = [] } = schemaOf(name)
  const base = Object.fromEntries(Object.keys(properties).filter((k) => k in valid).map((k) => [k, valid[k]]))
  const fields = Object.keys(properties)
  const wrong = fc.oneof(anyJson, hostileString, fc.constantFrom(1e300, -(2 ** 31), 2 ** 31, 0, 3.5, -0.0001))
  return [
    ...(fields.length > 0
      ? [fc.constantFrom(...fields).chain((field) => wrong.filter((v) => !hasSchemaType(properties[field]!, v))
        .map((v) => ({ label: `${field} = ${JSON.stringify(v)?.slice(0, 60)}`, args: { ...base, [field]: v } })))]
      : []),
    ...(required.length > 0
      ? [fc.constantFrom(...required).map((field) => {
        const { [field]: _, ...rest } = base
        return { label: `without ${field}`, args: rest }
      })]
      : []),
    // text where a rule refuses it: NUL, lone surrogates, an empty or huge title, a huge reason
    ...('title' in properties ? [fc.constantFrom('', '   ', 'x'.repeat(100_000), 'a\u0000b', '\ud800').map((v) => ({ label: `title ${JSON.stringify(v.slice(0, 8))}`, args: { ...base, title: v } }))] : []),
  ]
}

const READS = new Set(TOOLS.filter((t) => t.readOnly).map((t) => t.name))

/** Arguments for a read: any value in any field (a read may succeed; it must not fail badly nor write). */
const anyReadArgs = (valid: Record<string, unknown>, name: string): fc.Arbitrary<{ label: string; args: unknown }> => {
  const { properties } = schemaOf(name)
  const fields = Object.keys(properties)
  const value = fc.oneof(anyJson, hostileString)
  return fc.record(Object.fromEntries(fields.map((f) => [f, fc.oneof(fc.constant(valid[f]), value)])), { requiredKeys: [] })
    .map((args) => ({ label: JSON.stringify(args).slice(0, 120), args }))
}

it('every tool, through the SDK client: broken arguments are a validation tool error, reads of anything never fail badly', async (ctx) => {
  const { client, valid } = ctx
  const seen = new Map<string, number>()
  await check(fc.asyncProperty(
    fc.constantFrom(...TOOLS.map((t) => t.name)).chain((name) => fc.tuple(fc.constant(name), fc.oneof(...broken(valid, name), ...(READS.has(name) ? [anyReadArgs(valid, name)] : [])))),
    async ([name, c]) => {
      const why = `${name} ${c.label}`
      let answer
      try {
        answer = await callTool(client, name, c.args as Record<string, unknown>)
      } catch (error) {
        // The SDK client validates every result against the tool's outputSchema and throws an McpError otherwise.
        assert.unreachable(`${why}: the call threw ${error instanceof McpError ? `McpError ${error.code}` : ''} ${(error as Error).message}`)
        return
      }
      assert.equal(JSON.parse(answer.text), answer.json, `${why}: the text carries the structured content`)
      if (!READS.has(name) || answer.isError) {
        assert.ok(answer.isError, `${why}: refused, not ${answer.text.slice(0, 200)}`)
        expectErrorBody(answer.json, `${why} -> ${answer.text.slice(0, 300)}`)
        seen.set(answer.json.error, (seen.get(answer.json.error) ?? 0) + 1)
      } else seen.set('read answered', (seen.get('read answered') ?? 0) + 1)
    },
  ), 400)
  console.log(`    SDK client: ${[...seen].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  assert.ok((seen.get('validation_error') ?? 0) > 100, 'most broken arguments fail validation')
  assert.equal(await fingerprint(ctx.api), ctx.before, 'nothing written')
})

/** JSON-RPC messages no SDK client sends: arguments that are not objects, names that are not strings, odd methods and ids. */
const rawMessage = fc.oneof(
  { weight: 3, arbitrary: fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
    method: fc.constant('tools/call'),
    params: fc.oneof(
      anyJson,
      fc.record({ name: fc.oneof(fc.constantFrom(...TOOLS.map((t) => t.name)), anyJson, hostileString), arguments: fc.oneof(anyJson, hostileString) }, { requiredKeys: [] }),
    ),
  }, { requiredKeys: ['jsonrpc', 'method', 'id'] }) },
  fc.record({
    jsonrpc: fc.oneof(fc.constant('2.0'), anyJson),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), anyJson),
    method: fc.oneof(fc.constantFrom('tools/list', 'tools/call', 'resources/list', 'prompts/get', 'initialize', 'ping', 'rpc.discover', '__proto__'), hostileString, anyJson),
    params: anyJson,
  }, { requiredKeys: [] }),
  anyJson,
)

it('raw JSON-RPC: every answer is a JSON-RPC error, a tool error with the error body, or an ordinary result; never a 5xx', async (ctx) => {
  const { api, token } = ctx
  const seen = new Map<string, number>()
  const count = (k: string): void => {
    seen.set(k, (seen.get(k) ?? 0) + 1)
  }
  await check(fc.asyncProperty(rawMessage, async (message) => {
    const body = JSON.stringify(message) ?? 'null'
    const answer = await postMcp(api, body, { authorization: `Bearer ${token}` })
    const why = `${body.slice(0, 200)} -> ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`
    assert.ok([200, 202, 400].includes(answer.status), `200, 202 for a notification, 400 for an invalid message: ${why}`)
    if (answer.status === 202) {
      assert.ok(typeof message === 'object' && message !== null && !('id' in message), `202 only for a notification: ${why}`)
      return count('202 notification')
    }
    const reply = answer.body
    assert.is(reply.jsonrpc, '2.0', why)
    if (answer.status === 400) assert.ok([-32700, -32600].includes(reply.error?.code), `400 only for an invalid message: ${why}`)
    if (reply.error) {
      assert.ok([-32700, -32600, -32601, -32602].includes(reply.error.code), `a JSON-RPC error code: ${why}`)
      assert.type(reply.error.message, 'string')
      return count(`JSON-RPC ${reply.error.code}`)
    }
    assert.type(reply.result, 'object', why)
    if (reply.result.isError) {
      expectErrorBody(reply.result.structuredContent, why)
      return count(`tool error ${reply.result.structuredContent.error}`)
    }
    const method = (message as { method: string }).method
    assert.ok(['tools/list', 'ping', 'initialize'].includes(method) || READS.has((message as any).params?.name), `a result only for a read: ${why}`)
    count(`result of ${method}`)
  }), 400)
  console.log(`    raw JSON-RPC: ${[...seen].map(([k, n]) => `${k} ${n}`).join(', ')}`)
  assert.ok((seen.get('JSON-RPC -32600') ?? 0) > 0 && (seen.get('JSON-RPC -32602') ?? 0) > 0, 'both kinds of JSON-RPC error were met')
  assert.equal(await fingerprint(api), ctx.before, 'nothing written')
  assert.is((await callTool(ctx.client, 'get_task', { task_id: ctx.valid.task_id })).json.status, 'in_progress', 'the server still serves')
})

it.run()
