import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { UniqueViolation, type SyncPayload, type UnitOfWork } from '../../../src/application/index.js'
import { createTaskport } from '../../../src/main/create-taskport.js'
import { fixture, left, right } from '../../support/app-fixture.js'

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const { raw, token } = right(await f.tp.apiTokens.create(alice, pid, { name: 'jira', statusMap: { 'In Review': 'review' } }))
  const push = (payload: Partial<SyncPayload> & { externalId: string }, rawToken: string | undefined = raw) =>
    f.tp.sync({ projectId: pid, rawToken, payload: { source: 'jira', name: `Item ${payload.externalId}`, ...payload } })
  const task = async (id: number) => right(await f.tp.tasks.get(alice, id))
  return { f, alice, pid, raw, token, push, task }
}

test('authentication: missing, malformed, unknown, revoked or foreign tokens are 401; use is recorded', async () => {
  const { f, alice, pid, raw, token, push } = await setup()
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.apiTokens.create(alice, other, { name: 'x' }))
  left(await f.tp.sync({ projectId: pid, rawToken: undefined, payload: { source: 'jira', externalId: 'A-1', name: 'x' } }), 'Unauthorized', 'Invalid or revoked API token')
  left(await push({ externalId: 'A-1' }, 'short'), 'Unauthorized')
  left(await push({ externalId: 'A-1' }, 'f'.repeat(64)), 'Unauthorized')
  left(await push({ externalId: 'A-1' }, foreign.raw), 'Unauthorized')
  f.clock.advance()
  right(await push({ externalId: 'A-1' }))
  assert.equal(f.adapters.db.snapshot().tokens.get(token.id)?.lastUsedAt, f.clock.now())
  right(await f.tp.apiTokens.revoke(alice, pid, token.id))
  left(await push({ externalId: 'A-1' }, raw), 'Unauthorized')
  left(await f.tp.sync({ projectId: 9999, rawToken: raw, payload: { source: 'jira', externalId: 'x', name: 'x' } }), 'Unauthorized')
})

test('create: backlog, labels as tags, story points, the link; audited as the token', async () => {
  const { push, task, token } = await setup()
  const r = right(await push({ externalId: 'PROJ-1', name: 'From Jira', labels: ['backend', 'api'], storyPoints: 3, externalUrl: 'https://jira.example.com/browse/PROJ-1', description: 'd' }))
  assert.equal({ ...r, taskId: 0 }, { taskId: 0, shortId: 'WA-1', created: true, warnings: [] })
  const t = await task(r.taskId)
  assert.equal([t.task.status, t.task.title, t.task.tags, t.task.storyPoints, t.task.createdById, t.task.description], ['backlog', 'From Jira', ['backend', 'api'], 3, null, 'd'])
  assert.equal(t.externalLinks, [{ source: 'jira', externalId: 'PROJ-1', externalUrl: 'https://jira.example.com/browse/PROJ-1' }])
  assert.equal(t.recentAudit[0]?.actor, { type: 'api_token', id: token.id })
  assert.is(t.recentAudit[0]?.action, 'created')
})

test('create in a mapped status, with that status side effects', async () => {
  const { push, task } = await setup()
  const done = await task(right(await push({ externalId: 'D-1', status: 'Done' })).taskId)
  assert.equal([done.task.status, done.task.progressPercent, done.task.rollupProgressPercent], ['completed', 100, 100])
  assert.ok(done.task.completedAt)
  const started = await task(right(await push({ externalId: 'D-2', status: 'IN_PROGRESS' })).taskId)
  assert.ok(started.task.startedAt)
  const custom = await task(right(await push({ externalId: 'D-3', status: 'in review' })).taskId)
  assert.is(custom.task.status, 'review')
})

test('update: 200-style result, fields replaced, absent fields kept, one version bump', async () => {
  const { push, task } = await setup()
  const first = right(await push({ externalId: 'U-1', name: 'v1', description: 'keep me', labels: ['a'], storyPoints: 1 }))
  const second = right(await push({ externalId: 'U-1', name: 'v2', labels: ['b'], storyPoints: 2 }))
  assert.is(second.taskId, first.taskId)
  assert.not.ok(second.created)
  const t = await task(first.taskId)
  assert.equal([t.task.title, t.task.description, t.task.tags, t.task.storyPoints, t.task.version], ['v2', 'keep me', ['b'], 2, 2])
  assert.is(t.recentAudit[0]?.action, 'synced')
  assert.equal(t.recentAudit[0]?.details.before, { title: 'v1', tags: ['a'], story_points: 1 })
})

test('an identical push changes nothing: no audit, no version bump', async () => {
  const { f, alice, push, task } = await setup()
  const payload = { externalId: 'I-1', name: 'same', labels: ['x'], status: 'todo' }
  const r = right(await push(payload))
  right(await push(payload))
  right(await push(payload))
  const t = await task(r.taskId)
  assert.is(t.task.version, 1)
  assert.is(right(await f.tp.audit.forTask(alice, r.taskId, {})).items.length, 1)
})

