// The MCP tools with the SDK's own Client over streamable HTTP, against a real server on PostgreSQL: every tool's
// answer equals the REST route's, every refusal equals the REST error body, and an agent's changes are audited
// exactly like a human's over REST.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startApi, type ApiServer } from '../../support/http.js'
import { callTool, mcpClient } from '../../support/mcp.js'

interface Ctx {
  api: ApiServer
  pid: number
  wes: Client
  vic: Client
  out: Client
  agent: Client
  agentId: number
  outsiderId: number
}

const it = suite<Ctx>('MCP tools')

it.before(async (ctx) => {
  ctx.api = await startApi()
  const { api } = ctx
  ctx.pid = (await api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'mcp-tools', name: 'MCP tools', key: 'MT' } })).body.id
  await api.call('POST', `/api/projects/${ctx.pid}/members`, { as: 'wes', body: { user_id: 'vic', email: 'vic@example.com', role: 'viewer' } })
  ctx.agentId = (await api.call('POST', '/api/workers/agents', { as: 'wes', body: { handle: '@claude-code', agent_type: 'claude' } })).body.id
  await api.call('POST', `/api/projects/${ctx.pid}/members`, { as: 'wes', body: { agent_id: ctx.agentId, role: 'member' } })
  const sign = (sub: string, extra: object = {}) => api.jwks.sign({ sub, email: sub.startsWith('@') ? undefined : `${sub}@example.com`, name: sub, ...extra })
  ctx.wes = await mcpClient(api, await sign('wes'))
  ctx.vic = await mcpClient(api, await sign('vic'))
  ctx.out = await mcpClient(api, await sign('out'))
  ctx.agent = await mcpClient(api, await sign('@claude-code', { actor_type: 'agent' }))
  ctx.outsiderId = (await callTool(ctx.out, 'whoami')).json.worker_id
})
it.after(async (ctx) => {
  for (const c of [ctx.wes, ctx.vic, ctx.out, ctx.agent]) await c.close()
  await ctx.api.stop()
})

/** The task of a detail answer, without what only the detail route adds. */
const plain = (detail: any) => {
  const { subtasks: _s, recent_audit: _r, ...task } = detail
  return task
}

it('the tools list: 16 tools, each with input and output schemas and annotations, under 16 KiB', async ({ wes }) => {
  const { tools } = await wes.listTools()
  assert.equal(tools.map((t) => t.name), [
    'whoami', 'list_projects', 'get_project', 'list_members', 'list_tasks', 'get_task', 'create_task', 'create_subtask', 'update_task',
    'change_task_status', 'report_progress', 'assign_task', 'approve_task', 'reject_task', 'task_audit', 'project_audit',
  ])
  for (const tool of tools) {
    assert.is(tool.inputSchema.type, 'object', tool.name)
    assert.is(tool.outputSchema?.type, 'object', tool.name)
    assert.type(tool.description, 'string')
    assert.is(tool.annotations?.readOnlyHint, ['whoami', 'list_projects', 'get_project', 'list_members', 'list_tasks', 'get_task', 'task_audit', 'project_audit'].includes(tool.name), tool.name)
  }
  const size = Buffer.byteLength(JSON.stringify({ tools }))
  console.log(`    tools/list: ${tools.length} tools, ${size} bytes of JSON`)
  assert.ok(size < 16 * 1024, `${size} bytes`)
  const create = tools.find((t) => t.name === 'create_task')
  assert.equal(create?.inputSchema.required, ['project_id', 'title'])
  assert.equal(Object.keys(create?.inputSchema.properties ?? {}).sort(), ['assignee_id', 'description', 'due_date', 'idempotency_key', 'parent_task_id', 'priority', 'project_id', 'story_points', 'tags', 'title'])
  for (const tool of tools) assert.is('idempotency_key' in (tool.inputSchema.properties ?? {}), tool.annotations?.readOnlyHint !== true, tool.name)
})

it('idempotency_key: a repeated call gets the first answer again and changes nothing; the key for other arguments is refused', async ({ api, pid, wes }) => {
  const count = async () => Number((await api.sql(`select count(*) as n from tasks where title = 'Keyed from an agent'`))[0].n)
  const args = { project_id: pid, title: 'Keyed from an agent', priority: 'high', idempotency_key: 'agent-run-41/step-3' }
  const first = await wes.callTool({ name: 'create_task', arguments: args }) as { structuredContent: any; _meta?: Record<string, unknown> }
  assert.is(first._meta?.['taskport/idempotent-replayed'], undefined)
  const again = await wes.callTool({ name: 'create_task', arguments: { ...args, priority: 'high' } }) as { structuredContent: any; _meta?: Record<string, unknown> }
  assert.equal(again.structuredContent, first.structuredContent)
  assert.is(again._meta?.['taskport/idempotent-replayed'], true)
  assert.is(await count(), 1)
  const reused = await callTool(wes, 'create_task', { ...args, priority: 'low' })
  assert.ok(reused.isError)
  assert.equal([reused.json.error, reused.json.status_code], ['idempotency_key_reused', 422])
  const bad = await callTool(wes, 'create_task', { ...args, idempotency_key: 'two words' })
  assert.equal([bad.isError, bad.json.error, bad.json.errors], [true, 'validation_error', [{ path: 'idempotency_key', message: 'must be 1..255 visible ASCII characters' }]])
  // The same key on REST is another request (another fingerprint): refused, not replayed as a tool answer.
  const rest = await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Keyed from an agent' }, headers: { 'idempotency-key': args.idempotency_key } })
  assert.is(rest.status, 422)
  assert.is(await count(), 1)
})

