// Creating tasks and subtasks: defaults, numbering, who may create, assignee and parent rules, validation.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Priority } from '../../../src/domain/index.js'
import { left, right } from '../../support/app-fixture.js'
import { committed, paths, setup } from './task-fixture.js'

test('create: a new task is pending, medium, at 0 %, version 1, unassigned, top level; audited as created', async () => {
  const { f, mia, pid } = await setup()
  f.clock.advance(5000)
  const view = right(await f.tp.tasks.create(mia, pid, { title: 'Write the docs' }))
  const t = view.task
  assert.is(t.status, 'pending')
  assert.is(t.priority, 'medium')
  assert.equal([t.progressPercent, t.rollupProgressPercent, t.version], [0, 0, 1])
  assert.equal([t.assigneeId, t.parentTaskId, t.description, t.dueDate, t.storyPoints], [null, null, null, null, null])
  assert.equal(t.tags, [])
  assert.equal([t.startedAt, t.completedAt], [null, null])
  assert.is(t.createdById, mia.worker.id)
  assert.is(t.projectId, pid)
  assert.equal(t.createdAt, f.clock.now())
  assert.equal(t.updatedAt, f.clock.now())
  assert.equal([view.assigneeHandle, view.externalLinks], [null, []])
  assert.equal(committed(f).tasks.get(t.id), t)
  const audit = right(await f.tp.audit.forTask(mia, t.id, {})).items
  assert.equal(audit.map((e) => [e.action, e.details.after?.title]), [['created', 'Write the docs']])
})

test('create: the given fields are kept; duplicate tags are dropped', async () => {
  const { f, alice, mia, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, {
    title: 'Ship it', description: 'all of it', priority: 'urgent', tags: ['a', 'b', 'a'], dueDate: '2026-12-24',
    storyPoints: 2.5, assigneeId: mia.worker.id,
  }))
  assert.equal(
    [t.task.description, t.task.priority, t.task.tags, t.task.dueDate, t.task.storyPoints, t.task.assigneeId, t.assigneeHandle],
    ['all of it', 'urgent', ['a', 'b'], '2026-12-24', 2.5, mia.worker.id, '@mia'],
  )
})

test('create: numbers run 1, 2, 3 per project, independently across projects; short id is KEY-N', async () => {
  const { f, alice, pid } = await setup()
  const other = await f.project(alice, 'other-app')
  const created = []
  for (const [project, title] of [[pid, 'w1'], [other, 'o1'], [pid, 'w2'], [pid, 'w3'], [other, 'o2']] as const) {
    created.push(right(await f.tp.tasks.create(alice, project, { title })))
  }
  assert.equal(created.map((v) => v.task.number), [1, 1, 2, 3, 2])
  assert.equal(created.map((v) => v.shortId), ['WA-1', 'OA-1', 'WA-2', 'WA-3', 'OA-2'])
  const key = right(await f.tp.projects.get(alice, other)).project.key
  assert.is(created[1]?.shortId, `${key}-1`)
  const subtask = right(await f.tp.tasks.createSubtask(alice, created[0]?.task.id ?? 0, { title: 'w4' }))
  assert.equal([subtask.task.number, subtask.shortId], [4, 'WA-4'])
})

test('create: a refused create does not use up a number (no gaps)', async () => {
  const { f, alice, eve, pid } = await setup()
  right(await f.tp.tasks.create(alice, pid, { title: 'one' }))
  left(await f.tp.tasks.create(alice, pid, { title: '' }), 'ValidationFailed')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: eve.worker.id }), 'NotAProjectMember')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', parentTaskId: 424242 }), 'ValidationFailed')
  assert.is(right(await f.tp.tasks.create(alice, pid, { title: 'two' })).task.number, 2)
  assert.is(committed(f).tasks.size, 2)
})

test('create: viewers are forbidden, non-members and unknown projects get not found', async () => {
  const { f, alice, vic, eve, pid } = await setup()
  left(await f.tp.tasks.create(vic, pid, { title: 'x' }), 'Forbidden', 'Viewers cannot create tasks')
  // The role is checked before the body: a viewer learns nothing about validation.
  left(await f.tp.tasks.create(vic, pid, { title: '' }), 'Forbidden')
  left(await f.tp.tasks.create(eve, pid, { title: 'x' }), 'NotFound', `Project with ID ${pid} not found`)
  left(await f.tp.tasks.create(alice, 987654, { title: 'x' }), 'NotFound', 'Project with ID 987654 not found')
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  left(await f.tp.tasks.createSubtask(vic, parent.task.id, { title: 'x' }), 'Forbidden', 'Viewers cannot create tasks')
  left(await f.tp.tasks.createSubtask(eve, parent.task.id, { title: 'x' }), 'NotFound', `Task with ID ${parent.task.id} not found`)
  assert.is(committed(f).tasks.size, 1)
})

