// Inbound task-sync (contract: "Inbound task-sync"), through `tp.sync`: token authentication, create or update on
// (project, source, external id), status maps, assignees and parents kept pending until they appear, stale
// pushes, validation, versioning, idempotence under concurrency and the retry after a lost race.
import * as fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Tables } from '../../src/adapters/persistence/memory/index.js'
import { ConcurrentUpdate, UniqueViolation, type SyncPayload, type UnitOfWork } from '../../src/application/index.js'
import type { SyncSource, Task } from '../../src/domain/index.js'
import { createTaskport } from '../../src/main/create-taskport.js'
import { fixture, left, right, type Fixture } from '../support/app-fixture.js'

type Push = Partial<SyncPayload> & { readonly externalId: string }

const setup = async (statusMap?: Record<string, string>) => {
  const f = fixture()
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'web-app')
  const { raw, token } = right(await f.tp.apiTokens.create(alice, pid, statusMap ? { name: 'jira', statusMap } : { name: 'jira' }))
  const push = (payload: Push, rawToken: string | undefined = raw) =>
    f.tp.sync({ projectId: pid, rawToken, payload: { source: 'jira', name: `Item ${payload.externalId}`, ...payload } })
  return { f, alice, pid, raw, token, push }
}

const db = (f: Fixture): Tables => f.adapters.db.snapshot()
const taskOf = (f: Fixture, id: number): Task => {
  const task = db(f).tasks.get(id)
  if (!task) throw new Error(`task ${id} is not stored`)
  return task
}
const linkOf = (f: Fixture, externalId: string, source: SyncSource = 'jira') =>
  [...db(f).links.values()].find((l) => l.source === source && l.externalId === externalId)
const auditOf = (f: Fixture, taskId: number) => db(f).audit.filter((e) => e.entityType === 'task' && e.entityId === String(taskId))
/** Everything but the tokens table (whose last_used_at moves on every authenticated push). */
const content = (f: Fixture) => {
  const t = db(f)
  return { tasks: [...t.tasks.values()], links: [...t.links.values()], audit: t.audit, members: [...t.members.values()] }
}

// ---------------------------------------------------------------------------------------------- authentication

test('auth: a missing, malformed, unknown or revoked token, or another project\'s, is Unauthorized and writes nothing', async () => {
  const { f, alice, pid, raw, token, push } = await setup()
  const other = await f.project(alice, 'other-app')
  const foreign = right(await f.tp.apiTokens.create(alice, other, { name: 'x' }))
  const refused = 'Invalid or revoked API token'
  left(await f.tp.sync({ projectId: pid, rawToken: undefined, payload: { source: 'jira', externalId: 'A-1', name: 'x' } }), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, ''), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, 'short'), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, raw.slice(0, 63)), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, `${raw}0`), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, raw.toUpperCase()), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, ` ${raw}`), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, 'f'.repeat(64)), 'Unauthorized', refused)
  left(await push({ externalId: 'A-1' }, foreign.raw), 'Unauthorized', refused)
  // The right token on a project id that is not its own (or does not exist) is refused as well.
  left(await f.tp.sync({ projectId: other, rawToken: raw, payload: { source: 'jira', externalId: 'A-1', name: 'x' } }), 'Unauthorized', refused)
  left(await f.tp.sync({ projectId: 987654, rawToken: raw, payload: { source: 'jira', externalId: 'A-1', name: 'x' } }), 'Unauthorized', refused)
  const t = db(f)
  assert.is(t.tasks.size, 0)
  assert.is(t.links.size, 0)
  assert.is(t.tokens.get(token.id)?.lastUsedAt, null)
  assert.is(t.tokens.get(foreign.token.id)?.lastUsedAt, null, 'a refused push does not count as a use of the token')

  right(await f.tp.apiTokens.revoke(alice, pid, token.id))
  left(await push({ externalId: 'A-1' }), 'Unauthorized', refused)
  assert.is(db(f).tasks.size, 0)
})

test('auth: every accepted push records last_used_at', async () => {
  const { f, token, push } = await setup()
  assert.is(db(f).tokens.get(token.id)?.lastUsedAt, null)
  const t1 = f.clock.advance()
  right(await push({ externalId: 'A-1' }))
  assert.equal(db(f).tokens.get(token.id)?.lastUsedAt, t1)
  const t2 = f.clock.advance(60_000)
  right(await push({ externalId: 'A-1' })) // an update that changes nothing is still a use
  assert.equal(db(f).tokens.get(token.id)?.lastUsedAt, t2)
})

// ---------------------------------------------------------------------------------------------- create / update

