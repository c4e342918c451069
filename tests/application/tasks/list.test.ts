// Listing the tasks of a project: every filter, the views, who may read, and stable keyset pages.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { TaskFilter } from '../../../src/application/index.js'
import { left, right } from '../../support/app-fixture.js'
import { paths, setup } from './task-fixture.js'

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
  const { f, alice, mia, bot, pid } = await setup()
  right(await f.tp.tasks.create(alice, pid, { title: 'a', assigneeId: mia.worker.id }))
  right(await f.tp.tasks.create(alice, pid, { title: 'b' }))
  const page = right(await f.tp.tasks.list(alice, pid, {}, {}))
  assert.equal(page.items.map((v) => [v.shortId, v.assigneeHandle, v.externalLinks]), [['WA-1', '@mia', []], ['WA-2', null, []]])
  assert.is(page.nextCursor, null)
  right(await f.tp.tasks.create(alice, pid, { title: 'c', assigneeId: bot.worker.id }))
  assert.equal(right(await f.tp.tasks.list(alice, pid, {}, {})).items.map((v) => v.assigneeHandle), ['@mia', null, '@bot'])
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

test.run()
