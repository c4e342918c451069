import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { TaskStatus } from '../../../src/domain/index.js'
import { TABLE } from '../../support/contract.js'
import { fixture, left, right } from '../../support/app-fixture.js'

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice') // owner
  const adam = await f.human('adam') // admin
  const mia = await f.human('mia') // member, assignee
  const max = await f.human('max') // member, not the assignee
  const vic = await f.human('vic') // viewer
  const bot = await f.agent(alice, '@bot')
  const pid = await f.project(alice, 'web-app', [[adam, 'admin'], [mia, 'member'], [max, 'member'], [vic, 'viewer'], [bot, 'member']])
  const task = right(await f.tp.tasks.create(alice, pid, { title: 'feature', assigneeId: mia.worker.id }))
  return { f, alice, adam, mia, max, vic, bot, pid, id: task.task.id }
}

test('status changes follow the table, with side effects, audited with the reason', async () => {
  const { f, mia, id } = await setup()
  f.clock.advance()
  const started = right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress', reason: 'picking it up' }))
  assert.equal(started.task.startedAt, f.clock.now())
  const error = left(await f.tp.tasks.changeStatus(mia, id, { status: 'backlog' }), 'InvalidTransition')
  if (error._tag === 'InvalidTransition') assert.equal(error.allowed, ['review', 'completed', 'blocked', 'pending'])
  const done = right(await f.tp.tasks.changeStatus(mia, id, { status: 'completed' }))
  assert.is(done.task.progressPercent, 100)
  assert.ok(done.task.completedAt)
  const reopened = right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  assert.is(reopened.task.completedAt, null)
  assert.equal(reopened.task.startedAt, started.task.startedAt)
  const audit = right(await f.tp.audit.forTask(mia, id, {})).items
  assert.equal(audit.map((e) => e.action), ['created', 'status_changed', 'status_changed', 'status_changed'])
  assert.is(audit[1]?.details.reason, 'picking it up')
  assert.equal(audit[1]?.details.before, { status: 'pending', started_at: null })
})

test('review is left only through approve or reject', async () => {
  const { f, mia, max, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  left(await f.tp.tasks.changeStatus(mia, id, { status: 'completed' }), 'InvalidTransition')
  left(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }), 'InvalidTransition')
  const rejected = right(await f.tp.tasks.reject(max, id, 'missing tests'))
  assert.is(rejected.task.status, 'in_progress')
  const entry = right(await f.tp.tasks.get(mia, id)).recentAudit[0]
  assert.is(entry?.action, 'rejected')
  assert.is(entry?.details.reason, 'missing tests')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  const approved = right(await f.tp.tasks.approve(max, id))
  assert.is(approved.task.status, 'completed')
  assert.is(right(await f.tp.tasks.get(mia, id)).recentAudit[0]?.action, 'approved')
})

test('approve and reject: not the assignee member; admins may; viewers never; only from review', async () => {
  const { f, adam, mia, vic, alice, pid, id } = await setup()
  left(await f.tp.tasks.approve(adam, id), 'InvalidTransition')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  left(await f.tp.tasks.approve(mia, id), 'Forbidden', 'The assignee cannot approve or reject their own task')
  left(await f.tp.tasks.reject(mia, id, 'x'), 'Forbidden')
  left(await f.tp.tasks.approve(vic, id), 'Forbidden')
  left(await f.tp.tasks.reject(adam, id, ''), 'ValidationFailed')
  right(await f.tp.tasks.approve(adam, id))
  // An admin who is the assignee may approve their own task.
  const own = right(await f.tp.tasks.create(alice, pid, { title: 'own', assigneeId: adam.worker.id }))
  right(await f.tp.tasks.changeStatus(adam, own.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(adam, own.task.id, { status: 'review' }))
  right(await f.tp.tasks.approve(adam, own.task.id))
})

test('status and progress: the assignee member and admins; others refused', async () => {
  const { f, max, vic, adam, id } = await setup()
  left(await f.tp.tasks.changeStatus(max, id, { status: 'in_progress' }), 'Forbidden')
  left(await f.tp.tasks.changeStatus(vic, id, { status: 'in_progress' }), 'Forbidden')
  left(await f.tp.tasks.changeStatus(await f.human('eve'), id, { status: 'in_progress' }), 'NotFound')
  right(await f.tp.tasks.changeStatus(adam, id, { status: 'in_progress' }))
  left(await f.tp.tasks.reportProgress(max, id, { percent: 10 }), 'Forbidden')
})

test('progress: only while in_progress or review, 0..100, note audited', async () => {
  const { f, mia, id } = await setup()
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 10 }), 'ProgressNotAllowed')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 101 }), 'ValidationFailed')
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 5, note: 'n'.repeat(2001) }), 'ValidationFailed')
  const r = right(await f.tp.tasks.reportProgress(mia, id, { percent: 40, note: 'half-way soon' }))
  assert.is(r.task.progressPercent, 40)
  assert.is(r.task.rollupProgressPercent, 40)
  const entry = right(await f.tp.tasks.get(mia, id)).recentAudit[0]
  assert.equal([entry?.action, entry?.details.note, entry?.details.after], ['progress_updated', 'half-way soon', { progress_percent: 40 }])
  right(await f.tp.tasks.reportProgress(mia, id, { percent: 40 }))
  assert.is(right(await f.tp.audit.forTask(mia, id, {})).items.length, 3)
})