test('create: in backlog, with labels as tags, story points, description, the link and its url; created: true', async () => {
  const { f, pid, token, push } = await setup()
  const r = right(await push({
    externalId: 'PROJ-1', name: 'From Jira', description: 'details', labels: ['backend', 'api'], storyPoints: 3.5,
    externalUrl: 'https://jira.example.com/browse/PROJ-1',
  }))
  assert.equal({ ...r, taskId: 0 }, { taskId: 0, shortId: 'WA-1', created: true, warnings: [] })
  const task = taskOf(f, r.taskId)
  assert.equal(
    [task.projectId, task.number, task.status, task.title, task.description, task.tags, task.storyPoints, task.assigneeId, task.parentTaskId, task.createdById, task.version, task.progressPercent, task.startedAt, task.completedAt],
    [pid, 1, 'backlog', 'From Jira', 'details', ['backend', 'api'], 3.5, null, null, null, 1, 0, null, null],
  )
  assert.equal(task.createdAt, f.clock.now())
  const link = linkOf(f, 'PROJ-1')
  assert.ok(link)
  assert.equal(
    [link.projectId, link.taskId, link.source, link.externalUrl, link.pendingAssigneeEmail, link.pendingParentExternalId],
    [pid, r.taskId, 'jira', 'https://jira.example.com/browse/PROJ-1', null, null],
  )
  // The task as a client reads it carries the link.
  const view = right(await f.tp.tasks.get((await f.human('alice')), r.taskId))
  assert.equal(view.externalLinks, [{ source: 'jira', externalId: 'PROJ-1', externalUrl: 'https://jira.example.com/browse/PROJ-1' }])
  // Audited as created, by the token.
  const entries = auditOf(f, r.taskId)
  assert.equal(entries.map((e) => [e.action, e.actor]), [['created', { type: 'api_token', id: token.id }]])
  assert.is(entries[0]?.details.after?.status, 'backlog')
})

test('create: a second push of the same item updates it (created: false); another source or id is another task', async () => {
  const { f, raw, pid, push } = await setup()
  const first = right(await push({ externalId: 'PROJ-1' }))
  const again = right(await push({ externalId: 'PROJ-1', name: 'renamed' }))
  assert.equal([again.taskId, again.shortId, again.created], [first.taskId, first.shortId, false])
  const otherId = right(await push({ externalId: 'PROJ-2' }))
  const otherSource = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'linear', externalId: 'PROJ-1', name: 'x' } }))
  assert.equal([otherId.created, otherId.shortId, otherSource.created, otherSource.shortId], [true, 'WA-2', true, 'WA-3'])
  assert.is(db(f).tasks.size, 3)
  assert.is(db(f).links.size, 3)
})

test('create: in the mapped status, with that status\'s side effects', async () => {
  const { f, push } = await setup()
  const now = f.clock.now()
  const done = taskOf(f, right(await push({ externalId: 'D-1', status: 'done' })).taskId)
  assert.equal([done.status, done.progressPercent, done.rollupProgressPercent, done.completedAt, done.startedAt], ['completed', 100, 100, now, null])
  const started = taskOf(f, right(await push({ externalId: 'D-2', status: 'in_progress' })).taskId)
  assert.equal([started.status, started.startedAt, started.completedAt, started.progressPercent], ['in_progress', now, null, 0])
  const todo = taskOf(f, right(await push({ externalId: 'D-3', status: 'todo' })).taskId)
  assert.equal([todo.status, todo.startedAt, todo.completedAt], ['pending', null, null])
  assert.ok([done, started, todo].every((t) => t.version === 1))
})

test('update: given fields are replaced, absent ones kept, null clears; one synced entry with only the changes', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'U-1', name: 'v1', description: 'keep me', labels: ['a'], storyPoints: 1, externalUrl: 'https://x.example/1' }))
  const at = f.clock.advance()
  right(await push({ externalId: 'U-1', name: 'v2', labels: ['b', 'c'], storyPoints: 2 }))
  let task = taskOf(f, r.taskId)
  assert.equal([task.title, task.description, task.tags, task.storyPoints, task.version, task.status], ['v2', 'keep me', ['b', 'c'], 2, 2, 'backlog'])
  assert.equal(task.updatedAt, at)
  assert.is(linkOf(f, 'U-1')?.externalUrl, 'https://x.example/1')
  const synced = auditOf(f, r.taskId).at(-1)
  assert.is(synced?.action, 'synced')
  assert.equal(synced?.details.before, { title: 'v1', tags: ['a'], story_points: 1 })
  assert.equal(synced?.details.after, { title: 'v2', tags: ['b', 'c'], story_points: 2 })
  assert.equal([synced?.details.source, synced?.details.external_id], ['jira', 'U-1'])

  right(await push({ externalId: 'U-1', name: 'v2', description: null, storyPoints: null, labels: [], externalUrl: 'https://x.example/2' }))
  task = taskOf(f, r.taskId)
  assert.equal([task.description, task.storyPoints, task.tags, task.version], [null, null, [], 3])
  assert.is(linkOf(f, 'U-1')?.externalUrl, 'https://x.example/2')
  right(await push({ externalId: 'U-1', name: 'v2', externalUrl: null }))
  assert.is(linkOf(f, 'U-1')?.externalUrl, null)
  // The url lives on the link, not the task: changing it is no change of the task.
  assert.is(taskOf(f, r.taskId).version, 3)
})

// ---------------------------------------------------------------------------------------------- status maps