test('create: members and agent members may create; a platform admin may create anywhere', async () => {
  const { f, mia, bot, pid } = await setup()
  const byMia = right(await f.tp.tasks.create(mia, pid, { title: 'by a member' }))
  assert.is(right(await f.tp.tasks.createSubtask(mia, byMia.task.id, { title: 'a subtask by a member' })).task.parentTaskId, byMia.task.id)
  const byBot = right(await f.tp.tasks.create(bot, pid, { title: 'by an agent' }))
  assert.is(byBot.task.createdById, bot.worker.id)
  const root = await f.human('root', { platformAdmin: true })
  right(await f.tp.tasks.create(root, pid, { title: 'by a platform admin' }))
})

test('create: the assignee must be a member of the project', async () => {
  const { f, alice, eve, bot, lone, mia, pid } = await setup()
  left(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: 999 }), 'AssigneeNotFound', 'Member with ID 999 not found in this project')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: eve.worker.id }), 'NotAProjectMember', '@eve is not a member of project web-app')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: lone.worker.id }), 'NotAProjectMember', 'Agent not a member of this project')
  assert.is(committed(f).tasks.size, 0)
  const toBot = right(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: bot.worker.id }))
  assert.equal([toBot.task.assigneeId, toBot.assigneeHandle], [bot.worker.id, '@bot'])
  const toMia = right(await f.tp.tasks.create(alice, pid, { title: 'x', assigneeId: mia.worker.id }))
  assert.equal([toMia.task.assigneeId, toMia.assigneeHandle], [mia.worker.id, '@mia'])
  // Membership is per project: a member of web-app is not a member of another project.
  const other = await f.project(alice, 'other-app')
  left(await f.tp.tasks.create(alice, other, { title: 'x', assigneeId: mia.worker.id }), 'NotAProjectMember', '@mia is not a member of project other-app')
})

test('create: a parent must exist and be in the same project; subtasks take their parent from the path', async () => {
  const { f, alice, pid } = await setup()
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.tasks.create(alice, other, { title: 'foreign' }))
  left(await f.tp.tasks.create(alice, pid, { title: 'x', parentTaskId: foreign.task.id }), 'ParentInOtherProject', 'Parent task must be in the same project')
  left(await f.tp.tasks.create(alice, pid, { title: 'x', parentTaskId: 9999 }), 'ValidationFailed', 'parent_task_id: task 9999 does not exist')
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const viaBody = right(await f.tp.tasks.create(alice, pid, { title: 'child', parentTaskId: parent.task.id }))
  assert.is(viaBody.task.parentTaskId, parent.task.id)
  const viaPath = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'child 2', parentTaskId: foreign.task.id }))
  assert.is(viaPath.task.parentTaskId, parent.task.id)
  assert.is(viaPath.task.projectId, pid)
  left(await f.tp.tasks.createSubtask(alice, 9999, { title: 'x' }), 'NotFound', 'Task with ID 9999 not found')
})

test('create: every bad field is reported at once, with its path', async () => {
  const { f, alice, pid } = await setup()
  const error = left(await f.tp.tasks.create(alice, pid, {
    title: '   ',
    description: 'd'.repeat(20_001),
    priority: 'huge' as Priority,
    tags: ['ok', '', 't'.repeat(51)],
    dueDate: '2026-02-30',
    storyPoints: 0.3,
  }), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['description', 'due_date', 'priority', 'story_points', 'tags.1', 'tags.2', 'title'])
  assert.is(committed(f).tasks.size, 0)
})

test('create: field limits', async () => {
  const { f, alice, pid } = await setup()
  const create = (input: Partial<Parameters<typeof f.tp.tasks.create>[2]>) => f.tp.tasks.create(alice, pid, { title: 'ok', ...input })
  left(await create({ title: 't'.repeat(501) }), 'ValidationFailed', 'title: must be at most 500 characters')
  right(await create({ title: 't'.repeat(500) }))
  left(await create({ title: '' }), 'ValidationFailed', 'title: must be a non-empty string')
  left(await create({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 'ValidationFailed', 'tags: must have at most 20 tags')
  right(await create({ tags: Array.from({ length: 20 }, (_, i) => `t${i}`) }))
  left(await create({ dueDate: '24.12.2026' }), 'ValidationFailed', 'due_date: must be a date YYYY-MM-DD')
  left(await create({ storyPoints: -1 }), 'ValidationFailed')
  left(await create({ storyPoints: 1000.5 }), 'ValidationFailed')
  right(await create({ storyPoints: 1000 }))
  right(await create({ storyPoints: 0 }))
})

test.run()
