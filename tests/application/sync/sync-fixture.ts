// Shared by the sync tests: a project with a 'jira' token and a push helper, and readers of the committed tables.
import type { Tables } from '../../../src/adapters/persistence/memory/index.js'
import type { SyncPayload } from '../../../src/application/index.js'
import type { SyncSource, Task } from '../../../src/domain/index.js'
import { fixture, right, type Fixture } from '../../support/app-fixture.js'

export type Push = Partial<SyncPayload> & { readonly externalId: string }

export const setup = async (statusMap?: Record<string, string>) => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const { raw, token } = right(await f.tp.apiTokens.create(alice, pid, statusMap ? { name: 'jira', statusMap } : { name: 'jira' }))
  const push = (payload: Push, rawToken: string | undefined = raw) =>
    f.tp.sync({ projectId: pid, rawToken, payload: { source: 'jira', name: `Item ${payload.externalId}`, ...payload } })
  return { f, alice, pid, raw, token, push }
}

export const db = (f: Fixture): Tables => f.adapters.db.snapshot()
export const taskOf = (f: Fixture, id: number): Task => {
  const task = db(f).tasks.get(id)
  if (!task) throw new Error(`task ${id} is not stored`)
  return task
}
export const linkOf = (f: Fixture, externalId: string, source: SyncSource = 'jira') =>
  [...db(f).links.values()].find((l) => l.source === source && l.externalId === externalId)
export const auditOf = (f: Fixture, taskId: number) => db(f).audit.filter((e) => e.entityType === 'task' && e.entityId === String(taskId))
/** Everything but the tokens table (whose last_used_at moves on every authenticated push). */
export const content = (f: Fixture) => {
  const t = db(f)
  return { tasks: [...t.tasks.values()], links: [...t.links.values()], audit: t.audit, members: [...t.members.values()] }
}