test('status: the default map, with keys matched ignoring case (DONE, In_Progress, ToDo)', async () => {
  const { f, push } = await setup()
  const statusOf = async (externalId: string, status: string) => taskOf(f, right(await push({ externalId, status })).taskId).status
  assert.is(await statusOf('S-1', 'DONE'), 'completed')
  assert.is(await statusOf('S-2', 'In_Progress'), 'in_progress')
  assert.is(await statusOf('S-3', 'ToDo'), 'pending')
  assert.is(await statusOf('S-4', ' done '), 'completed')
  // Matching ignores case, not spelling: 'In Progress' is not 'in_progress'.
  const spaced = right(await push({ externalId: 'S-5', status: 'In Progress' }))
  assert.equal(spaced.warnings, ['status "In Progress" is not mapped; status left as backlog'])
})

test('status: the token\'s map is merged over the default one; its keys win and are matched ignoring case', async () => {
  const { f, push } = await setup({ 'In Review': 'review', Done: 'cancelled' })
  const statusOf = async (externalId: string, status: string) => taskOf(f, right(await push({ externalId, status })).taskId).status
  assert.is(await statusOf('M-1', 'IN REVIEW'), 'review')
  assert.is(await statusOf('M-2', 'in review'), 'review')
  assert.is(await statusOf('M-3', 'DONE'), 'cancelled') // the token's key overrides the default 'done'
  assert.is(await statusOf('M-4', 'todo'), 'pending') // default keys the token does not override still apply
  assert.is(await statusOf('M-5', 'In_Progress'), 'in_progress')
})

test('status: each token brings its own map', async () => {
  const { f, alice, pid, push } = await setup({ 'In Review': 'review' })
  const plain = right(await f.tp.apiTokens.create(alice, pid, { name: 'plain' }))
  const viaPlain = right(await push({ externalId: 'K-1', status: 'In Review' }, plain.raw))
  assert.equal(viaPlain.warnings, ['status "In Review" is not mapped; status left as backlog'])
  assert.is(taskOf(f, viaPlain.taskId).status, 'backlog')
  const viaMapped = right(await push({ externalId: 'K-1', status: 'In Review' }))
  assert.equal(viaMapped.warnings, [])
  assert.is(taskOf(f, viaPlain.taskId).status, 'review')
})

test('status: a mapped status is applied even where the workflow forbids the step; audited as status_synced', async () => {
  const { f, token, push } = await setup({ Reopened: 'backlog', 'In Review': 'review' })
  const r = right(await push({ externalId: 'W-1', status: 'done' }))
  const doneAt = taskOf(f, r.taskId).completedAt
  assert.ok(doneAt)
  const at = f.clock.advance()
  right(await push({ externalId: 'W-1', status: 'Reopened' })) // completed -> backlog is not in the table
  const task = taskOf(f, r.taskId)
  assert.equal([task.status, task.completedAt, task.version], ['backlog', null, 2])
  assert.equal(task.updatedAt, at)
  const entry = auditOf(f, r.taskId).at(-1)
  assert.is(entry?.action, 'status_synced')
  assert.equal(entry?.actor, { type: 'api_token', id: token.id })
  assert.equal(entry?.details.before, { status: 'completed', completed_at: doneAt.toISOString() })
  assert.equal(entry?.details.after, { status: 'backlog', completed_at: null })
  // review -> completed normally needs an approval; in_progress -> review -> backlog: all applied as sent.
  right(await push({ externalId: 'W-1', status: 'In Review' }))
  right(await push({ externalId: 'W-1', status: 'done' }))
  assert.equal([taskOf(f, r.taskId).status, taskOf(f, r.taskId).version], ['completed', 4])
  assert.equal(auditOf(f, r.taskId).map((e) => e.action), ['created', 'status_synced', 'status_synced', 'status_synced'])
})

test('status: a push changing fields and status writes synced and status_synced, and the version moves by one', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'B-1', name: 'old' }))
  right(await push({ externalId: 'B-1', name: 'new', status: 'in_progress' }))
  const task = taskOf(f, r.taskId)
  assert.equal([task.title, task.status, task.version], ['new', 'in_progress', 2])
  assert.equal(task.startedAt, f.clock.now())
  const [, synced, statusSynced] = auditOf(f, r.taskId)
  assert.equal([synced?.action, synced?.details.before, synced?.details.after], ['synced', { title: 'old' }, { title: 'new' }])
  assert.is(statusSynced?.action, 'status_synced')
  assert.equal(statusSynced?.details.after, { status: 'in_progress', started_at: f.clock.now().toISOString() })
})

test('status: an unmapped status keeps the task\'s status, warns, and the other fields still apply', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'X-1', status: 'Waiting for QA' }))
  assert.equal(r.warnings, ['status "Waiting for QA" is not mapped; status left as backlog'])
  assert.is(taskOf(f, r.taskId).status, 'backlog')
  right(await push({ externalId: 'X-1', status: 'in_progress' }))
  const u = right(await push({ externalId: 'X-1', status: 'Blocked by vendor', name: 'renamed' }))
  assert.equal(u.warnings, ['status "Blocked by vendor" is not mapped; status left as in_progress'])
  const task = taskOf(f, r.taskId)
  assert.equal([task.status, task.title, task.version], ['in_progress', 'renamed', 3])
  assert.not.ok(auditOf(f, r.taskId).at(-1)?.details.after?.status, 'no status change is audited')
})

