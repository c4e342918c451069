// A host that wants only the domain and the use cases: `npm install taskport`, nothing else.
import * as E from 'fp-ts/lib/Either.js'
import { changeStatus, createTask, createTaskport, describeAppError, inMemoryAdapters } from 'taskport'

const now = new Date('2026-12-02T10:00:00.000Z')
const draft = createTask({ title: 'Ship it' }, { projectId: 1, createdById: 7, now })
const task = { ...draft.right, id: 1, number: 1 }
const refused = changeStatus(task, 'review', now)

const tp = createTaskport(inMemoryAdapters())
const alice = await tp.identify({ kind: 'user', userId: 'sso|alice', email: 'alice@example.com' })
const project = await tp.projects.create(alice.right, { slug: 'launch', name: 'Launch' })
if (E.isLeft(project)) throw new Error(describeAppError(project.left))
const created = await tp.tasks.create(alice.right, project.right.project.id, { title: 'Write the notes' })
if (E.isLeft(created)) throw new Error(describeAppError(created.left))
console.log(JSON.stringify({ refused: refused.left._tag, allowed: refused.left.allowed, project: project.right.project.key, task: created.right.shortId, status: created.right.task.status }))
