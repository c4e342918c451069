// Task use cases over the in-memory adapters: create (defaults, numbering, membership and parent rules,
// validation), list (every filter, keyset pages), get (subtasks, recent audit, links), update (permissions,
// If-Match, versions, reparenting) and delete (subtrees).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { AppError, TaskFilter } from '../../src/application/index.js'
import type { Priority } from '../../src/domain/index.js'
import { fixture, left, right, type Fixture } from '../support/app-fixture.js'

const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice') // owner
  const adam = await f.human('adam') // admin
  const mia = await f.human('mia') // member
  const max = await f.human('max') // member
  const vic = await f.human('vic') // viewer
  const eve = await f.human('eve') // not a member
  const bot = await f.agent(alice, '@bot') // agent member
  const lone = await f.agent(alice, '@lone') // agent, not a member
  const pid = await f.project(alice, 'web-app', [[adam, 'admin'], [mia, 'member'], [max, 'member'], [vic, 'viewer'], [bot, 'member']])
  return { f, alice, adam, mia, max, vic, eve, bot, lone, pid }
}

const paths = (error: AppError): readonly string[] =>
  error._tag === 'ValidationFailed' ? error.issues.map((i) => i.path) : assert.unreachable(`expected ValidationFailed, got ${error._tag}`) as never

const committed = (f: Fixture) => f.adapters.db.snapshot()

// ---------------------------------------------------------------------------------------------- create

test('create: a new task is pending, medium, at 0 %, version 1, unassigned, top level', async () => {
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
  right(await f.tp.tasks.create(mia, pid, { title: 'by a member' }))
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

// ------------------------------------------------------------------------------------------------ list

test('list: every filter, alone and combined', async () => {
  const { f, alice, mia, bot, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'Fix Login bug', priority: 'high', tags: ['auth'], assigneeId: mia.worker.id }))
  const b = right(await f.tp.tasks.create(alice, pid, { title: 'Write docs', priority: 'low', tags: ['docs'], assigneeId: bot.worker.id }))
  const c = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'login tests', tags: ['auth', 'tests'] }))
  const d = right(await f.tp.tasks.createSubtask(alice, c.task.id, { title: 'LOGIN e2e', priority: 'high', assigneeId: mia.worker.id }))
  // Tasks of another project never show up.
  const other = await f.project(alice, 'other-app')
  right(await f.tp.tasks.create(alice, other, { title: 'login elsewhere', tags: ['auth'] }))
  right(await f.tp.tasks.changeStatus(alice, b.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(alice, d.task.id, { status: 'blocked' }))
  const ids = async (filter: TaskFilter) => right(await f.tp.tasks.list(alice, pid, filter, {})).items.map((v) => v.task.id)
  const [A, B, C, D] = [a.task.id, b.task.id, c.task.id, d.task.id]
  assert.equal(await ids({}), [A, B, C, D])
  assert.equal(await ids({ status: 'pending' }), [A, C])
  assert.equal(await ids({ status: 'in_progress' }), [B])
  assert.equal(await ids({ status: 'review' }), [])
  assert.equal(await ids({ assigneeId: mia.worker.id }), [A, D])
  assert.equal(await ids({ assigneeId: bot.worker.id }), [B])
  assert.equal(await ids({ assigneeId: 'none' }), [C])
  assert.equal(await ids({ priority: 'high' }), [A, D])
  assert.equal(await ids({ priority: 'medium' }), [C])
  assert.equal(await ids({ tag: 'auth' }), [A, C])
  assert.equal(await ids({ tag: 'aut' }), [])
  assert.equal(await ids({ parentId: A }), [C]) // direct children only
  assert.equal(await ids({ parentId: C }), [D])
  assert.equal(await ids({ parentId: 'none' }), [A, B])
  assert.equal(await ids({ q: 'login' }), [A, C, D])
  assert.equal(await ids({ q: 'LoGiN' }), [A, C, D])
  assert.equal(await ids({ q: 'DOCS' }), [B])
  assert.equal(await ids({ q: 'nothing like it' }), [])
  assert.equal(await ids({ q: 'login', priority: 'high' }), [A, D])
  assert.equal(await ids({ q: 'login', assigneeId: 'none', tag: 'tests' }), [C])
  assert.equal(await ids({ status: 'blocked', parentId: C, assigneeId: mia.worker.id }), [D])
})

