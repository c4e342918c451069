// Inbound task-sync: create or update on (project, source, external id), idempotent repeats, stale pushes and versions.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { right } from '../../support/app-fixture.js'
import { auditOf, content, db, linkOf, setup, taskOf, type Push } from './sync-fixture.js'

test('create: in backlog, with labels as tags, story points, description, the link and its url; created: true', async () => {
  const { f, pid, token, push } = await setup()
  const r = right(await push({
    externalId: 'PROJ-1', name: 'From Jira', description: 'details', labels: ['backend', 'api'], storyPoints: 3.5,
    externalUrl: 'https://jira.example.com/browse/PROJ-1',
  }))
  assert.equal({ ...r, taskId: 0 }, { taskId: 0, shortId: 'WA-1', created: true, warnings: [] })
  const task = taskOf(f, r.taskId)
  assert.equal(
    [task.projectId, task.number, task.status, task.title, task.description, task.tags, task.storyPoints, task.assigneeId, task.parentTaskId, task.createdById, task.version, task.progressPercent, task.startedAt, task.completedAt],
    [pid, 1, 'backlog', 'From Jira', 'details', ['backend', 'api'], 3.5, null, null, null, 1, 0, null, null],
  )
  assert.equal(task.createdAt, f.clock.now())
  const link = linkOf(f, 'PROJ-1')
  assert.ok(link)
  assert.equal(
    [link.projectId, link.taskId, link.source, link.externalUrl, link.pendingAssigneeEmail, link.pendingParentExternalId],
    [pid, r.taskId, 'jira', 'https://jira.example.com/browse/PROJ-1', null, null],
  )
  // The task as a client reads it carries the link.
  const view = right(await f.tp.tasks.get((await f.human('alice')), r.taskId))
  assert.equal(view.externalLinks, [{ source: 'jira', externalId: 'PROJ-1', externalUrl: 'https://jira.example.com/browse/PROJ-1' }])
  assert.equal(view.recentAudit.map((e) => [e.action, e.actor]), [['created', { type: 'api_token', id: token.id }]])
  // Audited as created, by the token.
  const entries = auditOf(f, r.taskId)
  assert.equal(entries.map((e) => [e.action, e.actor]), [['created', { type: 'api_token', id: token.id }]])
  assert.is(entries[0]?.details.after?.status, 'backlog')
})

test('create: a second push of the same item updates it (created: false); another source or id is another task', async () => {
  const { f, raw, pid, push } = await setup()
  const first = right(await push({ externalId: 'PROJ-1' }))
  const again = right(await push({ externalId: 'PROJ-1', name: 'renamed' }))
  assert.equal([again.taskId, again.shortId, again.created], [first.taskId, first.shortId, false])
  const otherId = right(await push({ externalId: 'PROJ-2' }))
  const otherSource = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'linear', externalId: 'PROJ-1', name: 'x' } }))
  assert.equal([otherId.created, otherId.shortId, otherSource.created, otherSource.shortId], [true, 'WA-2', true, 'WA-3'])
  assert.is(db(f).tasks.size, 3)
  assert.is(db(f).links.size, 3)
})

test('create: in the mapped status, with that status\'s side effects', async () => {
  const { f, push } = await setup()
  const now = f.clock.now()
  const done = taskOf(f, right(await push({ externalId: 'D-1', status: 'done' })).taskId)
  assert.equal([done.status, done.progressPercent, done.rollupProgressPercent, done.completedAt, done.startedAt], ['completed', 100, 100, now, null])
  const started = taskOf(f, right(await push({ externalId: 'D-2', status: 'in_progress' })).taskId)
  assert.equal([started.status, started.startedAt, started.completedAt, started.progressPercent], ['in_progress', now, null, 0])
  const todo = taskOf(f, right(await push({ externalId: 'D-3', status: 'todo' })).taskId)
  assert.equal([todo.status, todo.startedAt, todo.completedAt], ['pending', null, null])
  assert.ok([done, started, todo].every((t) => t.version === 1))
})

test('update: given fields are replaced, absent ones kept, null clears; one synced entry with only the changes', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'U-1', name: 'v1', description: 'keep me', labels: ['a'], storyPoints: 1, externalUrl: 'https://x.example/1' }))
  const at = f.clock.advance()
  right(await push({ externalId: 'U-1', name: 'v2', labels: ['b', 'c'], storyPoints: 2 }))
  let task = taskOf(f, r.taskId)
  assert.equal([task.title, task.description, task.tags, task.storyPoints, task.version, task.status], ['v2', 'keep me', ['b', 'c'], 2, 2, 'backlog'])
  assert.equal(task.updatedAt, at)
  assert.is(linkOf(f, 'U-1')?.externalUrl, 'https://x.example/1')
  const synced = auditOf(f, r.taskId).at(-1)
  assert.is(synced?.action, 'synced')
  assert.equal(synced?.details.before, { title: 'v1', tags: ['a'], story_points: 1 })
  assert.equal(synced?.details.after, { title: 'v2', tags: ['b', 'c'], story_points: 2 })
  assert.equal([synced?.details.source, synced?.details.external_id], ['jira', 'U-1'])

  right(await push({ externalId: 'U-1', name: 'v2', description: null, storyPoints: null, labels: [], externalUrl: 'https://x.example/2' }))
  task = taskOf(f, r.taskId)
  assert.equal([task.description, task.storyPoints, task.tags, task.version], [null, null, [], 3])
  assert.is(linkOf(f, 'U-1')?.externalUrl, 'https://x.example/2')
  right(await push({ externalId: 'U-1', name: 'v2', externalUrl: null }))
  assert.is(linkOf(f, 'U-1')?.externalUrl, null)
  // The url lives on the link, not the task: changing it is no change of the task.
  assert.is(taskOf(f, r.taskId).version, 3)
})