test('If-Match on status changes', async () => {
  const { f, mia, id } = await setup()
  left(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress', expectedVersion: 5 }), 'VersionMismatch')
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress', expectedVersion: 1 }))
})

test('assign: only to members (humans and agents), unassign with null, audited', async () => {
  const { f, alice, mia, bot, id } = await setup()
  const eve = await f.human('eve')
  left(await f.tp.tasks.assign(alice, id, eve.worker.id), 'NotAProjectMember', '@eve is not a member of project web-app')
  left(await f.tp.tasks.assign(alice, id, 777), 'AssigneeNotFound')
  const toBot = right(await f.tp.tasks.assign(mia, id, bot.worker.id))
  assert.is(toBot.assigneeHandle, '@bot')
  left(await f.tp.tasks.assign(mia, id, mia.worker.id), 'Forbidden') // no longer hers
  const none = right(await f.tp.tasks.assign(alice, id, null))
  assert.is(none.task.assigneeId, null)
  const actions = right(await f.tp.audit.forTask(alice, id, {})).items.map((e) => e.action)
  assert.equal(actions, ['created', 'assigned', 'unassigned'])
})

test('an agent acting as itself: works its task, audited as an agent', async () => {
  const { f, alice, bot, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'for the bot', assigneeId: bot.worker.id }))
  right(await f.tp.tasks.changeStatus(bot, t.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.reportProgress(bot, t.task.id, { percent: 70 }))
  const entry = right(await f.tp.tasks.get(alice, t.task.id)).recentAudit[0]
  assert.equal(entry?.actor, { type: 'agent', id: bot.worker.id })
})

test('workflow writes are atomic with their audit entry', async () => {
  const { f, mia, max, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  f.faults.failAuditWrites()
  for (const attempt of [
    () => f.tp.tasks.approve(max, id),
    () => f.tp.tasks.reject(max, id, 'no'),
    () => f.tp.tasks.reportProgress(mia, id, { percent: 90 }),
    () => f.tp.tasks.assign(mia, id, null),
  ]) {
    await attempt().then(() => assert.unreachable('the injected failure must surface'), () => undefined)
  }
  f.faults.heal()
  const task = right(await f.tp.tasks.get(mia, id)).task
  assert.equal([task.status, task.progressPercent, task.assigneeId, task.version], ['review', 0, mia.worker.id, 3])
})

const statusArb = fc.constantFrom<TaskStatus>('backlog', 'pending', 'in_progress', 'review', 'blocked', 'completed', 'cancelled')
const opArb = fc.oneof(
  fc.record({ kind: fc.constant('status' as const), to: statusArb }),
  fc.record({ kind: fc.constant('progress' as const), percent: fc.integer({ min: 0, max: 100 }) }),
  fc.constant({ kind: 'approve' as const }),
  fc.constant({ kind: 'reject' as const }),
)

test('property: through the use cases, the stored status history follows the table and rollup stays in 0..100', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), opArb), { maxLength: 25 }), async (ops) => {
      const f = fixture()
      const alice = await f.human('alice')
      const pid = await f.project(alice, 'web-app')
      const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
      const kids = [
        right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'k0' })),
        right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'k1' })),
        right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'k2' })),
      ]
      for (const [k, op] of ops) {
        const id = kids[k]?.task.id ?? 0
        if (op.kind === 'status') await f.tp.tasks.changeStatus(alice, id, { status: op.to })
        else if (op.kind === 'progress') await f.tp.tasks.reportProgress(alice, id, { percent: op.percent })
        else if (op.kind === 'approve') await f.tp.tasks.approve(alice, id)
        else await f.tp.tasks.reject(alice, id, 'again')
      }
      const p = right(await f.tp.tasks.get(alice, parent.task.id))
      assert.ok(p.task.rollupProgressPercent >= 0 && p.task.rollupProgressPercent <= 100)
      const counted = p.subtasks.filter((s) => s.task.status !== 'cancelled')
      const expected = counted.length === 0
        ? p.task.progressPercent
        : Math.round(counted.reduce((sum, s) => sum + (s.task.status === 'completed' ? 100 : s.task.rollupProgressPercent), 0) / counted.length)
      assert.is(p.task.rollupProgressPercent, expected)
      for (const kid of kids) {
        let status: TaskStatus = 'pending'
        for (const entry of right(await f.tp.audit.forTask(alice, kid.task.id, { limit: 200 })).items) {
          const after = entry.details.after?.status
          if (typeof after !== 'string' || entry.action === 'created') continue
          assert.ok((TABLE[status] as readonly string[]).includes(after), `${status} -> ${after}`)
          status = after as TaskStatus
        }
      }
    }),
    { numRuns: 40 },
  )
})

test.run()
