// docs/integrations/inbound-sync.md is run, not just read: its curl push, the payload its Jira template renders,
// the Linear relay and the GitHub Actions script, each against a real taskport on PostgreSQL. The shell parts
// need curl and jq; without them those tests are reported as skipped by name.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startApi, type ApiServer } from '../support/http.js'

const DOC = readFileSync('docs/integrations/inbound-sync.md', 'utf8')
const WORKFLOW = readFileSync('docs/examples/github-actions-task-sync.yml', 'utf8')
const has = (tool: string) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0
const SHELL = has('curl') && has('jq')

const it = suite<{ api: ApiServer; pid: number }>('docs: inbound task-sync')
const shellTest = (name: string, fn: Parameters<typeof it>[1]) => {
  if (SHELL) it(name, fn)
  else {
    console.log(`  skipped: ${name} (needs curl and jq: apt-get install curl jq)`)
    it.skip(name, fn)
  }
}

it.before(async (ctx) => {
  ctx.api = await startApi({ rateLimit: { max: 10_000 } })
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'dana', body: { slug: 'docs-sync', name: 'Docs', key: 'DS' } })).body.id
})
it.after(async (ctx) => {
  await ctx.api.stop()
})

/** The ```json block of the doc that contains `marker`. */
const jsonBlock = (marker: string): any => {
  const block = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').find((b) => b.includes(marker))
  assert.ok(block, `a json block with ${marker}`)
  return JSON.parse(block ?? '')
}

const tokenFor = async (api: ApiServer, pid: number, body: unknown): Promise<string> => {
  const created = await api.call('POST', `/api/projects/${pid}/api-tokens`, { as: 'dana', body })
  assert.is(created.status, 201, JSON.stringify(created.body))
  return created.body.token
}

/** Runs a script without blocking the event loop: the server it calls lives in this process. */
const bash = (script: string, env: Record<string, string>, cwd?: string): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('close', (status) => resolve({ status, stdout, stderr }))
  })

const task = async (api: ApiServer, id: number) => (await api.call('GET', `/api/tasks/${id}`, { as: 'dana' })).body

shellTest('the first curl push of the doc creates the task, with the Jira status map of step 1', async ({ api, pid }) => {
  const step1 = /-d '(\{"name":"jira automation".*\})'/.exec(DOC)?.[1]
  assert.ok(step1, 'step 1 has a token body')
  const token = await tokenFor(api, pid, JSON.parse(step1 ?? ''))
  const script = /<!-- tested: first-push -->\n```sh\n([\s\S]*?)```/.exec(DOC)?.[1]
  assert.ok(script, 'the doc has the first push')
  const run = await bash(script ?? '', { TASKPORT_URL: api.base, TASKPORT_PROJECT_ID: String(pid), TASKPORT_TOKEN: token })
  assert.is(run.status, 0, run.stderr)
  const body = JSON.parse(run.stdout)
  assert.is(body.created, true)
  assert.equal(body.warnings, [
    'assignee sarah@example.com is not a member of this project; assignment pending until they are added',
    'parent PROJ-100 not found; the task stays top-level until the parent arrives',
  ])
  const t = await task(api, body.task_id)
  assert.is(t.status, 'in_progress', '"In Progress" through the token map')
  assert.equal(t.tags, ['backend'])
})

it('the Jira Automation template renders to a push taskport accepts', async ({ api, pid }) => {
  const token = await tokenFor(api, pid, { name: 'jira', status_map: { 'To Do': 'pending', 'In Progress': 'in_progress', Done: 'completed' } })
  const template = /Custom data:\n\n```\n([\s\S]*?)```/.exec(DOC)?.[1]
  assert.ok(template, 'the doc has the template')
  // What Jira's smart values produce for an issue (asJsonString quotes, asJsonStringArray is an array).
  const values: Record<string, string> = {
    '{{issue.key}}': 'PROJ-9',
    '{{issue.summary.asJsonString}}': JSON.stringify('Fix "login" bug'),
    '{{issue.description.asJsonString}}': JSON.stringify('Steps:\n1. open'),
    '{{issue.status.name}}': 'Done',
    '{{issue.assignee.emailAddress}}': 'dana@example.com',
    '{{issue.labels.asJsonStringArray}}': JSON.stringify(['auth', 'web']),
    '{{issue.url}}': 'https://example.atlassian.net/browse/PROJ-9',
    '{{issue.parent.key}}': '',
    '{{issue.updated.format("yyyy-MM-dd\'T\'HH:mm:ss.SSSZ")}}': '2026-11-22T10:15:30.123+0000',
  }
  let rendered = template ?? ''
  for (const [smart, value] of Object.entries(values)) rendered = rendered.split(smart).join(value)
  assert.not.match(rendered, '{{', 'every smart value of the template was rendered')
  const res = await api.call('POST', `/api/projects/${pid}/task-sync`, { raw: rendered, headers: { authorization: `Bearer ${token}` } })
  assert.is(res.status, 201, JSON.stringify(res.body))
  const t = await task(api, res.body.task_id)
  assert.is(t.title, 'Fix "login" bug')
  assert.is(t.status, 'completed')
  assert.is(t.parent_task_id, null)
  assert.is(t.assignee_handle, '@dana')
})

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const probe = createServer()
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

