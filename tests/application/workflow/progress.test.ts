// Progress reports: only while in progress or in review, an integer from 0 to 100, the note audited, who may report.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { left, right } from '../../support/app-fixture.js'
import { auditOf, committed, setup, stored } from './workflow-fixture.js'

test('progress: only while in_progress or review', async () => {
  const { f, alice, mia, max, id, pid } = await setup()
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 10 }), 'ProgressNotAllowed',
    'Progress can only be reported while the task is in_progress or review (it is pending)')
  for (const status of ['backlog', 'blocked', 'cancelled'] as const) {
    const t = right(await f.tp.tasks.create(alice, pid, { title: status }))
    right(await f.tp.tasks.changeStatus(alice, t.task.id, { status }))
    left(await f.tp.tasks.reportProgress(alice, t.task.id, { percent: 10 }), 'ProgressNotAllowed')
  }
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 40 })).task.progressPercent, 40)
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'review' }))
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 90 })).task.progressPercent, 90)
  right(await f.tp.tasks.approve(max, id))
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 50 }), 'ProgressNotAllowed',
    'Progress can only be reported while the task is in_progress or review (it is completed)')
  assert.is(stored(f, id).progressPercent, 100)
})

test('progress: an integer from 0 to 100', async () => {
  const { f, mia, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  for (const percent of [-1, 101, 50.5, Number.NaN]) {
    left(await f.tp.tasks.reportProgress(mia, id, { percent }), 'ValidationFailed', 'percent: must be an integer from 0 to 100')
  }
  assert.equal([stored(f, id).progressPercent, stored(f, id).version], [0, 2])
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 100 })).task.progressPercent, 100)
  assert.is(right(await f.tp.tasks.reportProgress(mia, id, { percent: 0 })).task.progressPercent, 0)
  // Reaching 100 % is not completing the task.
  assert.is(stored(f, id).status, 'in_progress')
})

test('progress: the note goes into the audit entry; the same value again is no change', async () => {
  const { f, mia, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  const r = right(await f.tp.tasks.reportProgress(mia, id, { percent: 40, note: 'half-way soon' }))
  assert.equal([r.task.progressPercent, r.task.rollupProgressPercent, r.task.version], [40, 40, 3])
  const entry = (await auditOf(f, mia, id)).at(-1)
  assert.is(entry?.action, 'progress_updated')
  assert.equal(entry?.details, { before: { progress_percent: 0 }, after: { progress_percent: 40 }, note: 'half-way soon' })
  const auditCount = committed(f).audit.length
  const same = right(await f.tp.tasks.reportProgress(mia, id, { percent: 40, note: 'still' }))
  assert.is(same.task.version, 3)
  assert.is(committed(f).audit.length, auditCount)
  left(await f.tp.tasks.reportProgress(mia, id, { percent: 50, note: 'n'.repeat(2001) }), 'ValidationFailed', 'note: must be at most 2000 characters')
  assert.is(stored(f, id).progressPercent, 40)
})

test('progress: the assignee member and admins; others refused', async () => {
  const { f, adam, mia, max, vic, eve, id } = await setup()
  right(await f.tp.tasks.changeStatus(mia, id, { status: 'in_progress' }))
  left(await f.tp.tasks.reportProgress(max, id, { percent: 10 }), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.reportProgress(vic, id, { percent: 10 }), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.reportProgress(eve, id, { percent: 10 }), 'NotFound')
  assert.is(stored(f, id).progressPercent, 0)
  right(await f.tp.tasks.reportProgress(adam, id, { percent: 20 }))
  right(await f.tp.tasks.reportProgress(mia, id, { percent: 30 }))
})

test.run()
