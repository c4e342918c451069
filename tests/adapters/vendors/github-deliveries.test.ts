// Property: for random sequences of GitHub deliveries of one issue (issues and sub_issues events, any subset of
// the fields GitHub may carry, out of order), no delivery is refused, and the task equals, field by field, what the
// last non-stale delivery that carried the field says. Run through the real use case and GitHub translation over
// the in-memory adapters (many runs), and over HTTP on PostgreSQL (fewer runs).
import { createHmac, randomUUID } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import * as fc from 'fast-check'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import { WEBHOOK_VENDORS } from '../../../src/adapters/vendors/index.js'
import { fixture, right } from '../../support/app-fixture.js'
import { startApi, type ApiServer } from '../../support/http.js'
import { sendGithub, type Hook } from '../../support/vendor-webhooks.js'

const MAPPING = { 'coder@example.com': 'coder', 'sam@example.com': 'sam-gh' }
const EMAIL_OF: Record<string, string> = { coder: 'coder@example.com', 'sam-gh': 'sam@example.com' }
const PARENT = 50
const T = Date.parse('2026-11-01T00:00:00Z')

type Json = Record<string, unknown>

interface Delivery {
  readonly event: 'issues' | 'sub_issues'
  readonly action: string
  readonly issue: Json
  /** sub_issues: attached to the parent, or detached. */
  readonly attach?: boolean
}

const user = (login: string) => ({ login, id: login.length, type: 'User' })
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('😀'.repeat(65_536), '🎉'.repeat(256), ' ', '') },
)
const label = fc.oneof(fc.constantFrom('bug', 'docs', 'p1', '🏷'.repeat(50), 'Bug'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }))
const login = fc.constantFrom('coder', 'sam-gh', 'stranger', 'Coder')

/** An issue object with any subset of the fields GitHub's payloads carry (the number and updated_at always). */
const issueFields = fc.record({
  title: text,
  body: fc.option(text, { nil: null }),
  state: fc.constantFrom('open', 'closed'),
  state_reason: fc.constantFrom('completed', 'not_planned', 'duplicate', 'reopened', null),
  labels: fc.array(label, { maxLength: 25 }).map((names) => names.map((name) => ({ name, color: 'ededed' }))),
  assignees: fc.array(login, { maxLength: 3 }).map((logins) => logins.map(user)),
  assignee: fc.option(login.map(user), { nil: null }),
  offset: fc.integer({ min: 0, max: 20 }),
}, { requiredKeys: ['offset'] }).map(({ offset, ...fields }) => ({ ...fields, number: 7, updated_at: new Date(T + offset * 1000).toISOString() }))

const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('opened', 'edited', 'closed', 'reopened', 'labeled', 'unlabeled', 'assigned', 'unassigned', 'pinned', 'locked', 'milestoned'), issueFields).map(([action, issue]) => ({ event: 'issues' as const, action, issue })) },
  { weight: 1, arbitrary: fc.tuple(fc.boolean(), issueFields).map(([attach, issue]) => ({ event: 'sub_issues' as const, action: attach ? 'sub_issue_added' : 'parent_issue_removed', issue, attach })) },
)

const payloadOf = (d: Delivery): Json => {
  const repository = { full_name: 'acme/app' }
  if (d.event === 'issues') return { action: d.action, issue: d.issue, repository }
  return { action: d.action, parent_issue: { number: PARENT, title: 'Parent', updated_at: new Date(T).toISOString() }, sub_issue: d.issue, parent_issue_repo: repository, sub_issue_repo: repository, repository }
}

interface Expected {
  title: string
  description: string | null
  status: string
  tags: string[]
  /** Email of the assignee. */
  assignee: string | null
  attached: boolean
}

/** The contract's reading: the last non-stale delivery that carried a field decides it; absent fields leave it. */
const expected = (deliveries: readonly Delivery[]): Expected => {
  const e: Expected = { title: 'acme/app#7', description: null, status: 'backlog', tags: [], assignee: null, attached: false }
  let applied: number | undefined
  for (const d of deliveries) {
    const at = Date.parse(String(d.issue.updated_at))
    if (applied !== undefined && at < applied) continue
    applied = Math.max(applied ?? at, at)
    const i = d.issue as Record<string, any>
    // Over 500 characters: cut to 499 and an ellipsis (the sync limit; GitHub's own is 256).
    if (typeof i.title === 'string' && i.title.trim()) e.title = [...i.title].length > 500 ? `${[...i.title].slice(0, 499).join('')}…` : i.title
    if ('body' in i) e.description = i.body
    if ('state' in i) e.status = i.state === 'open' ? 'pending' : ['not_planned', 'duplicate'].includes(i.state_reason) ? 'cancelled' : 'completed'
    if ('labels' in i) e.tags = [...new Set<string>(i.labels.map((l: Json) => String(l.name)).filter((name: string) => name.trim().length > 0))]
    const logins: string[] | undefined = 'assignees' in i ? i.assignees.map((a: Json) => a.login) : 'assignee' in i ? (i.assignee ? [i.assignee.login] : []) : undefined
    if (logins?.length === 0) e.assignee = null
    const mapped = logins?.find((l) => EMAIL_OF[l.toLowerCase()])
    if (mapped) e.assignee = EMAIL_OF[mapped.toLowerCase()] ?? null
    if (d.event === 'sub_issues') e.attached = d.attach === true
  }
  return e
}