// ---------------------------------------------------------------------------------------------- idempotence

test('an identical second push changes nothing: same task, no audit, version and timestamps unchanged', async () => {
  const f0 = await setup()
  const { f, alice, pid, push } = f0
  const mia = await f.human('mia')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|mia', role: 'member' }))
  right(await push({ externalId: 'P-1' }))
  const payload: Push = {
    externalId: 'I-1', name: 'same', description: 'd', labels: ['x', 'y'], storyPoints: 2, status: 'In_Progress',
    externalUrl: 'https://x.example/I-1', assigneeEmail: 'mia@example.com', parentExternalId: 'P-1', updatedAt: new Date('2026-11-20T00:00:00Z'),
  }
  const first = right(await push(payload))
  assert.is(taskOf(f, first.taskId).assigneeId, mia.worker.id)
  const before = content(f)
  f.clock.advance()
  const second = right(await push(payload))
  f.clock.advance()
  const third = right(await push({ ...payload, labels: ['x', 'y', 'x'], status: 'IN_PROGRESS', assigneeEmail: 'MIA@example.com' }))
  assert.equal([second.created, second.taskId, second.warnings, third.created, third.taskId], [false, first.taskId, [], false, first.taskId])
  assert.equal(content(f), before)
  assert.is(taskOf(f, first.taskId).version, 1)
})

test('pushes with pending assignee and parent, repeated, change nothing either', async () => {
  const { f, push } = await setup()
  const payload: Push = { externalId: 'I-2', assigneeEmail: 'nobody@example.com', parentExternalId: 'NOPE', status: 'unknown' }
  const first = right(await push(payload))
  const before = content(f)
  f.clock.advance()
  const second = right(await push(payload))
  assert.equal(second.warnings, first.warnings)
  assert.is(second.warnings.length, 3)
  assert.equal(content(f), before)
})

// ---------------------------------------------------------------------------------------------- assignees

test('assignee: the email is matched ignoring case against the project\'s members', async () => {
  const { f, alice, pid, push } = await setup()
  const mia = await f.human('mia')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|mia', role: 'member' }))
  const r = right(await push({ externalId: 'E-1', assigneeEmail: 'MIA@Example.COM' }))
  assert.equal(r.warnings, [])
  assert.is(taskOf(f, r.taskId).assigneeId, mia.worker.id)
  assert.is(linkOf(f, 'E-1')?.pendingAssigneeEmail, null)
  // Absent: kept. null: unassigned, audited.
  right(await push({ externalId: 'E-1', name: 'renamed' }))
  assert.is(taskOf(f, r.taskId).assigneeId, mia.worker.id)
  right(await push({ externalId: 'E-1', name: 'renamed', assigneeEmail: null }))
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  assert.equal(auditOf(f, r.taskId).at(-1)?.details.after, { assignee_id: null })
})

test('assignee: an unknown email stays pending with a warning, and is assigned when a member with that email is added', async () => {
  const { f, alice, pid, push } = await setup()
  const r = right(await push({ externalId: 'E-2', assigneeEmail: 'Carol@Example.com' }))
  assert.equal(r.warnings, ['assignee carol@example.com is not a member of this project; assignment pending until they are added'])
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  assert.is(linkOf(f, 'E-2')?.pendingAssigneeEmail, 'carol@example.com')

  const added = right(await f.tp.members.add(alice, pid, { userId: 'sso|carol', email: 'carol@example.com' }))
  const task = taskOf(f, r.taskId)
  assert.is(task.assigneeId, added.worker.id)
  assert.is(task.version, 2)
  assert.is(linkOf(f, 'E-2')?.pendingAssigneeEmail, null)
  const entry = auditOf(f, r.taskId).at(-1)
  assert.is(entry?.action, 'assigned')
  assert.equal(entry?.actor, { type: 'human', id: alice.worker.id })
  assert.equal(entry?.details.after, { assignee_id: added.worker.id })
  // The next push naming her finds her directly.
  assert.equal(right(await push({ externalId: 'E-3', assigneeEmail: 'carol@example.com' })).warnings, [])
})

test('assignee: an explicit assignment meanwhile drops the pending sync assignee', async () => {
  const { f, alice, pid, push } = await setup()
  const r = right(await push({ externalId: 'E-6', assigneeEmail: 'carol@example.com' }))
  right(await f.tp.tasks.assign(alice, r.taskId, alice.worker.id))
  assert.is(linkOf(f, 'E-6')?.pendingAssigneeEmail, null)
  right(await f.tp.members.add(alice, pid, { userId: 'sso|carol', email: 'carol@example.com' }))
  assert.is(taskOf(f, r.taskId).assigneeId, alice.worker.id)
})

test('assignee: a known worker who is not a member of this project stays pending until added', async () => {
  const { f, alice, pid, push } = await setup()
  const bob = await f.human('bob') // has a worker (and an email) but no membership here
  const r = right(await push({ externalId: 'E-4', assigneeEmail: 'bob@example.com' }))
  assert.is(r.warnings.length, 1)
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  right(await f.tp.members.add(alice, pid, { userId: 'sso|bob' }))
  assert.is(taskOf(f, r.taskId).assigneeId, bob.worker.id)
})