it('every tool answers what its REST route answers', async ({ api, pid, wes, agentId }) => {
  const rest = async (method: string, path: string, body?: unknown) => (await api.call(method, path, { as: 'wes', ...(body ? { body } : {}) })).body
  const who = await callTool(wes, 'whoami')
  const me = (await rest('GET', `/api/projects/${pid}/members`)).items.find((m: any) => m.handle === '@wes')
  assert.equal(who.json, { worker_id: me.worker_id, type: 'human', handle: '@wes', name: 'wes', email: 'wes@example.com', platform_admin: false })
  assert.equal(JSON.parse(who.text), who.json, 'the text content carries the same JSON')

  const created = await callTool(wes, 'create_task', { project_id: pid, title: 'From an agent tool', priority: 'high', tags: ['mcp'] })
  assert.not.ok(created.isError)
  const id = created.json.id
  assert.equal(created.json, plain(await rest('GET', `/api/tasks/${id}`)))
  const viaRest = await rest('POST', `/api/projects/${pid}/tasks`, { title: 'From REST', priority: 'high', tags: ['mcp'] })
  assert.equal(Object.keys(created.json).sort(), Object.keys(viaRest).sort(), 'same shape as the REST creation')
  const sub = await callTool(wes, 'create_subtask', { task_id: id, title: 'Child' })
  assert.equal(sub.json, plain(await rest('GET', `/api/tasks/${sub.json.id}`)))
  assert.is(sub.json.parent_task_id, id)
  const updated = await callTool(wes, 'update_task', { task_id: id, description: 'More', expected_version: created.json.version })
  assert.equal(updated.json, plain(await rest('GET', `/api/tasks/${id}`)))
  const stale = await callTool(wes, 'update_task', { task_id: id, description: 'Stale', expected_version: created.json.version })
  assert.is(stale.json.error, 'precondition_failed')
  const assigned = await callTool(wes, 'assign_task', { task_id: id, assignee_id: agentId })
  assert.equal([assigned.json.assignee_id, assigned.json.assignee_handle], [agentId, '@claude-code'])
  const started = await callTool(wes, 'change_task_status', { task_id: id, status: 'in_progress', reason: 'go' })
  assert.equal(started.json, plain(await rest('GET', `/api/tasks/${id}`)))
  const progressed = await callTool(wes, 'report_progress', { task_id: id, percent: 60, note: 'half' })
  assert.is(progressed.json.progress_percent, 60)
  await callTool(wes, 'change_task_status', { task_id: id, status: 'review' })
  const rejected = await callTool(wes, 'reject_task', { task_id: id, reason: 'tests' })
  assert.is(rejected.json.status, 'in_progress')
  await callTool(wes, 'change_task_status', { task_id: id, status: 'review' })
  const approved = await callTool(wes, 'approve_task', { task_id: id })
  assert.equal(approved.json, plain(await rest('GET', `/api/tasks/${id}`)))
  assert.is(approved.json.status, 'completed')

  assert.equal((await callTool(wes, 'get_task', { task_id: id })).json, await rest('GET', `/api/tasks/${id}`))
  assert.equal((await callTool(wes, 'get_project', { project_id: pid })).json, await rest('GET', `/api/projects/${pid}`))
  assert.equal((await callTool(wes, 'list_projects', { limit: 5 })).json, await rest('GET', '/api/projects?limit=5'))
  assert.equal((await callTool(wes, 'list_members', { project_id: pid })).json, await rest('GET', `/api/projects/${pid}/members`))
  assert.equal((await callTool(wes, 'list_tasks', { project_id: pid, tag: 'mcp', priority: 'high', parent_id: 'none' })).json, await rest('GET', `/api/projects/${pid}/tasks?tag=mcp&priority=high&parent_id=none`))
  assert.equal((await callTool(wes, 'list_tasks', { project_id: pid, assignee_id: agentId, limit: 1 })).json, await rest('GET', `/api/projects/${pid}/tasks?assignee_id=${agentId}&limit=1`))
  assert.equal((await callTool(wes, 'task_audit', { task_id: id })).json, await rest('GET', `/api/tasks/${id}/audit`))
  assert.equal((await callTool(wes, 'project_audit', { project_id: pid, action: 'status_changed', limit: 3 })).json, await rest('GET', `/api/projects/${pid}/audit?action=status_changed&limit=3`))
})

