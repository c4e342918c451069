// `taskport mcp --url … --token …`, the stdio bridge, driven by the SDK's own StdioClientTransport: the CLI runs as
// a child process, exactly as Claude Code or Cursor start it, and talks to a real server on PostgreSQL.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startApi, type ApiServer } from '../../support/http.js'
import { callTool } from '../../support/mcp.js'

interface Ctx {
  api: ApiServer
  pid: number
}

const it = suite<Ctx>('the stdio bridge (taskport mcp)')

it.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'stdio', name: 'Over stdio', key: 'SB' } })).body.id
})
it.after(async (ctx) => {
  await ctx.api.stop()
})

/** The CLI as an MCP client starts it; its stderr is kept for the assertions. */
const bridge = async (url: string, token: string): Promise<{ client: Client; stderr: () => string; connected: Promise<void> }> => {
  const transport = new StdioClientTransport({
    command: process.execPath, args: ['--import', 'tsx', 'src/main/cli.ts', 'mcp', '--url', url, '--token', token], stderr: 'pipe', cwd: process.cwd(),
  })
  let err = ''
  transport.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  const client = new Client({ name: 'stdio-test', version: '1.0.0' })
  return { client, stderr: () => err, connected: client.connect(transport) }
}

it('an MCP client over stdio lists the tools and moves a task through review, audited as the token\'s worker', async ({ api, pid }) => {
  const token = await api.jwks.sign({ sub: 'wes', email: 'wes@example.com', name: 'wes' })
  const { client, connected } = await bridge(api.base, token)
  await connected
  try {
    assert.is(client.getServerVersion()?.name, 'taskport')
    const { tools } = await client.listTools()
    assert.is(tools.length, 16)
    const created = await callTool(client, 'create_task', { project_id: pid, title: 'Through the bridge' })
    assert.not.ok(created.isError, created.text)
    const id = created.json.id
    for (const status of ['in_progress', 'review']) assert.is((await callTool(client, 'change_task_status', { task_id: id, status })).json.status, status)
    const approved = await callTool(client, 'approve_task', { task_id: id })
    assert.equal([approved.json.status, approved.json.progress_percent], ['completed', 100])
    // A refusal crosses the bridge as the same isError result.
    const again = await callTool(client, 'change_task_status', { task_id: id, status: 'review' })
    assert.equal([again.isError, again.json.error, again.json.status_code], [true, 'invalid_transition', 400])
    const rest = (await api.call('GET', `/api/tasks/${id}`, { as: 'wes' })).body
    assert.equal(rest.status, 'completed')
    const me = (await callTool(client, 'whoami')).json.worker_id
    const audit = (await api.call('GET', `/api/tasks/${id}/audit`, { as: 'wes' })).body.items
    assert.equal(audit.map((e: any) => [e.action, e.actor_id, e.actor_type]), [
      ['created', me, 'human'], ['status_changed', me, 'human'], ['status_changed', me, 'human'], ['approved', me, 'human'],
    ])
  } finally {
    await client.close()
  }
})

it('a refused token: the initialize request fails with the HTTP status, and the reason is on stderr', async ({ api }) => {
  const { client, stderr, connected } = await bridge(api.base, 'not-a-jwt')
  try {
    await connected.then(() => assert.unreachable('must not connect'), (error: Error) => assert.match(error.message, 'taskport answered 401'))
    // stderr is another pipe: its line may arrive after the answer.
    for (let i = 0; i < 100 && !stderr().includes('\n'); i += 1) await new Promise((resolve) => setTimeout(resolve, 20))
    assert.match(stderr(), 'taskport mcp: taskport answered 401')
  } finally {
    await client.close()
  }
})

it('an unreachable server: a JSON-RPC error naming the URL, not a hang', async ({ api }) => {
  const token = await api.jwks.sign({ sub: 'wes', email: 'wes@example.com', name: 'wes' })
  // A port nothing listens on: a server that was listening and has stopped.
  const { createServer } = await import('node:net')
  const probe = createServer()
  const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)))
  await new Promise((resolve) => probe.close(resolve))
  const { client, connected } = await bridge(`http://127.0.0.1:${port}`, token)
  try {
    await connected.then(() => assert.unreachable('must not connect'), (error: Error) => assert.match(error.message, `taskport is unreachable at http://127.0.0.1:${port}/mcp`))
  } finally {
    await client.close()
  }
})

it.run()