test('an identical second push changes nothing: same task, no audit, version and timestamps unchanged', async () => {
  const f0 = await setup()
  const { f, alice, pid, push } = f0
  const mia = await f.human('mia')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|mia', role: 'member' }))
  right(await push({ externalId: 'P-1' }))
  const payload: Push = {
    externalId: 'I-1', name: 'same', description: 'd', labels: ['x', 'y'], storyPoints: 2, status: 'In_Progress',
    externalUrl: 'https://x.example/I-1', assigneeEmail: 'mia@example.com', parentExternalId: 'P-1', updatedAt: new Date('2026-11-20T00:00:00Z'),
  }
  const first = right(await push(payload))
  assert.is(taskOf(f, first.taskId).assigneeId, mia.worker.id)
  const before = content(f)
  f.clock.advance()
  const second = right(await push(payload))
  f.clock.advance()
  const third = right(await push({ ...payload, labels: ['x', 'y', 'x'], status: 'IN_PROGRESS', assigneeEmail: 'MIA@example.com' }))
  assert.equal([second.created, second.taskId, second.warnings, third.created, third.taskId], [false, first.taskId, [], false, first.taskId])
  assert.equal(content(f), before)
  assert.is(taskOf(f, first.taskId).version, 1)
})

test('pushes with pending assignee and parent, repeated, change nothing either', async () => {
  const { f, push } = await setup()
  const payload: Push = { externalId: 'I-2', assigneeEmail: 'nobody@example.com', parentExternalId: 'NOPE', status: 'unknown' }
  const first = right(await push(payload))
  const before = content(f)
  f.clock.advance()
  const second = right(await push(payload))
  assert.equal(second.warnings, first.warnings)
  assert.is(second.warnings.length, 3)
  assert.equal(content(f), before)
})

test('stale: an older updated_at changes nothing and warns; an equal one is applied; none is never stale', async () => {
  const { f, push } = await setup()
  const t1 = new Date('2026-11-22T10:00:00Z')
  const r = right(await push({ externalId: 'T-1', name: 'new', status: 'in_progress', updatedAt: t1 }))
  assert.equal(linkOf(f, 'T-1')?.sourceUpdatedAt, t1)
  const before = content(f)
  const stale = right(await push({ externalId: 'T-1', name: 'old', status: 'done', labels: ['x'], assigneeEmail: 'z@example.com', updatedAt: new Date('2026-11-22T09:59:59.999Z') }))
  assert.equal(stale, { taskId: r.taskId, shortId: 'WA-1', created: false, warnings: ['stale update ignored'] })
  assert.equal(content(f), before)

  right(await push({ externalId: 'T-1', name: 'same instant', updatedAt: new Date(t1.getTime()) }))
  assert.is(taskOf(f, r.taskId).title, 'same instant')
  const t2 = new Date('2026-11-22T11:00:00Z')
  right(await push({ externalId: 'T-1', name: 'later', updatedAt: t2 }))
  assert.equal(linkOf(f, 'T-1')?.sourceUpdatedAt, t2)
  // A push without updated_at is applied and does not forget the last applied time.
  right(await push({ externalId: 'T-1', name: 'no timestamp' }))
  assert.equal(linkOf(f, 'T-1')?.sourceUpdatedAt, t2)
  const again = right(await push({ externalId: 'T-1', name: 'between', updatedAt: new Date('2026-11-22T10:30:00Z') }))
  assert.equal(again.warnings, ['stale update ignored'])
  assert.is(taskOf(f, r.taskId).title, 'no timestamp')
})

test('version: exactly one step per push that changes something, however many things it changes', async () => {
  const { f, alice, pid, push } = await setup()
  await f.human('mia')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|mia' }))
  right(await push({ externalId: 'PARENT' }))
  const r = right(await push({ externalId: 'V' }))
  const versions = [taskOf(f, r.taskId).version]
  const pushes: Push[] = [
    { externalId: 'V', name: 'a' },
    { externalId: 'V', name: 'a' }, // no change
    { externalId: 'V', name: 'b', description: 'x', labels: ['l'], storyPoints: 3 },
    { externalId: 'V', name: 'b', status: 'in_progress', assigneeEmail: 'mia@example.com', parentExternalId: 'PARENT' },
    { externalId: 'V', name: 'b', status: 'In_Progress' }, // no change
    { externalId: 'V', name: 'c', status: 'done', assigneeEmail: null, parentExternalId: null },
    { externalId: 'V', name: 'c', externalUrl: 'https://x.example/V' }, // the link changes, the task does not
  ]
  for (const p of pushes) {
    f.clock.advance()
    right(await push(p))
    versions.push(taskOf(f, r.taskId).version)
  }
  assert.equal(versions, [1, 2, 2, 3, 4, 4, 5, 5])
})

test.run()
