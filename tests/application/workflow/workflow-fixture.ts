// Shared by the workflow tests: a project with every role and a task assigned to a member, and readers of the stored rows.
import type { Caller } from '../../../src/application/index.js'
import { fixture, right, type Fixture } from '../../support/app-fixture.js'

export const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice') // owner
  const adam = await f.human('adam') // admin
  const mia = await f.human('mia') // member, the assignee
  const max = await f.human('max') // member, not the assignee
  const vic = await f.human('vic') // viewer
  const eve = await f.human('eve') // not a member
  const bot = await f.agent(alice, '@bot') // agent member
  const pid = await f.project(alice, 'web-app', [[adam, 'admin'], [mia, 'member'], [max, 'member'], [vic, 'viewer'], [bot, 'member']])
  const task = right(await f.tp.tasks.create(alice, pid, { title: 'feature', assigneeId: mia.worker.id }))
  return { f, alice, adam, mia, max, vic, eve, bot, pid, id: task.task.id }
}

export const committed = (f: Fixture) => f.adapters.db.snapshot()
export const stored = (f: Fixture, id: number) => {
  const task = committed(f).tasks.get(id)
  if (!task) throw new Error(`task ${id} is not stored`)
  return task
}
export const auditOf = async (f: Fixture, caller: Caller, id: number) => right(await f.tp.audit.forTask(caller, id, { limit: 200 })).items

export const toReview = async (f: Fixture, caller: Caller, id: number) => {
  right(await f.tp.tasks.changeStatus(caller, id, { status: 'in_progress' }))
  right(await f.tp.tasks.changeStatus(caller, id, { status: 'review' }))
}