test('assignee: a member of another project with that email does not match', async () => {
  const { f, push } = await setup()
  const bob = await f.human('bob')
  await f.project(bob, 'bobs-app')
  const r = right(await push({ externalId: 'E-5', assigneeEmail: 'bob@example.com' }))
  assert.is(taskOf(f, r.taskId).assigneeId, null)
  assert.is(r.warnings.length, 1)
})

// ---------------------------------------------------------------------------------------------- parents

test('parent: a known parent of the same source makes the task its subtask, and its rollup follows', async () => {
  const { f, push } = await setup()
  const parent = right(await push({ externalId: 'P-1' }))
  const child = right(await push({ externalId: 'C-1', parentExternalId: 'P-1', status: 'done' }))
  assert.equal(child.warnings, [])
  assert.is(taskOf(f, child.taskId).parentTaskId, parent.taskId)
  assert.is(linkOf(f, 'C-1')?.pendingParentExternalId, null)
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 100)
  // null: top-level again, and the old parent's rollup falls back to its own progress.
  right(await push({ externalId: 'C-1', parentExternalId: null }))
  assert.is(taskOf(f, child.taskId).parentTaskId, null)
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 0)
})

test('parent: an unknown parent leaves the task flat with a warning; it is attached when the parent arrives, audited', async () => {
  const { f, token, push } = await setup()
  const early = right(await push({ externalId: 'C-2', parentExternalId: 'P-2', status: 'done' }))
  assert.equal(early.warnings, ['parent P-2 not found; the task stays top-level until the parent arrives'])
  assert.is(taskOf(f, early.taskId).parentTaskId, null)
  assert.is(linkOf(f, 'C-2')?.pendingParentExternalId, 'P-2')

  const late = right(await push({ externalId: 'P-2' }))
  assert.equal(late.warnings, [])
  const child = taskOf(f, early.taskId)
  assert.equal([child.parentTaskId, child.version], [late.taskId, 2])
  assert.is(linkOf(f, 'C-2')?.pendingParentExternalId, null)
  const entry = auditOf(f, early.taskId).at(-1)
  assert.equal([entry?.action, entry?.actor], ['synced', { type: 'api_token', id: token.id }])
  assert.equal([entry?.details.before, entry?.details.after], [{ parent_task_id: null }, { parent_task_id: late.taskId }])
  assert.is(taskOf(f, late.taskId).rollupProgressPercent, 100)
})

test('parent: several children waiting for the same parent are all attached', async () => {
  const { f, push } = await setup()
  const kids = [right(await push({ externalId: 'K-1', parentExternalId: 'P' })), right(await push({ externalId: 'K-2', parentExternalId: 'P', status: 'done' }))]
  const parent = right(await push({ externalId: 'P' }))
  assert.equal(kids.map((k) => taskOf(f, k.taskId).parentTaskId), [parent.taskId, parent.taskId])
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 50)
})

test('parent: only a parent of the same source matches', async () => {
  const { f, pid, raw } = await setup()
  right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'linear', externalId: 'P-9', name: 'linear parent' } }))
  const child = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'C-9', name: 'c', parentExternalId: 'P-9' } }))
  assert.is(taskOf(f, child.taskId).parentTaskId, null)
  assert.equal(child.warnings, ['parent P-9 not found; the task stays top-level until the parent arrives'])
  // A parent of another source arriving later does not adopt the waiting child either.
  right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'github', externalId: 'P-9', name: 'github parent' } }))
  assert.is(taskOf(f, child.taskId).parentTaskId, null)
  const jiraParent = right(await f.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'P-9', name: 'jira parent' } }))
  assert.is(taskOf(f, child.taskId).parentTaskId, jiraParent.taskId)
})

test('parent: never a cycle — A under B, then B pushed under A is refused with a warning', async () => {
  const { f, push } = await setup()
  const b = right(await push({ externalId: 'B' }))
  const a = right(await push({ externalId: 'A', parentExternalId: 'B' }))
  const before = content(f)
  const r = right(await push({ externalId: 'B', parentExternalId: 'A' }))
  assert.equal(r.warnings, ['parent A not attached: Circular reference detected'])
  assert.is(taskOf(f, b.taskId).parentTaskId, null)
  assert.is(taskOf(f, a.taskId).parentTaskId, b.taskId)
  assert.equal(content(f), before)
})

test('parent: never a cycle — a task naming itself as parent, on create or update', async () => {
  const { f, push } = await setup()
  const self = right(await push({ externalId: 'S', parentExternalId: 'S' }))
  assert.ok(self.warnings.includes('parent S not attached: Circular reference detected'))
  assert.is(taskOf(f, self.taskId).parentTaskId, null)
  const u = right(await push({ externalId: 'S', parentExternalId: 'S' }))
  assert.equal(u.warnings, ['parent S not attached: Circular reference detected'])
  assert.is(taskOf(f, self.taskId).parentTaskId, null)
})