const waitForOutput = (child: ChildProcess, pattern: RegExp): Promise<void> =>
  new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`not ready: ${output}`)), 20_000)
    const check = (chunk: Buffer) => {
      output += chunk.toString()
      if (pattern.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', check)
    child.stderr?.on('data', check)
  })

it('the Linear relay verifies signatures and pushes issues and sub-issues', async ({ api, pid }) => {
  const token = await tokenFor(api, pid, jsonBlock('"name": "linear"'))
  const secret = 'lin_wh_test_secret'
  const port = await freePort()
  const relay = spawn(process.execPath, ['docs/examples/linear-relay.mjs'], {
    env: { ...process.env, LINEAR_WEBHOOK_SECRET: secret, TASKPORT_URL: api.base, TASKPORT_PROJECT_ID: String(pid), TASKPORT_TOKEN: token, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  try {
    await waitForOutput(relay, /linear-relay listening/)
    const deliver = async (payload: object, sign = secret) => {
      const raw = JSON.stringify(payload)
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'linear-signature': createHmac('sha256', sign).update(raw).digest('hex') },
        body: raw,
      })
      return { status: response.status, body: (await response.json()) as any }
    }
    const issue = (id: string, title: string, extra: object = {}) => ({
      action: 'create', type: 'Issue', webhookTimestamp: Date.now(),
      data: { id, title, description: 'from Linear', state: { type: 'started', name: 'In Progress' }, estimate: 2, labels: [{ name: 'api' }], url: `https://linear.app/acme/issue/${title}`, updatedAt: new Date().toISOString(), ...extra },
    })
    const parent = await deliver(issue('9f6c3d2a-0000-4000-8000-000000000001', 'ENG-1'))
    assert.is(parent.status, 201, JSON.stringify(parent.body))
    const child = await deliver(issue('9f6c3d2a-0000-4000-8000-000000000002', 'ENG-2', { parentId: '9f6c3d2a-0000-4000-8000-000000000001', state: { type: 'completed' } }))
    assert.is(child.status, 201, JSON.stringify(child.body))
    const t = await task(api, child.body.task_id)
    assert.is(t.parent_task_id, parent.body.task_id)
    assert.is(t.status, 'completed')
    assert.is(t.story_points, 2)
    assert.is((await task(api, parent.body.task_id)).status, 'in_progress')

    assert.is((await deliver(issue('9f6c3d2a-0000-4000-8000-000000000003', 'ENG-3'), 'wrong secret')).status, 401)
    const old = issue('9f6c3d2a-0000-4000-8000-000000000003', 'ENG-3')
    assert.is((await deliver({ ...old, webhookTimestamp: Date.now() - 5 * 60_000 })).status, 401)
    assert.is((await deliver({ action: 'create', type: 'Comment', webhookTimestamp: Date.now(), data: {} })).status, 202)
    const links = await api.sql("select count(*)::int as n from external_links where source = 'linear' and external_id like '9f6c3d2a-%'")
    assert.is(links[0].n, 2, 'refused deliveries wrote nothing')
  } finally {
    relay.kill()
  }
})

shellTest('the GitHub Actions script pushes an issue event (closed as not planned -> cancelled)', async ({ api, pid }) => {
  const token = await tokenFor(api, pid, jsonBlock('"name": "github actions"'))
  const run = /run: \|\n([\s\S]*)$/.exec(WORKFLOW)?.[1]
  assert.ok(run, 'the workflow has a run script')
  const script = (run ?? '').split('\n').map((line) => line.replace(/^ {10}/, '')).join('\n')
  const dir = mkdtempSync(join(tmpdir(), 'taskport-gha-'))
  try {
    const event = (state: string, reason: string | null) => ({
      action: state === 'open' ? 'reopened' : 'closed',
      issue: {
        number: 42, title: 'Crash on save', body: null, state, state_reason: reason, labels: [{ name: 'bug' }],
        html_url: 'https://github.com/acme/app/issues/42', updated_at: state === 'open' ? '2026-11-22T11:00:00Z' : '2026-11-22T10:00:00Z',
      },
    })
    const env = { GITHUB_REPOSITORY: 'acme/app', GITHUB_EVENT_PATH: join(dir, 'event.json'), TASKPORT_URL: api.base, TASKPORT_PROJECT_ID: String(pid), TASKPORT_TOKEN: token }
    writeFileSync(env.GITHUB_EVENT_PATH, JSON.stringify(event('closed', 'not_planned')))
    const first = await bash(script, env, dir)
    assert.is(first.status, 0, first.stderr + first.stdout)
    const created = JSON.parse(first.stdout)
    assert.is(created.created, true)
    const t = await task(api, created.task_id)
    assert.is(t.status, 'cancelled')
    assert.equal(t.external_links, [{ source: 'github', external_id: 'acme/app#42', external_url: 'https://github.com/acme/app/issues/42' }])
    writeFileSync(env.GITHUB_EVENT_PATH, JSON.stringify(event('open', null)))
    const second = await bash(script, env, dir)
    assert.is(second.status, 0, second.stderr)
    assert.is(JSON.parse(second.stdout).created, false)
    assert.is((await task(api, created.task_id)).status, 'pending')
    const refused = await bash(script, { ...env, TASKPORT_TOKEN: 'f'.repeat(64) }, dir)
    assert.is.not(refused.status, 0, 'curl --fail-with-body fails the step on a 401')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it.run()