const it = suite('GitHub deliveries of one issue (property)')

it('in-memory: no delivery is refused; every field is what the last non-stale delivery carrying it says', async () => {
  await fc.assert(fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 12 }), async (deliveries) => {
    const f = fixture({ cipher: aesGcmCipher(Buffer.alloc(32, 7)), webhooks: WEBHOOK_VENDORS })
    const owner = await f.human('wes')
    const coder = await f.human('coder')
    const sam = await f.human('sam')
    const pid = await f.project(owner, 'props', [[coder, 'member'], [sam, 'member']])
    const { integration, webhookSecret } = right(await f.tp.integrations.create(owner, pid, { type: 'github', accessToken: 't', settings: { owner: 'acme', repo: 'app', assignee_mapping: MAPPING } }))
    const send = async (event: string, payload: Json) => {
      const raw = Buffer.from(JSON.stringify(payload))
      const headers: Record<string, string> = {
        'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': `sha256=${createHmac('sha256', webhookSecret).update(raw).digest('hex')}`,
      }
      return f.tp.integrations.receiveWebhook(integration.id, { rawBody: raw, header: (name) => headers[name], body: JSON.parse(raw.toString()) })
    }
    const parent = right(await send('issues', { action: 'opened', issue: { number: PARENT, title: 'Parent', updated_at: new Date(T).toISOString() }, repository: { full_name: 'acme/app' } }))
    let taskId: number | undefined
    for (const d of deliveries) {
      const answer = await send(d.event, payloadOf(d))
      assert.ok(E.isRight(answer), `refused: ${JSON.stringify(E.isLeft(answer) ? answer.left : '')}`)
      const value = right(answer)
      assert.is(value.status, 200)
      taskId = value.body.task_id as number
    }
    const task = f.adapters.db.snapshot().tasks.get(taskId ?? 0)
    assert.ok(task)
    const e = expected(deliveries)
    const emails = new Map([[coder.worker.id, 'coder@example.com'], [sam.worker.id, 'sam@example.com']])
    assert.equal({
      title: task.title, description: task.description, status: task.status, tags: [...task.tags],
      assignee: task.assigneeId === null ? null : emails.get(task.assigneeId) ?? 'someone else', attached: task.parentTaskId === parent.body.task_id,
    }, e)
  }), { numRuns: 150 })
})

interface HttpCtx {
  api: ApiServer
  hook: Hook
  workers: Record<string, number>
  pid: number
}
const overHttp = suite<HttpCtx>('GitHub deliveries of one issue over HTTP on PostgreSQL (property)')

overHttp.before(async (ctx) => {
  ctx.api = await startApi()
  ctx.pid = (await ctx.api.call('POST', '/api/projects', { as: 'wes', body: { slug: 'props-http', name: 'props' } })).body.id
  ctx.workers = {}
  for (const name of ['coder', 'sam']) {
    ctx.workers[`${name}@example.com`] = (await ctx.api.call('POST', `/api/projects/${ctx.pid}/members`, { as: 'wes', body: { user_id: name, email: `${name}@example.com` } })).body.worker_id
  }
})
overHttp.after(async (ctx) => ctx.api.stop())

overHttp('over HTTP: the same property, one fresh repository per run', async (ctx) => {
  let run = 0
  await fc.assert(fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 8 }), async (deliveries) => {
    run += 1
    const repo = `app${run}`
    const created = await ctx.api.call('POST', `/api/projects/${ctx.pid}/integrations`, { as: 'wes', body: { type: 'github', access_token: 't', settings: { owner: 'acme', repo, assignee_mapping: MAPPING } } })
    const hook = { id: created.body.id, secret: created.body.webhook_secret }
    const inRepo = (payload: Json): Json => JSON.parse(JSON.stringify(payload).replaceAll('"acme/app"', `"acme/${repo}"`))
    const parent = await sendGithub(ctx.api, hook, 'issues', inRepo({ action: 'opened', issue: { number: PARENT, title: 'Parent', updated_at: new Date(T).toISOString() }, repository: { full_name: 'acme/app' } }))
    let taskId = 0
    for (const d of deliveries) {
      const res = await sendGithub(ctx.api, hook, d.event, inRepo(payloadOf(d)))
      assert.is(res.status, 200, JSON.stringify(res.body).slice(0, 300))
      taskId = res.body.task_id
    }
    const task = (await ctx.api.call('GET', `/api/tasks/${taskId}`, { as: 'wes' })).body
    const e = expected(deliveries)
    assert.equal({
      title: task.title, description: task.description, status: task.status, tags: task.tags,
      assignee: task.assignee_id, attached: task.parent_task_id === parent.body.task_id,
    }, { ...e, title: e.title.replace('acme/app#', `acme/${repo}#`), assignee: e.assignee === null ? null : ctx.workers[e.assignee] })
  }), { numRuns: 15 })
})

it.run()
overHttp.run()
