// The README's quick start: every use case of taskport over the in-memory adapters, no database.
// Run by the test suite (tests/docs/examples.test.ts).
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createTaskport, describeAppError, inMemoryAdapters, type AppError } from 'taskport'

const ok = <A>(result: E.Either<AppError, A>): A => {
  if (E.isLeft(result)) throw new Error(describeAppError(result.left))
  return result.right
}

test('quick start: a project, a task, its workflow and its audit trail', async () => {
  const taskport = createTaskport(inMemoryAdapters())

  // What the HTTP layer does after verifying a JWT: resolve the principal (first login provisions it).
  const alice = ok(await taskport.identify({ kind: 'user', userId: 'sso|alice', email: 'alice@example.com', name: 'Alice' }))
  assert.is(alice.worker.handle, '@alice')

  const { project } = ok(await taskport.projects.create(alice, { slug: 'task-flow', name: 'TaskFlow' }))
  assert.is(project.key, 'TF')

  const created = ok(await taskport.tasks.create(alice, project.id, { title: 'Ship v1', assigneeId: alice.worker.id }))
  assert.is(created.shortId, 'TF-1')

  ok(await taskport.tasks.changeStatus(alice, created.task.id, { status: 'in_progress' }))
  ok(await taskport.tasks.changeStatus(alice, created.task.id, { status: 'review' }))
  const approved = ok(await taskport.tasks.approve(alice, created.task.id)) // an owner may approve their own task
  assert.is(approved.task.status, 'completed')

  const history = ok(await taskport.audit.forTask(alice, created.task.id, {}))
  assert.equal(history.items.map((e) => e.action), ['created', 'status_changed', 'status_changed', 'approved'])
})

test.run()