test('parent: never a cycle — a late parent that is itself a child of the waiting task is not attached above it', async () => {
  const { f, push } = await setup()
  const x = right(await push({ externalId: 'X', parentExternalId: 'Y' })) // X waits for Y
  const y = right(await push({ externalId: 'Y', parentExternalId: 'X' })) // Y arrives as a child of X
  assert.equal(y.warnings, ['parent Y not attached: Circular reference detected'])
  assert.is(taskOf(f, y.taskId).parentTaskId, x.taskId)
  assert.is(taskOf(f, x.taskId).parentTaskId, null)
})

test('parent: no sequence of pushes ever creates a cycle (property)', async () => {
  const ids = ['A', 'B', 'C', 'D', 'E']
  const step = fc.record({
    externalId: fc.constantFrom(...ids),
    parentExternalId: fc.option(fc.constantFrom(...ids), { nil: undefined, freq: 3 }),
    detach: fc.boolean(),
  })
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
      const { f, push } = await setup()
      for (const s of steps) {
        const parentExternalId = s.detach && s.parentExternalId === undefined ? null : s.parentExternalId
        right(await push({ externalId: s.externalId, ...(parentExternalId === undefined ? {} : { parentExternalId }) }))
      }
      const tasks = db(f).tasks
      for (const task of tasks.values()) {
        const seen = new Set<number>([task.id])
        let parent = task.parentTaskId
        while (parent !== null) {
          if (seen.has(parent)) return false
          seen.add(parent)
          parent = tasks.get(parent)?.parentTaskId ?? null
        }
      }
      return true
    }),
    { numRuns: 150 },
  )
})

test('parent: a waiting child that was placed elsewhere meanwhile moves to the parent; both rollups are right', async () => {
  const { f, alice, push } = await setup()
  const child = right(await push({ externalId: 'C', parentExternalId: 'P', status: 'done' }))
  const holder = right(await f.tp.tasks.create(alice, taskOf(f, child.taskId).projectId, { title: 'holder' }))
  right(await f.tp.tasks.update(alice, child.taskId, { parentTaskId: holder.task.id }))
  assert.is(taskOf(f, holder.task.id).rollupProgressPercent, 100)
  const parent = right(await push({ externalId: 'P' }))
  assert.is(taskOf(f, child.taskId).parentTaskId, parent.taskId)
  assert.is(taskOf(f, parent.taskId).rollupProgressPercent, 100)
  assert.is(taskOf(f, holder.task.id).rollupProgressPercent, 0, 'the former parent no longer counts the child')
})

// ---------------------------------------------------------------------------------------------- stale pushes

test('stale: an older updated_at changes nothing and warns; an equal one is applied; none is never stale', async () => {
  const { f, push } = await setup()
  const t1 = new Date('2026-11-22T10:00:00Z')
  const r = right(await push({ externalId: 'T-1', name: 'new', status: 'in_progress', updatedAt: t1 }))
  assert.equal(linkOf(f, 'T-1')?.sourceUpdatedAt, t1)
  const before = content(f)
  const stale = right(await push({ externalId: 'T-1', name: 'old', status: 'done', labels: ['x'], assigneeEmail: 'z@example.com', updatedAt: new Date('2026-11-22T09:59:59.999Z') }))
  assert.equal(stale, { taskId: r.taskId, shortId: 'WA-1', created: false, warnings: ['stale update ignored'] })
  assert.equal(content(f), before)

  right(await push({ externalId: 'T-1', name: 'same instant', updatedAt: new Date(t1.getTime()) }))
  assert.is(taskOf(f, r.taskId).title, 'same instant')
  const t2 = new Date('2026-11-22T11:00:00Z')
  right(await push({ externalId: 'T-1', name: 'later', updatedAt: t2 }))
  assert.equal(linkOf(f, 'T-1')?.sourceUpdatedAt, t2)
  // A push without updated_at is applied and does not forget the last applied time.
  right(await push({ externalId: 'T-1', name: 'no timestamp' }))
  assert.equal(linkOf(f, 'T-1')?.sourceUpdatedAt, t2)
  const again = right(await push({ externalId: 'T-1', name: 'between', updatedAt: new Date('2026-11-22T10:30:00Z') }))
  assert.equal(again.warnings, ['stale update ignored'])
  assert.is(taskOf(f, r.taskId).title, 'no timestamp')
})

// ---------------------------------------------------------------------------------------------- validation