test('list: items are views with short id, assignee handle and links', async () => {
  const { f, alice, mia, pid } = await setup()
  right(await f.tp.tasks.create(alice, pid, { title: 'a', assigneeId: mia.worker.id }))
  right(await f.tp.tasks.create(alice, pid, { title: 'b' }))
  const page = right(await f.tp.tasks.list(alice, pid, {}, {}))
  assert.equal(page.items.map((v) => [v.shortId, v.assigneeHandle, v.externalLinks]), [['WA-1', '@mia', []], ['WA-2', null, []]])
  assert.is(page.nextCursor, null)
})

test('list: viewers and platform admins may read; non-members get not found; bad paging is a validation error', async () => {
  const { f, alice, vic, eve, pid } = await setup()
  right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  assert.is(right(await f.tp.tasks.list(vic, pid, {}, {})).items.length, 1)
  const root = await f.human('root', { platformAdmin: true })
  assert.is(right(await f.tp.tasks.list(root, pid, {}, {})).items.length, 1)
  left(await f.tp.tasks.list(eve, pid, {}, {}), 'NotFound', `Project with ID ${pid} not found`)
  for (const limit of [0, 201, 1.5, -3]) {
    assert.equal(paths(left(await f.tp.tasks.list(alice, pid, {}, { limit }), 'ValidationFailed')), ['limit'])
  }
  right(await f.tp.tasks.list(alice, pid, {}, { limit: 200 }))
  right(await f.tp.tasks.list(alice, pid, {}, { limit: 1 }))
  for (const cursor of ['%%%', 'bm90IGpzb24', Buffer.from('"text"').toString('base64url')]) {
    assert.equal(paths(left(await f.tp.tasks.list(alice, pid, {}, { cursor }), 'ValidationFailed')), ['cursor'])
  }
})

test('list: the default page is 50 and the next cursor leads to the rest', async () => {
  const { f, alice, pid } = await setup()
  for (let i = 1; i <= 51; i += 1) right(await f.tp.tasks.create(alice, pid, { title: `t${i}` }))
  const first = right(await f.tp.tasks.list(alice, pid, {}, {}))
  assert.is(first.items.length, 50)
  assert.ok(first.nextCursor)
  const rest = right(await f.tp.tasks.list(alice, pid, {}, { cursor: first.nextCursor }))
  assert.equal(rest.items.map((v) => v.task.title), ['t51'])
  assert.is(rest.nextCursor, null)
})

test('list: keyset pages are stable while tasks are inserted (and removed) between pages', async () => {
  const { f, alice, pid } = await setup()
  const titles = async (cursor: string | undefined, filter: TaskFilter = {}) => {
    const page = right(await f.tp.tasks.list(alice, pid, filter, { limit: 2, ...(cursor === undefined ? {} : { cursor }) }))
    return { titles: page.items.map((v) => v.task.title), next: page.nextCursor }
  }
  const ids: number[] = []
  for (const title of ['t1', 't2', 't3', 't4', 't5']) ids.push(right(await f.tp.tasks.create(alice, pid, { title })).task.id)
  const p1 = await titles(undefined)
  assert.equal(p1.titles, ['t1', 't2'])
  // Inserted and removed rows between pages: an offset would now skip t3; a keyset does not.
  right(await f.tp.tasks.create(alice, pid, { title: 't6' }))
  right(await f.tp.tasks.delete(alice, ids[0] ?? 0, false))
  const p2 = await titles(p1.next ?? undefined)
  assert.equal(p2.titles, ['t3', 't4'])
  right(await f.tp.tasks.create(alice, pid, { title: 't7' }))
  const p3 = await titles(p2.next ?? undefined)
  assert.equal(p3.titles, ['t5', 't6'])
  const p4 = await titles(p3.next ?? undefined)
  assert.equal(p4.titles, ['t7'])
  assert.is(p4.next, null)
  // With a filter, too.
  const filtered: string[] = []
  let cursor: string | undefined
  let round = 0
  do {
    const page = await titles(cursor, { q: 'T' })
    filtered.push(...page.titles)
    if (round === 0) right(await f.tp.tasks.create(alice, pid, { title: 't8' }))
    cursor = page.next ?? undefined
    round += 1
  } while (cursor !== undefined)
  assert.equal(filtered, ['t2', 't3', 't4', 't5', 't6', 't7', 't8'])
})

