// Every task write (create, create subtask, update, delete) commits together with its audit entry, or not at all.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { right } from '../../support/app-fixture.js'
import { setup } from './task-fixture.js'

test('every task write is atomic with its audit entry', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  f.faults.failAuditWrites()
  for (const attempt of [
    () => f.tp.tasks.create(alice, pid, { title: 'never' }),
    () => f.tp.tasks.createSubtask(alice, t.task.id, { title: 'never' }),
    () => f.tp.tasks.update(alice, t.task.id, { title: 'changed' }),
    () => f.tp.tasks.delete(alice, t.task.id, true),
  ]) {
    await attempt().then(() => assert.unreachable('the injected failure must surface'), () => undefined)
  }
  f.faults.heal()
  const all = right(await f.tp.tasks.list(alice, pid, {}, {})).items
  assert.equal(all.map((v) => [v.task.title, v.task.version]), [['a', 1]])
  assert.is(right(await f.tp.tasks.create(alice, pid, { title: 'next' })).task.number, 2)
})

test.run()