test('validation: bad fields are ValidationFailed, named by their payload path, and nothing is written', async () => {
  const { f, token, push } = await setup()
  right(await push({ externalId: 'V-0', name: 'existing' }))
  const before = db(f)
  const paths = async (payload: Push) => {
    const error = left(await push(payload), 'ValidationFailed')
    return error._tag === 'ValidationFailed' ? error.issues.map((i) => i.path) : []
  }
  assert.equal(await paths({ externalId: 'V-1', name: '' }), ['name'])
  assert.equal(await paths({ externalId: 'V-1', name: '   ' }), ['name'])
  assert.equal(await paths({ externalId: '' }), ['external_id'])
  assert.equal(await paths({ externalId: 'x'.repeat(256) }), ['external_id'])
  assert.equal(await paths({ externalId: 'V-1', externalUrl: 'ftp://example.com/x' }), ['external_url'])
  assert.equal(await paths({ externalId: 'V-1', externalUrl: 'not a url' }), ['external_url'])
  assert.equal(await paths({ externalId: 'V-1', storyPoints: -1 }), ['story_points'])
  assert.equal(await paths({ externalId: 'V-1', storyPoints: 1001 }), ['story_points'])
  assert.equal(await paths({ externalId: 'V-1', storyPoints: 1.3 }), ['story_points'])
  assert.equal(await paths({ externalId: 'V-1', storyPoints: Number.NaN }), ['story_points'])
  assert.equal(await paths({ externalId: 'V-1', labels: Array.from({ length: 21 }, (_, i) => `l${i}`) }), ['labels'])
  assert.equal(await paths({ externalId: 'V-1', assigneeEmail: 'not-an-email' }), ['assignee_email'])
  assert.equal(await paths({ externalId: 'V-1', name: '', storyPoints: -1 }), ['name', 'story_points'])
  // An update of an existing item is validated the same way, and leaves it as it was.
  assert.equal(await paths({ externalId: 'V-0', name: '' }), ['name'])
  assert.equal(await paths({ externalId: 'V-0', name: 'renamed', storyPoints: 2.25 }), ['story_points'])
  const after = db(f)
  assert.equal([...after.tasks.values()], [...before.tasks.values()])
  assert.equal([...after.links.values()], [...before.links.values()])
  assert.equal(after.audit, before.audit)
  assert.equal(after.tokens.get(token.id), before.tokens.get(token.id))
})

test('validation: the limits themselves are accepted', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'x'.repeat(255), storyPoints: 1000, labels: Array.from({ length: 20 }, (_, i) => `l${i}`), externalUrl: 'http://example.com' }))
  assert.is(taskOf(f, r.taskId).storyPoints, 1000)
  assert.is(right(await push({ externalId: 'zero', storyPoints: 0 })).created, true)
  assert.is(right(await push({ externalId: 'half', storyPoints: 0.5 })).created, true)
})

// ---------------------------------------------------------------------------------------------- versions

test('version: exactly one step per push that changes something, however many things it changes', async () => {
  const { f, alice, pid, push } = await setup()
  await f.human('mia')
  right(await f.tp.members.add(alice, pid, { userId: 'sso|mia' }))
  right(await push({ externalId: 'PARENT' }))
  const r = right(await push({ externalId: 'V' }))
  const versions = [taskOf(f, r.taskId).version]
  const pushes: Push[] = [
    { externalId: 'V', name: 'a' },
    { externalId: 'V', name: 'a' }, // no change
    { externalId: 'V', name: 'b', description: 'x', labels: ['l'], storyPoints: 3 },
    { externalId: 'V', name: 'b', status: 'in_progress', assigneeEmail: 'mia@example.com', parentExternalId: 'PARENT' },
    { externalId: 'V', name: 'b', status: 'In_Progress' }, // no change
    { externalId: 'V', name: 'c', status: 'done', assigneeEmail: null, parentExternalId: null },
    { externalId: 'V', name: 'c', externalUrl: 'https://x.example/V' }, // the link changes, the task does not
  ]
  for (const p of pushes) {
    f.clock.advance()
    right(await push(p))
    versions.push(taskOf(f, r.taskId).version)
  }
  assert.equal(versions, [1, 2, 2, 3, 4, 4, 5, 5])
})

// ---------------------------------------------------------------------------------------------- concurrency

test('idempotent: fifty concurrent identical pushes leave exactly one task and one link', async () => {
  const { f, push } = await setup()
  const results = (await Promise.all(Array.from({ length: 50 }, () => push({ externalId: 'RACE-1', name: 'same', status: 'done' })))).map(right)
  assert.is(results.filter((r) => r.created).length, 1)
  assert.is(new Set(results.map((r) => r.taskId)).size, 1)
  assert.ok(results.every((r) => r.shortId === 'WA-1'))
  const t = db(f)
  assert.is(t.tasks.size, 1)
  assert.is(t.links.size, 1)
  assert.is([...t.tasks.values()][0]?.version, 1)
  assert.equal(t.audit.filter((e) => e.entityType === 'task').map((e) => e.action), ['created'])
})

test('concurrent pushes of different items get numbers 1..n without gaps or duplicates', async () => {
  const { f, push } = await setup()
  const results = (await Promise.all(Array.from({ length: 30 }, (_, i) => push({ externalId: `N-${i}` })))).map(right)
  assert.ok(results.every((r) => r.created))
  assert.equal([...db(f).tasks.values()].map((t) => t.number).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1))
})

/**
 * A lost race: the first attempt's `links.insert` throws the unique violation that a concurrent push of the same
 * item causes, and that push's commit becomes visible before the next attempt.
 */
const losingOnce = (inner: UnitOfWork, winner: () => Promise<unknown>) => {
  let attempts = 0
  const uow: UnitOfWork = {
    run: async (work) => {
      attempts += 1
      if (attempts > 1) return inner.run(work)
      try {
        return await inner.run((stores) => work({
          ...stores,
          links: { ...stores.links, insert: async () => { throw new UniqueViolation('external_link') } },
        }))
      } finally {
        await winner()
      }
    },
  }
  return { uow, attempts: () => attempts }
}