test('the mapped status is applied even against the workflow table, audited as status_synced', async () => {
  const { push, task } = await setup()
  const r = right(await push({ externalId: 'S-1', status: 'done' }))
  right(await push({ externalId: 'S-1', status: 'todo' })) // completed -> pending is not in the table
  const t = await task(r.taskId)
  assert.is(t.task.status, 'pending')
  assert.is(t.task.completedAt, null)
  assert.is(t.recentAudit[0]?.action, 'status_synced')
  const { before, after } = t.recentAudit[0]?.details ?? {}
  assert.is(before?.status, 'completed')
  assert.type(before?.completed_at, 'string')
  assert.equal(after, { status: 'pending', completed_at: null })
})

test('an unmapped status leaves the status and warns', async () => {
  const { push, task } = await setup()
  const r = right(await push({ externalId: 'W-1', status: 'Waiting for QA' }))
  assert.equal(r.warnings, ['status "Waiting for QA" is not mapped; status left as backlog'])
  assert.is((await task(r.taskId)).task.status, 'backlog')
})

test('assignee email: matched case-insensitively to a member, else pending and assigned when they join', async () => {
  const { f, alice, pid, push, task } = await setup()
  const mia = await f.human('mia')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|mia', role: 'member' }))
  const r = right(await push({ externalId: 'E-1', assigneeEmail: 'MIA@example.com' }))
  assert.equal(r.warnings, [])
  assert.is((await task(r.taskId)).task.assigneeId, mia.worker.id)
  const pending = right(await push({ externalId: 'E-2', assigneeEmail: 'carol@example.com' }))
  assert.equal(pending.warnings, ['assignee carol@example.com is not a member of this project; assignment pending until they are added'])
  assert.is((await task(pending.taskId)).task.assigneeId, null)
  const added = right(await f.tp.members.add(alice, pid, { userId: 'sso|carol', email: 'carol@example.com' }))
  assert.is((await task(pending.taskId)).task.assigneeId, added.worker.id)
  right(await push({ externalId: 'E-1', assigneeEmail: null }))
  assert.is((await task(r.taskId)).task.assigneeId, null)
})

test('an explicit assignment drops the pending sync assignee', async () => {
  const { f, alice, pid, push, task } = await setup()
  const r = right(await push({ externalId: 'E-3', assigneeEmail: 'carol@example.com' }))
  right(await f.tp.tasks.assign(alice, r.taskId, alice.worker.id))
  right(await f.tp.members.add(alice, pid, { userId: 'sso|carol', email: 'carol@example.com' }))
  assert.is((await task(r.taskId)).task.assigneeId, alice.worker.id)
})

test('parents: known -> subtask; unknown -> flat, then attached when the parent arrives', async () => {
  const { push, task } = await setup()
  const parent = right(await push({ externalId: 'P-1' }))
  const child = right(await push({ externalId: 'C-1', parentExternalId: 'P-1' }))
  assert.is((await task(child.taskId)).task.parentTaskId, parent.taskId)
  const early = right(await push({ externalId: 'C-2', parentExternalId: 'P-2', status: 'done' }))
  assert.equal(early.warnings, ['parent P-2 not found; the task stays top-level until the parent arrives'])
  assert.is((await task(early.taskId)).task.parentTaskId, null)
  const late = right(await push({ externalId: 'P-2' }))
  const attached = await task(early.taskId)
  assert.is(attached.task.parentTaskId, late.taskId)
  assert.is(attached.recentAudit[0]?.action, 'synced')
  assert.is((await task(late.taskId)).task.rollupProgressPercent, 100)
  right(await push({ externalId: 'C-1', parentExternalId: null }))
  assert.is((await task(child.taskId)).task.parentTaskId, null)
})

test('parents of another source do not match', async () => {
  const { f, pid, raw, task } = await setup()
  right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'linear', externalId: 'P-9', name: 'linear parent' } }))
  const child = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'C-9', name: 'c', parentExternalId: 'P-9' } }))
  assert.is((await task(child.taskId)).task.parentTaskId, null)
  assert.is(child.warnings.length, 1)
})

test('never a cycle: a parent that is already below the task is refused with a warning', async () => {
  const { push, task } = await setup()
  const a = right(await push({ externalId: 'A' }))
  const b = right(await push({ externalId: 'B', parentExternalId: 'A' }))
  const r = right(await push({ externalId: 'A', parentExternalId: 'B' }))
  assert.equal(r.warnings, ['parent B not attached: Circular reference detected'])
  assert.is((await task(a.taskId)).task.parentTaskId, null)
  assert.is((await task(b.taskId)).task.parentTaskId, a.taskId)
})

test('a late parent that would close a cycle is not attached', async () => {
  const { push, task } = await setup()
  // X waits for Y; Y arrives as a child of X: attaching X under Y would be a cycle.
  const x = right(await push({ externalId: 'X', parentExternalId: 'Y' }))
  const y = right(await push({ externalId: 'Y', parentExternalId: 'X' }))
  assert.equal(y.warnings, ['parent Y not attached: Circular reference detected'])
  assert.is((await task(y.taskId)).task.parentTaskId, x.taskId)
  assert.is((await task(x.taskId)).task.parentTaskId, null)
})