test('list: the last full page has no next cursor', async () => {
  const { f, alice, pid } = await setup()
  for (const title of ['a', 'b', 'c', 'd']) right(await f.tp.tasks.create(alice, pid, { title }))
  const p1 = right(await f.tp.tasks.list(alice, pid, {}, { limit: 2 }))
  const p2 = right(await f.tp.tasks.list(alice, pid, {}, { limit: 2, cursor: p1.nextCursor ?? '' }))
  assert.equal(p2.items.map((v) => v.task.title), ['c', 'd'])
  assert.is(p2.nextCursor, null)
})

// ------------------------------------------------------------------------------------------------- get

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

// ---------------------------------------------------------------------------------------------- update

test('update: a member modifies only tasks assigned to them; admins and owners any; viewers none', async () => {
  const { f, alice, adam, mia, max, vic, eve, pid } = await setup()
  const mine = right(await f.tp.tasks.create(alice, pid, { title: 'mine', assigneeId: mia.worker.id }))
  const hers = right(await f.tp.tasks.create(alice, pid, { title: 'hers', assigneeId: max.worker.id }))
  const nobody = right(await f.tp.tasks.create(mia, pid, { title: 'nobody' }))
  assert.is(right(await f.tp.tasks.update(mia, mine.task.id, { title: 'mine!' })).task.title, 'mine!')
  left(await f.tp.tasks.update(mia, hers.task.id, { title: 'x' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  // Creating a task does not make it the creator's.
  left(await f.tp.tasks.update(mia, nobody.task.id, { title: 'x' }), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.update(vic, mine.task.id, { title: 'x' }), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.update(eve, mine.task.id, { title: 'x' }), 'NotFound', `Task with ID ${mine.task.id} not found`)
  assert.is(right(await f.tp.tasks.update(adam, hers.task.id, { title: 'by admin' })).task.title, 'by admin')
  assert.is(right(await f.tp.tasks.update(alice, nobody.task.id, { title: 'by owner' })).task.title, 'by owner')
  const stored = committed(f).tasks
  assert.equal([stored.get(hers.task.id)?.title, stored.get(nobody.task.id)?.title], ['by admin', 'by owner'])
  left(await f.tp.tasks.update(alice, 999_999, { title: 'x' }), 'NotFound')
})

test('update: If-Match with a stale version is refused and changes nothing', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  right(await f.tp.tasks.update(alice, t.task.id, { title: 'b', expectedVersion: 1 }))
  left(await f.tp.tasks.update(alice, t.task.id, { title: 'c', expectedVersion: 1 }), 'VersionMismatch',
    'Version mismatch: If-Match expected version 1, the task is at version 2')
  const stored = committed(f).tasks.get(t.task.id)
  assert.equal([stored?.title, stored?.version], ['b', 2])
  assert.is(right(await f.tp.tasks.update(alice, t.task.id, { title: 'c', expectedVersion: 2 })).task.version, 3)
})

test('update: several fields in one request are one change: version +1, one audit entry of only the changed fields', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a', description: 'd', storyPoints: 3 }))
  const auditBefore = committed(f).audit.length
  f.clock.advance(60_000)
  const next = right(await f.tp.tasks.update(alice, t.task.id, {
    title: 'b', priority: 'urgent', tags: ['x'], description: null, dueDate: '2027-01-31', storyPoints: 3,
  }))
  assert.is(next.task.version, 2)
  assert.equal(next.task.updatedAt, f.clock.now())
  assert.equal(next.task.createdAt, t.task.createdAt)
  assert.equal(committed(f).tasks.get(t.task.id), next.task)
  const entries = committed(f).audit.slice(auditBefore)
  assert.is(entries.length, 1)
  assert.is(entries[0]?.action, 'updated')
  assert.equal(entries[0]?.details, {
    before: { title: 'a', description: 'd', priority: 'medium', tags: [], due_date: null },
    after: { title: 'b', description: null, priority: 'urgent', tags: ['x'], due_date: '2027-01-31' },
  })
  const second = right(await f.tp.tasks.update(alice, t.task.id, { storyPoints: 5 }))
  assert.is(second.task.version, 3)
  // Fields and a new parent together: still one change.
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const both = right(await f.tp.tasks.update(alice, t.task.id, { title: 'c', parentTaskId: parent.task.id, expectedVersion: 3 }))
  assert.equal([both.task.version, both.task.parentTaskId], [4, parent.task.id])
  assert.is(committed(f).tasks.get(t.task.id)?.version, 4)
  const last = committed(f).audit.at(-1)
  assert.equal(last?.details, { before: { title: 'b', parent_task_id: null }, after: { title: 'c', parent_task_id: parent.task.id } })
  assert.is(right(await f.tp.tasks.update(alice, t.task.id, { title: 'd', expectedVersion: 4 })).task.version, 5)
})

test('update: a request that changes nothing writes nothing (no version, no audit, no timestamp)', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a', tags: ['x', 'y'], priority: 'high' }))
  const before = committed(f)
  f.clock.advance(60_000)
  for (const command of [{}, { title: 'a' }, { tags: ['x', 'y'], priority: 'high' as const }, { tags: ['x', 'x', 'y'] }, { parentTaskId: null }]) {
    const same = right(await f.tp.tasks.update(alice, t.task.id, command))
    assert.is(same.task.version, 1)
    assert.equal(same.task.updatedAt, t.task.updatedAt)
  }
  const after = committed(f)
  assert.is(after.audit.length, before.audit.length)
  assert.equal(after.tasks.get(t.task.id), before.tasks.get(t.task.id))
})