test('race: a push whose link insert loses to a concurrent push retries, finds the link and updates (created: false)', async () => {
  const { f, pid, raw, token } = await setup()
  const payload = { source: 'jira' as const, externalId: 'R-1', name: 'winner' }
  let won: unknown
  const race = losingOnce(f.adapters.uow, async () => {
    won = await f.tp.sync({ projectId: pid, rawToken: raw, payload })
  })
  const loser = createTaskport({ ...f.adapters, uow: race.uow })
  const r = right(await loser.sync({ projectId: pid, rawToken: raw, payload: { ...payload, name: 'loser', labels: ['late'] } }))
  const winner = right(won as Awaited<ReturnType<typeof f.tp.sync>>)
  assert.is(race.attempts(), 2)
  assert.equal([winner.created, r.created, r.taskId, r.shortId], [true, false, winner.taskId, 'WA-1'])
  const t = db(f)
  assert.is(t.tasks.size, 1)
  assert.is(t.links.size, 1)
  const task = taskOf(f, r.taskId)
  // The failed attempt's task insert was rolled back (its number too); the retry updated the winner's task.
  assert.equal([task.number, task.title, task.tags, task.version], [1, 'loser', ['late'], 2])
  assert.equal(auditOf(f, r.taskId).map((e) => [e.action, e.actor.id]), [['created', token.id], ['synced', token.id]])
})

test('race: a task update that loses to a concurrent change is retried and applied once', async () => {
  const { f, pid, raw, push } = await setup()
  const created = right(await push({ externalId: 'R-2', name: 'v1' }))
  let attempts = 0
  const uow: UnitOfWork = {
    run: (work) => f.adapters.uow.run((stores) => work({
      ...stores,
      tasks: {
        ...stores.tasks,
        update: async (task, expected) => {
          attempts += 1
          if (attempts === 1) throw new ConcurrentUpdate('task', task.id)
          return stores.tasks.update(task, expected)
        },
      },
    })),
  }
  const tp = createTaskport({ ...f.adapters, uow })
  const r = right(await tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'R-2', name: 'v2' } }))
  assert.equal([r.created, r.taskId], [false, created.taskId])
  assert.equal([taskOf(f, r.taskId).title, taskOf(f, r.taskId).version], ['v2', 2])
  assert.equal(auditOf(f, r.taskId).map((e) => e.action), ['created', 'synced'])
})

/** A unit of work whose `links.insert` throws `error` on the first `times` calls (then inserts as usual). */
const failingLinkInsert = (f: Fixture, error: () => Error, times = 50) => {
  let attempts = 0
  const uow: UnitOfWork = {
    run: (work) => f.adapters.uow.run((stores) => work({
      ...stores,
      links: {
        ...stores.links,
        insert: async (link) => {
          attempts += 1
          if (attempts <= times) throw error()
          return stores.links.insert(link)
        },
      },
    })),
  }
  return { tp: createTaskport({ ...f.adapters, uow }), attempts: () => attempts }
}

test('race: a unique violation of any other constraint is a Conflict at once, not a retry; nothing is written', async () => {
  const { f, pid, raw } = await setup()
  const broken = failingLinkInsert(f, () => new UniqueViolation('api_token_hash'))
  left(await broken.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'R-3', name: 'x' } }), 'Conflict')
  assert.is(broken.attempts(), 1)
  assert.is(db(f).tasks.size, 0)
  assert.is(db(f).links.size, 0)
})

test('race: retries are bounded; a link insert that keeps failing ends as a Conflict', async () => {
  const { f, pid, raw } = await setup()
  const broken = failingLinkInsert(f, () => new UniqueViolation('external_link'))
  left(await broken.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'R-4', name: 'x' } }), 'Conflict')
  assert.ok(broken.attempts() > 1 && broken.attempts() <= 10, `attempts: ${broken.attempts()}`)
  assert.is(db(f).tasks.size, 0)
})

test('race: anything else thrown is not swallowed', async () => {
  const { f, pid, raw } = await setup()
  const broken = failingLinkInsert(f, () => new Error('disk on fire'))
  const outcome = await broken.tp.sync({ projectId: pid, rawToken: raw, payload: { source: 'jira', externalId: 'R-5', name: 'x' } })
    .then(() => 'resolved', (e: Error) => e.message)
  assert.is(outcome, 'disk on fire')
  assert.is(broken.attempts(), 1)
})

test('a push commits with its audit entries, or not at all', async () => {
  const { f, token, push } = await setup()
  f.faults.failAuditWrites()
  const outcome = await push({ externalId: 'F-1' }).then(() => 'resolved', () => 'rejected')
  f.faults.heal()
  assert.is(outcome, 'rejected')
  const t = db(f)
  assert.is(t.tasks.size, 0)
  assert.is(t.links.size, 0)
  assert.is(t.tokens.get(token.id)?.lastUsedAt, null)
})

test.run()