it('every refusal is the REST error body, as an isError result', async ({ api, pid, wes, vic, out, outsiderId }) => {
  const task = (await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Refusals' } })).body
  const child = (await api.call('POST', `/api/tasks/${task.id}/subtasks`, { as: 'wes', body: { title: 'Child' } })).body
  const same = async (client: Client, tool: string, args: Record<string, unknown>, as: string, method: string, path: string, body?: unknown) => {
    const mcp = await callTool(client, tool, args)
    const rest = await api.call(method, path, { as, ...(body ? { body } : {}) })
    assert.ok(mcp.isError, `${tool}: isError`)
    assert.ok(rest.status >= 400, `${tool}: REST refused too`)
    assert.equal(mcp.json, rest.body, tool)
    assert.equal(JSON.parse(mcp.text), rest.body)
    return mcp.json
  }
  assert.is((await same(vic, 'create_task', { project_id: pid, title: 'no' }, 'vic', 'POST', `/api/projects/${pid}/tasks`, { title: 'no' })).error, 'forbidden')
  assert.is((await same(out, 'get_task', { task_id: task.id }, 'out', 'GET', `/api/tasks/${task.id}`)).error, 'not_found')
  assert.is((await same(out, 'get_project', { project_id: pid }, 'out', 'GET', `/api/projects/${pid}`)).error, 'not_found')
  const transition = await same(wes, 'change_task_status', { task_id: task.id, status: 'review' }, 'wes', 'PATCH', `/api/tasks/${task.id}/status`, { status: 'review' })
  assert.equal([transition.error, transition.allowed], ['invalid_transition', ['in_progress', 'blocked', 'backlog', 'cancelled']])
  assert.is((await same(wes, 'create_task', { project_id: pid, title: '' }, 'wes', 'POST', `/api/projects/${pid}/tasks`, { title: '' })).error, 'validation_error')
  const types = await same(wes, 'create_task', { project_id: pid, title: 7, tags: 'x' }, 'wes', 'POST', `/api/projects/${pid}/tasks`, { title: 7, tags: 'x' })
  assert.equal(types.errors.map((e: any) => e.path).sort(), ['tags', 'title'])
  assert.is((await same(wes, 'update_task', { task_id: task.id, parent_task_id: child.id }, 'wes', 'PUT', `/api/tasks/${task.id}`, { parent_task_id: child.id })).detail, 'Circular reference detected')
  assert.is((await same(wes, 'assign_task', { task_id: task.id, assignee_id: outsiderId }, 'wes', 'PATCH', `/api/tasks/${task.id}/assign`, { assignee_id: outsiderId })).error, 'domain_rule_violation')
  assert.is((await same(wes, 'list_tasks', { project_id: pid, status: 'done' }, 'wes', 'GET', `/api/projects/${pid}/tasks?status=done`)).error, 'validation_error')
  assert.is((await same(wes, 'project_audit', { project_id: pid, entity_type: 'planet' }, 'wes', 'GET', `/api/projects/${pid}/audit?entity_type=planet`)).error, 'validation_error')
  assert.is((await same(wes, 'list_projects', { limit: 500 }, 'wes', 'GET', '/api/projects?limit=500')).error, 'validation_error')
  const missing = await callTool(wes, 'get_task', {})
  assert.equal([missing.isError, missing.json.error, missing.json.errors.map((e: any) => e.path)], [true, 'validation_error', ['task_id']])
})

it("an agent's changes are audited with actor_type agent, in the same shape as a human's over REST", async ({ api, pid, agent, agentId }) => {
  const task = (await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Agent work', assignee_id: agentId } })).body
  const twin = (await api.call('POST', `/api/projects/${pid}/tasks`, { as: 'wes', body: { title: 'Human work' } })).body
  const moved = await callTool(agent, 'change_task_status', { task_id: task.id, status: 'in_progress', reason: 'picked up' })
  assert.not.ok(moved.isError, JSON.stringify(moved.json))
  await api.call('PATCH', `/api/tasks/${twin.id}/status`, { as: 'wes', body: { status: 'in_progress', reason: 'picked up' } })
  const last = async (id: number) => (await api.call('GET', `/api/tasks/${id}/audit`, { as: 'wes' })).body.items.at(-1)
  const [byAgent, byHuman] = [await last(task.id), await last(twin.id)]
  assert.equal(Object.keys(byAgent).sort(), Object.keys(byHuman).sort())
  assert.equal([byAgent.action, byAgent.actor_type, byAgent.actor_id], ['status_changed', 'agent', agentId])
  assert.equal(byHuman.actor_type, 'human')
  assert.equal({ ...byAgent.details, after: { ...byAgent.details.after, started_at: 0 } }, { ...byHuman.details, after: { ...byHuman.details.after, started_at: 0 } })
  const who = await callTool(agent, 'whoami')
  assert.equal([who.json.type, who.json.handle, who.json.worker_id], ['agent', '@claude-code', agentId])
})

it.run()