test('stale pushes change nothing; an equal timestamp is applied', async () => {
  const { push, task } = await setup()
  const t1 = new Date('2026-11-22T10:00:00Z')
  const r = right(await push({ externalId: 'T-1', name: 'new', updatedAt: t1 }))
  const stale = right(await push({ externalId: 'T-1', name: 'old', updatedAt: new Date('2026-11-22T09:00:00Z') }))
  assert.equal(stale.warnings, ['stale update ignored'])
  assert.not.ok(stale.created)
  assert.is((await task(r.taskId)).task.title, 'new')
  right(await push({ externalId: 'T-1', name: 'same time', updatedAt: t1 }))
  assert.is((await task(r.taskId)).task.title, 'same time')
  right(await push({ externalId: 'T-1', name: 'no timestamp' }))
  assert.is((await task(r.taskId)).task.title, 'no timestamp')
  right(await push({ externalId: 'T-1', name: 'older again', updatedAt: new Date('2026-11-22T09:30:00Z') }))
  assert.is((await task(r.taskId)).task.title, 'no timestamp')
})

test('invalid payloads are refused and write nothing', async () => {
  const { f, push, token } = await setup()
  const before = f.adapters.db.snapshot()
  left(await push({ externalId: 'V-1', name: '' }), 'ValidationFailed')
  left(await push({ externalId: 'x'.repeat(256) }), 'ValidationFailed')
  left(await push({ externalId: 'V-2', externalUrl: 'ftp://x' }), 'ValidationFailed')
  left(await push({ externalId: 'V-3', storyPoints: -2 }), 'ValidationFailed')
  left(await push({ externalId: 'V-4', labels: Array.from({ length: 21 }, (_, i) => `l${i}`) }), 'ValidationFailed')
  const after = f.adapters.db.snapshot()
  assert.is(after.tasks.size, before.tasks.size)
  assert.is(after.links.size, before.links.size)
  assert.is(after.audit.length, before.audit.length)
  assert.equal(after.tokens.get(token.id)?.lastUsedAt, before.tokens.get(token.id)?.lastUsedAt)
})

test('fifty concurrent identical pushes leave one task and one link', async () => {
  const { f, push } = await setup()
  const results = await Promise.all(Array.from({ length: 50 }, () => push({ externalId: 'RACE-1', name: 'same' })))
  const ok = results.map(right)
  assert.is(ok.filter((r) => r.created).length, 1)
  assert.is(new Set(ok.map((r) => r.taskId)).size, 1)
  const db = f.adapters.db.snapshot()
  assert.is([...db.links.values()].filter((l) => l.externalId === 'RACE-1').length, 1)
  assert.is([...db.tasks.values()].filter((t) => t.title === 'same').length, 1)
})

/**
 * Simulates a lost race: before the first attempt, another push of the same item commits; the first attempt
 * read no link (as if it read before that commit), so its insert hits the unique key.
 */
const racing = (inner: UnitOfWork, winner: () => Promise<unknown>): UnitOfWork => {
  let raced = false
  return {
    run: async (work) => {
      if (raced) return inner.run(work)
      raced = true
      await winner()
      return inner.run((stores) => work({ ...stores, links: { ...stores.links, find: async () => undefined } }))
    },
  }
}

test('a push that loses the race on the link retries and updates the winner', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const { raw } = right(await f.tp.apiTokens.create(alice, pid, { name: 'jira' }))
  const payload = { source: 'jira' as const, externalId: 'R-1', name: 'winner' }
  const tp = createTaskport({ ...f.adapters, uow: racing(f.adapters.uow, () => f.tp.sync({ projectId: pid, rawToken: raw, payload })) })
  const r = right(await tp.sync({ projectId: pid, rawToken: raw, payload: { ...payload, name: 'loser' } }))
  assert.not.ok(r.created)
  const db = f.adapters.db.snapshot()
  assert.is(db.links.size, 1)
  assert.is(db.tasks.size, 1)
  assert.equal([...db.tasks.values()].map((t) => t.title), ['loser'])
})

test('a unique violation on anything else is a conflict, not a retry loop', async () => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const { raw } = right(await f.tp.apiTokens.create(alice, pid, { name: 'jira' }))
  let attempts = 0
  const uow: UnitOfWork = {
    run: (work) => f.adapters.uow.run((stores) => work({
      ...stores,
      links: { ...stores.links, insert: async () => { attempts += 1; throw new UniqueViolation('api_token_hash') } },
    })),
  }
  const tp = createTaskport({ ...f.adapters, uow })
  left(await tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'R-2', name: 'x' } }), 'Conflict')
  assert.is(attempts, 1)
  assert.is(f.adapters.db.snapshot().tasks.size, 0)
})

test('a push is atomic with its audit entries', async () => {
  const { f, push } = await setup()
  f.faults.failAuditWrites()
  await push({ externalId: 'F-1' }).then(() => assert.unreachable('must fail'), () => undefined)
  f.faults.heal()
  const db = f.adapters.db.snapshot()
  assert.is(db.tasks.size, 0)
  assert.is(db.links.size, 0)
})

test.run()
