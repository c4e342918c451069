// Inbound task-sync: only the identity of an item is refused (named by payload path, writing nothing); content the
// source allows is kept, fitted into the sync limits with warnings; absent fields leave values, null clears them.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SYNC_TASK_LIMITS } from '../../../src/domain/index.js'
import { left, right } from '../../support/app-fixture.js'
import { auditOf, db, linkOf, setup, taskOf, type Push } from './sync-fixture.js'

test('validation: a bad identity is ValidationFailed, named by its payload path, and nothing is written', async () => {
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
  assert.equal(await paths({ externalId: 'V-1', parentExternalId: 'p'.repeat(256) }), ['parent_external_id'])
  assert.equal(await paths({ externalId: '', name: '', storyPoints: -1, externalUrl: 'ftp://x' }), ['external_id', 'name'])
  // An update of an existing item is refused the same way, and leaves it as it was.
  assert.equal(await paths({ externalId: 'V-0', name: '' }), ['name'])
  const after = db(f)
  assert.equal([...after.tasks.values()], [...before.tasks.values()])
  assert.equal([...after.links.values()], [...before.links.values()])
  assert.equal(after.audit, before.audit)
  assert.equal(after.tokens.get(token.id), before.tokens.get(token.id))
})

test('content beyond the user limits is kept as the source has it: 21 labels, Jira-style story points, long text', async () => {
  const { f, push } = await setup()
  const labels = Array.from({ length: 21 }, (_, i) => `${'🏷'.repeat(30)}${i}`)
  const r = right(await push({ externalId: 'C-1', name: '😀'.repeat(256), description: 'd'.repeat(65_536), storyPoints: -1.3, labels }))
  assert.equal(r.warnings, [])
  const task = taskOf(f, r.taskId)
  assert.is(task.title, '😀'.repeat(256))
  assert.is(task.description?.length, 65_536)
  assert.is(task.storyPoints, -1.3)
  assert.equal(task.tags, labels)
  const renamed = right(await push({ externalId: 'C-1', name: 'renamed', storyPoints: 2.25 }))
  assert.equal(renamed.warnings, [])
  assert.is(taskOf(f, r.taskId).storyPoints, 2.25)
  assert.is(taskOf(f, r.taskId).description?.length, 65_536, 'absent: left as it is')
})

test('content over the sync limits is cut with a warning; values that cannot be stored are left out with one', async () => {
  const { f, push } = await setup()
  const r = right(await push({
    externalId: 'W-1', name: 'n'.repeat(600), description: 'd'.repeat(SYNC_TASK_LIMITS.description + 1),
    externalUrl: 'ftp://example.com/x', assigneeEmail: 'not-an-email', storyPoints: Number.NaN,
  }))
  assert.equal(r.warnings, [
    'name truncated from 600 to 500 characters',
    `description truncated from ${SYNC_TASK_LIMITS.description + 1} to ${SYNC_TASK_LIMITS.description} characters`,
    'story_points is not a finite number; left as it is',
    'external_url is not an http(s) URL of at most 2048 characters; left as it is',
    'assignee_email "not-an-email" is not an email address; the assignee is left as it is',
  ])
  const task = taskOf(f, r.taskId)
  assert.is(task.title, `${'n'.repeat(499)}…`)
  assert.is(task.storyPoints, null)
  assert.is(task.assigneeId, null)
  assert.is(linkOf(f, 'W-1')?.externalUrl, null)
  right(await push({ externalId: 'W-1', externalUrl: 'https://example.com/W-1' }))
  const kept = right(await push({ externalId: 'W-1', externalUrl: 'javascript:alert(1)' }))
  assert.is(kept.warnings.length, 1)
  assert.is(linkOf(f, 'W-1')?.externalUrl, 'https://example.com/W-1', 'a URL that cannot be stored leaves the one stored')
})

test('partial pushes: an absent field leaves the value, null (or [] / null for labels) clears it', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'P-1', description: 'd', storyPoints: 3, labels: ['a'], externalUrl: 'https://x.io/1' }))
  right(await push({ externalId: 'P-1' }))
  let task = taskOf(f, r.taskId)
  assert.equal([task.description, task.storyPoints, task.tags], ['d', 3, ['a']])
  right(await push({ externalId: 'P-1', labels: null }))
  assert.equal(taskOf(f, r.taskId).tags, [])
  right(await push({ externalId: 'P-1', labels: ['b'], description: null, storyPoints: null, externalUrl: null }))
  task = taskOf(f, r.taskId)
  assert.equal([task.description, task.storyPoints, task.tags], [null, null, ['b']])
  assert.is(linkOf(f, 'P-1')?.externalUrl, null)
  right(await push({ externalId: 'P-1', labels: [] }))
  assert.equal(taskOf(f, r.taskId).tags, [])
})

test("a translation's own warnings and audit notes reach the answer and the audit entry", async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'N-1', warnings: ['from the translation'], auditNotes: { other_assignees: ['kim'] } }))
  assert.equal(r.warnings, ['from the translation'])
  const [created] = auditOf(f, r.taskId)
  assert.equal(created?.details.other_assignees, ['kim'])
  const renamed = right(await push({ externalId: 'N-1', name: 'renamed', auditNotes: { other_assignees: ['lee'] } }))
  assert.equal(renamed.warnings, [])
  assert.equal(auditOf(f, r.taskId).at(-1)?.details.other_assignees, ['lee'])
  assert.is(auditOf(f, r.taskId).at(-1)?.details.source, 'jira', 'the notes never replace the origin')
})

test('a push without a name creates the task titled with its external id, and never renames it', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'N-2', name: undefined }))
  assert.is(taskOf(f, r.taskId).title, 'N-2')
  right(await push({ externalId: 'N-2', name: 'Named' }))
  right(await push({ externalId: 'N-2', name: undefined, description: 'd' }))
  assert.is(taskOf(f, r.taskId).title, 'Named')
})

test('validation: the limits themselves are accepted', async () => {
  const { f, push } = await setup()
  const r = right(await push({ externalId: 'x'.repeat(255), storyPoints: 1000, labels: Array.from({ length: 200 }, (_, i) => `l${i}`), externalUrl: `http://example.com/${'a'.repeat(2029)}` }))
  assert.is(taskOf(f, r.taskId).storyPoints, 1000)
  assert.is(taskOf(f, r.taskId).tags.length, 200)
  assert.equal(r.warnings, [])
  assert.is(right(await push({ externalId: 'zero', storyPoints: 0 })).created, true)
  assert.is(right(await push({ externalId: 'half', storyPoints: 0.5 })).created, true)
})

test.run()