test('update: bad fields are validation errors with paths, and nothing is written', async () => {
  const { f, alice, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const error = left(await f.tp.tasks.update(alice, t.task.id, { title: ' ', storyPoints: -1, dueDate: 'tomorrow', tags: [''] }), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['due_date', 'story_points', 'tags.0', 'title'])
  left(await f.tp.tasks.update(alice, t.task.id, { priority: 'asap' as Priority }), 'ValidationFailed', 'priority: must be one of low, medium, high, urgent')
  const stored = committed(f).tasks.get(t.task.id)
  assert.equal([stored?.title, stored?.version], ['a', 1])
})

test('update: reparenting refuses cycles (self, child, deep descendant) and other projects; moves; back to top level', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  const c = right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  const d = right(await f.tp.tasks.createSubtask(alice, c.task.id, { title: 'd' }))
  const e = right(await f.tp.tasks.create(alice, pid, { title: 'e' }))
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: a.task.id }), 'CircularReference', 'Circular reference detected')
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: b.task.id }), 'CircularReference', 'Circular reference detected')
  left(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: d.task.id }), 'CircularReference', 'Circular reference detected')
  left(await f.tp.tasks.update(alice, b.task.id, { parentTaskId: d.task.id }), 'CircularReference', 'Circular reference detected')
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.tasks.create(alice, other, { title: 'foreign' }))
  left(await f.tp.tasks.update(alice, e.task.id, { parentTaskId: foreign.task.id }), 'ParentInOtherProject', 'Parent task must be in the same project')
  left(await f.tp.tasks.update(alice, e.task.id, { parentTaskId: 5555 }), 'ValidationFailed', 'parent_task_id: task 5555 does not exist')
  // None of the refusals changed anything.
  const stored = committed(f).tasks
  assert.equal([a, b, c, d, e].map((t) => [stored.get(t.task.id)?.parentTaskId, stored.get(t.task.id)?.version]),
    [[null, 1], [a.task.id, 1], [b.task.id, 1], [c.task.id, 1], [null, 1]])
  // A legal move: c (with d below it) goes under e.
  const moved = right(await f.tp.tasks.update(alice, c.task.id, { parentTaskId: e.task.id }))
  assert.equal([moved.task.parentTaskId, moved.task.version], [e.task.id, 2])
  // Now a is no longer above c: c's subtree may take a as parent, and a may go below d.
  right(await f.tp.tasks.update(alice, a.task.id, { parentTaskId: d.task.id }))
  assert.equal(right(await f.tp.tasks.get(alice, d.task.id)).subtasks.map((s) => s.task.id), [a.task.id])
  const top = right(await f.tp.tasks.update(alice, c.task.id, { parentTaskId: null }))
  assert.equal([top.task.parentTaskId, top.task.version], [null, 3])
  const audit = right(await f.tp.audit.forTask(alice, c.task.id, {})).items.filter((x) => x.action === 'updated')
  assert.equal(audit.map((x) => x.details), [
    { before: { parent_task_id: b.task.id }, after: { parent_task_id: e.task.id } },
    { before: { parent_task_id: e.task.id }, after: { parent_task_id: null } },
  ])
})

test('update: an agent member edits the task assigned to it', async () => {
  const { f, alice, bot, pid } = await setup()
  const t = right(await f.tp.tasks.create(alice, pid, { title: 'for the bot', assigneeId: bot.worker.id }))
  const other = right(await f.tp.tasks.create(alice, pid, { title: 'not for the bot' }))
  right(await f.tp.tasks.update(bot, t.task.id, { description: 'on it' }))
  left(await f.tp.tasks.update(bot, other.task.id, { description: 'x' }), 'Forbidden')
  const entry = committed(f).audit.at(-1)
  assert.equal(entry?.actor, { type: 'agent', id: bot.worker.id })
})

