// docs/integrations/mcp.md, step by step, against the server as `npm start` runs it (development mode): register
// an agent, add it to a project, mint its token with the CLI, connect an MCP client, move a task through review
// (the developer hands a task to the agent, the agent works, the developer approves), then restart read-only.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { pino } from 'pino'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeConfig } from '../../src/main/config.js'
import { startServer } from '../../src/main/server.js'
import { freshDatabase } from '../support/postgres.js'
import { callTool, mcpClient } from '../support/mcp.js'

test('the MCP walkthrough of the docs, on the development server; then read-only mode', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'taskport-mcp-'))
  const database = await freshDatabase()
  const start = async (env: Record<string, string> = {}) => {
    const config = decodeConfig({ PORT: '0', DATABASE_URL: database.url, TASKPORT_DATA_DIR: dataDir, ...env })
    if (E.isLeft(config)) throw new Error(config.left.join())
    return startServer(config.right, pino({ level: 'silent' }))
  }
  let server = await start()
  try {
    const dev = server.devToken as string
    const rest = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method, headers: { authorization: `Bearer ${dev}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}),
      })
      return res.json() as Promise<any>
    }
    // 1. The agent and its membership (REST, as the developer).
    const agent = await rest('POST', '/api/workers/agents', { handle: '@claude-code', agent_type: 'claude' })
    const pid = (await rest('GET', '/api/projects')).items[0].id
    await rest('POST', `/api/projects/${pid}/members`, { agent_id: agent.id, role: 'member' })
    // 2. Its token, from the CLI.
    const minted = spawnSync(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'token', '--sub', '@claude-code', '--agent'], {
      encoding: 'utf8', env: { ...process.env, TASKPORT_DATA_DIR: dataDir },
    })
    assert.is(minted.status, 0, minted.stderr)
    // 3. An MCP client with that token (what Claude Code, Cursor and VS Code do with the config of the docs).
    const api = { base: server.url } as Parameters<typeof mcpClient>[0]
    const claude = await mcpClient(api, minted.stdout.trim())
    const developer = await mcpClient(api, dev)
    try {
      const me = (await callTool(claude, 'whoami')).json
      assert.equal([me.worker_id, me.type, me.handle], [agent.id, 'agent', '@claude-code'])
      // The developer hands a task to the agent (a member changes only the tasks assigned to it).
      const task = (await callTool(developer, 'create_task', { project_id: pid, title: 'Write the MCP docs', assignee_id: me.worker_id })).json
      assert.is(task.assignee_id, me.worker_id)
      await callTool(claude, 'change_task_status', { task_id: task.id, status: 'in_progress' })
      assert.is((await callTool(claude, 'report_progress', { task_id: task.id, percent: 60, note: 'Draft done' })).json.progress_percent, 60)
      assert.is((await callTool(claude, 'change_task_status', { task_id: task.id, status: 'review' })).json.status, 'review')
      // The review gate: the assignee cannot approve its own work; the developer can.
      const own = await callTool(claude, 'approve_task', { task_id: task.id })
      assert.equal([own.isError, own.json.status_code], [true, 403])
      assert.is((await callTool(developer, 'approve_task', { task_id: task.id })).json.status, 'completed')
      const audit = (await callTool(developer, 'task_audit', { task_id: task.id })).json.items
      assert.equal(audit.map((e: any) => [e.action, e.actor_type]), [
        ['created', 'human'], ['status_changed', 'agent'], ['progress_updated', 'agent'], ['status_changed', 'agent'], ['approved', 'human'],
      ])
    } finally {
      await claude.close()
      await developer.close()
    }
    const metadata = await (await fetch(`${server.url}/.well-known/oauth-protected-resource`)).json()
    assert.equal(metadata, { resource: `${server.url}/mcp`, authorization_servers: ['taskport-development'], bearer_methods_supported: ['header'] })

    // 4. Read-only: the same server restarted with TASKPORT_MCP_READ_ONLY=true serves the eight reads only.
    await server.close()
    server = await start({ TASKPORT_MCP_READ_ONLY: 'true' })
    const reader = await mcpClient({ base: server.url } as Parameters<typeof mcpClient>[0], server.devToken as string)
    try {
      const { tools } = await reader.listTools()
      assert.equal(tools.map((t) => t.name), ['whoami', 'list_projects', 'get_project', 'list_members', 'list_tasks', 'get_task', 'task_audit', 'project_audit'])
      await reader.callTool({ name: 'create_task', arguments: { project_id: pid, title: 'No' } })
        .then(() => assert.unreachable('a write tool is unknown in read-only mode'), (error: { code?: number }) => assert.is(error.code, -32602))
    } finally {
      await reader.close()
    }
  } finally {
    await server.close()
    await database.drop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test.run()
