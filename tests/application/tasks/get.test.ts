// Reading one task: its direct subtasks, its recent audit, its external links, and not found for outsiders.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { left, right } from '../../support/app-fixture.js'
import { setup } from './task-fixture.js'

test('get: the task with its direct subtasks only, in order, as views', async () => {
  const { f, alice, mia, vic, pid } = await setup()
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const c1 = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'c1', assigneeId: mia.worker.id }))
  const c2 = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'c2' }))
  right(await f.tp.tasks.createSubtask(alice, c1.task.id, { title: 'grandchild' }))
  right(await f.tp.tasks.create(alice, pid, { title: 'unrelated' }))
  const detail = right(await f.tp.tasks.get(vic, parent.task.id))
  assert.is(detail.task.id, parent.task.id)
  assert.is(detail.shortId, 'WA-1')
  assert.equal(detail.subtasks.map((s) => [s.task.id, s.shortId, s.assigneeHandle]), [[c1.task.id, 'WA-2', '@mia'], [c2.task.id, 'WA-3', null]])
  assert.equal(right(await f.tp.tasks.get(alice, c2.task.id)).subtasks, [])
})

test('get: recent audit is the latest 10 entries of this task only, newest first', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'v0' }))
  const noise = right(await f.tp.tasks.create(alice, pid, { title: 'noise' }))
  for (let i = 1; i <= 12; i += 1) {
    f.clock.advance()
    right(await f.tp.tasks.update(alice, t.task.id, { title: `v${i}` }))
    right(await f.tp.tasks.update(alice, noise.task.id, { title: `noise ${i}` }))
  }
  const detail = right(await f.tp.tasks.get(alice, t.task.id))
  assert.is(detail.recentAudit.length, 10)
  assert.equal(detail.recentAudit.map((e) => e.details.after?.title), ['v12', 'v11', 'v10', 'v9', 'v8', 'v7', 'v6', 'v5', 'v4', 'v3'])
  assert.equal(detail.recentAudit[0]?.details.after, { title: 'v12' })
  assert.is(detail.task.version, 13)
  assert.ok(detail.recentAudit.every((e) => e.entityType === 'task' && e.entityId === String(t.task.id)))
  const fresh = right(await f.tp.tasks.create(alice, pid, { title: 'fresh' }))
  assert.equal(right(await f.tp.tasks.get(alice, fresh.task.id)).recentAudit.map((e) => e.action), ['created'])
})

test('get: external links of a synced task', async () => {
  const { f, alice, pid } = await setup()
  const token = right(await f.tp.apiTokens.create(alice, pid, { name: 'jira' }))
  const synced = right(await f.tp.sync({
    projectId: pid,
    rawToken: token.raw,
    payload: { source: 'jira', externalId: 'PROJ-7', name: 'from jira', externalUrl: 'https://jira.example.com/browse/PROJ-7' },
  }))
  const detail = right(await f.tp.tasks.get(alice, synced.taskId))
  assert.equal(detail.externalLinks, [{ source: 'jira', externalId: 'PROJ-7', externalUrl: 'https://jira.example.com/browse/PROJ-7' }])
  const listed = right(await f.tp.tasks.list(alice, pid, {}, {})).items.find((v) => v.task.id === synced.taskId)
  assert.equal(listed?.externalLinks, detail.externalLinks)
  const plain = right(await f.tp.tasks.create(alice, pid, { title: 'plain' }))
  assert.equal(right(await f.tp.tasks.get(alice, plain.task.id)).externalLinks, [])
})

test('get: non-members and unknown ids get the same not found', async () => {
  const { f, alice, eve, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'secret' }))
  left(await f.tp.tasks.get(eve, t.task.id), 'NotFound', `Task with ID ${t.task.id} not found`)
  left(await f.tp.tasks.get(alice, 999_999), 'NotFound', 'Task with ID 999999 not found')
  const root = await f.human('root', { platformAdmin: true })
  right(await f.tp.tasks.get(root, t.task.id))
})

test.run()