// ---------------------------------------------------------------------------------------------- delete

test('delete: refused while subtasks exist, and nothing is deleted', async () => {
  const { f, alice, pid } = await setup()
  const a = right(await f.tp.tasks.create(alice, pid, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b2' }))
  const before = committed(f)
  left(await f.tp.tasks.delete(alice, a.task.id, false), 'TaskHasSubtasks', 'Task has 3 subtasks. Delete subtasks first or use force=true')
  left(await f.tp.tasks.delete(alice, b.task.id, false), 'TaskHasSubtasks', 'Task has 1 subtasks. Delete subtasks first or use force=true')
  const after = committed(f)
  assert.is(after.tasks.size, 4)
  assert.is(after.audit.length, before.audit.length)
})

test('delete: force removes the whole subtree and nothing else, in one audit entry', async () => {
  const { f, alice, pid } = await setup()
  const root = right(await f.tp.tasks.create(alice, pid, { title: 'root' }))
  const a = right(await f.tp.tasks.createSubtask(alice, root.task.id, { title: 'a' }))
  const b = right(await f.tp.tasks.createSubtask(alice, a.task.id, { title: 'b' }))
  const c = right(await f.tp.tasks.createSubtask(alice, b.task.id, { title: 'c' }))
  const sibling = right(await f.tp.tasks.createSubtask(alice, root.task.id, { title: 'sibling' }))
  const auditBefore = committed(f).audit.length
  right(await f.tp.tasks.delete(alice, a.task.id, true))
  for (const gone of [a, b, c]) left(await f.tp.tasks.get(alice, gone.task.id), 'NotFound')
  const stored = committed(f)
  assert.equal([...stored.tasks.keys()].sort((x, y) => x - y), [root.task.id, sibling.task.id])
  const entries = stored.audit.slice(auditBefore)
  assert.is(entries.length, 1)
  assert.equal([entries[0]?.action, entries[0]?.entityId], ['deleted', String(a.task.id)])
  assert.equal(entries[0]?.details.deleted_subtask_ids, [b.task.id, c.task.id])
  assert.is(entries[0]?.details.before?.title, 'a')
  assert.equal(right(await f.tp.tasks.get(alice, root.task.id)).subtasks.map((s) => s.task.id), [sibling.task.id])
})

test('delete: a leaf without force; its parent rollup is recomputed', async () => {
  const { f, alice, pid } = await setup()
  const parent = right(await f.tp.tasks.create(alice, pid, { title: 'parent' }))
  const done = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'done' }))
  const open = right(await f.tp.tasks.createSubtask(alice, parent.task.id, { title: 'open' }))
  right(await f.tp.tasks.changeStatus(alice, done.task.id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(alice, done.task.id, { status: 'completed' }))
  assert.is(committed(f).tasks.get(parent.task.id)?.rollupProgressPercent, 50)
  right(await f.tp.tasks.delete(alice, open.task.id, false))
  assert.is(committed(f).tasks.get(parent.task.id)?.rollupProgressPercent, 100)
})

test('delete: same permissions as update; non-members get not found', async () => {
  const { f, alice, adam, mia, max, vic, eve, pid } = await setup()
  const mine = right(await f.tp.tasks.create(alice, pid, { title: 'mine', assigneeId: mia.worker.id }))
  const hers = right(await f.tp.tasks.create(alice, pid, { title: 'hers', assigneeId: max.worker.id }))
  left(await f.tp.tasks.delete(mia, hers.task.id, false), 'Forbidden', 'Members can only modify tasks assigned to them')
  left(await f.tp.tasks.delete(vic, mine.task.id, false), 'Forbidden', 'Viewers cannot modify tasks')
  left(await f.tp.tasks.delete(eve, mine.task.id, false), 'NotFound', `Task with ID ${mine.task.id} not found`)
  left(await f.tp.tasks.delete(alice, 999_999, false), 'NotFound')
  assert.is(committed(f).tasks.size, 2)
  right(await f.tp.tasks.delete(mia, mine.task.id, false))
  right(await f.tp.tasks.delete(adam, hers.task.id, false))
  assert.is(committed(f).tasks.size, 0)
})

test.run()
