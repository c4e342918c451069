// Workflow callers beyond the assignee: viewers refused by every operation, and agents acting as members.
import type * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AppError } from '../../../src/application/index.js'
import { left, right } from '../../support/app-fixture.js'
import { auditOf, committed, setup, stored, toReview } from './workflow-fixture.js'

test('viewers are refused by every workflow operation, and may still read', async () => {
  const { f, mia, vic, id } = await setup()
  await toReview(f, mia, id)
  const before = stored(f, id)
  const auditCount = committed(f).audit.length
  const attempts: ReadonlyArray<() => Promise<E.Either<AppError, unknown>>> = [
    () => f.tp.tasks.changeStatus(vic, id, { status: 'blocked' }),
    () => f.tp.tasks.reportProgress(vic, id, { percent: 5 }),
    () => f.tp.tasks.assign(vic, id, vic.worker.id),
    () => f.tp.tasks.assign(vic, id, null),
    () => f.tp.tasks.approve(vic, id),
    () => f.tp.tasks.reject(vic, id, 'no'),
    () => f.tp.tasks.update(vic, id, { title: 'x' }),
    () => f.tp.tasks.delete(vic, id, true),
    () => f.tp.tasks.createSubtask(vic, id, { title: 'x' }),
  ]
  for (const attempt of attempts) left(await attempt(), 'Forbidden')
  assert.equal(stored(f, id), before)
  assert.is(committed(f).audit.length, auditCount)
  right(await f.tp.tasks.get(vic, id))
  right(await f.tp.audit.forTask(vic, id, {}))
})

test('an agent member works the task assigned to it; its entries say actor_type agent', async () => {
  const { f, alice, bot, max, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'for the bot', assigneeId: bot.worker.id }))
  right(await f.tp.tasks.changeStatus(bot, t.task.id, { status: 'in_progress', reason: 'starting' }))
  right(await f.tp.tasks.reportProgress(bot, t.task.id, { percent: 70, note: 'tests pass' }))
  right(await f.tp.tasks.changeStatus(bot, t.task.id, { status: 'review' }))
  // The agent is the assignee member: it may not approve its own work.
  left(await f.tp.tasks.approve(bot, t.task.id), 'Forbidden')
  right(await f.tp.tasks.approve(max, t.task.id))
  const entries = (await auditOf(f, alice, t.task.id)).slice(1)
  assert.equal(entries.map((e) => [e.action, e.actor.type]), [
    ['status_changed', 'agent'], ['progress_updated', 'agent'], ['status_changed', 'agent'], ['approved', 'human'],
  ])
  assert.ok(entries.slice(0, 3).every((e) => e.actor.id === bot.worker.id))
  assert.is(stored(f, t.task.id).status, 'completed')
})

test('an agent member may not touch tasks not assigned to it; an agent outside the project sees nothing', async () => {
  const { f, alice, bot, id } = await setup()
  left(await f.tp.tasks.changeStatus(bot, id, { status: 'in_progress' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  const lone = await f.agent(alice, '@lone')
  left(await f.tp.tasks.changeStatus(lone, id, { status: 'in_progress' }), 'NotFound')
  left(await f.tp.tasks.get(lone, id), 'NotFound')
  assert.is(stored(f, id).status, 'pending')
})

test.run()
