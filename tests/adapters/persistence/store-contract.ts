// The behaviour every implementation of the store ports must have, written against the ports only.
// The in-memory adapters run it (memory-stores.test.ts); the PostgreSQL adapters will run the very same cases.
import * as E from 'fp-ts/lib/Either.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ConcurrentUpdate, UniqueViolation, type Stores, type UnitOfWork } from '../../../src/application/index.js'
import {
  auditEntry, type ApiToken, type NewExternalLink, type NewProject, type NewTask, type NewWorker, type Project, type Task, type Worker,
} from '../../../src/domain/index.js'

export interface StoreHarness {
  readonly uow: UnitOfWork
  close(): Promise<void>
}

const T0 = new Date('2026-11-22T10:00:00.000Z')
let unique = 0
const next = () => (unique += 1)

export const newProject = (o: Partial<NewProject> = {}): NewProject => {
  const n = next()
  return { slug: `p-${n}`, key: `P${n}`, name: `Project ${n}`, description: null, ownerId: 0, createdAt: T0, updatedAt: T0, ...o }
}

export const newHuman = (o: Partial<NewWorker> = {}): NewWorker => {
  const n = next()
  return {
    type: 'human', handle: `@user${n}`, name: `User ${n}`, email: `user${n}@example.com`, userId: `sso|${n}`, agentType: null,
    capabilities: [], createdById: null, firstSeenAt: T0, createdAt: T0, updatedAt: T0, ...o,
  }
}

export const newAgent = (o: Partial<NewWorker> = {}): NewWorker =>
  newHuman({ type: 'agent', email: null, userId: null, agentType: 'bot', handle: `@agent${next()}`, ...o })

export const newTask = (projectId: number, o: Partial<NewTask> = {}): NewTask => ({
  projectId, title: 'task', description: null, status: 'pending', priority: 'medium', tags: [], dueDate: null, storyPoints: null,
  assigneeId: null, parentTaskId: null, progressPercent: 0, rollupProgressPercent: 0, version: 1, createdById: null,
  startedAt: null, completedAt: null, createdAt: T0, updatedAt: T0, ...o,
})

const newLink = (projectId: number, taskId: number, o: Partial<NewExternalLink> = {}): NewExternalLink => ({
  projectId, taskId, source: 'jira', externalId: `X-${next()}`, externalUrl: null, pendingAssigneeEmail: null,
  pendingParentExternalId: null, sourceUpdatedAt: null, createdAt: T0, updatedAt: T0, ...o,
})

const newToken = (projectId: number, createdById: number, o: Partial<ApiToken> = {}): ApiToken => {
  const n = next()
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, projectId, name: `t${n}`, tokenHash: n.toString(16).padStart(64, '0'),
    statusMap: {}, createdById, createdAt: T0, lastUsedAt: null, revokedAt: null, ...o,
  }
}

/** Runs `work` in a transaction that commits. */
const commit = <A>(uow: UnitOfWork, work: (s: Stores) => Promise<A>): Promise<A> =>
  uow.run(async (s) => E.right(await work(s))).then((r) => (E.isRight(r) ? r.right : assert.unreachable('committed work returned Left') as never))

const throwsUnique = async (constraint: string, work: () => Promise<unknown>) => {
  try {
    await work()
  } catch (error) {
    assert.instance(error, UniqueViolation)
    assert.is((error as UniqueViolation).constraint, constraint)
    return
  }
  assert.unreachable(`expected UniqueViolation(${constraint})`)
}

/** A project with an owner, as most cases need one. */
const seed = async (uow: UnitOfWork): Promise<{ project: Project; owner: Worker }> =>
  commit(uow, async (s) => {
    const owner = await s.workers.insert(newHuman())
    const project = await s.projects.insert(newProject({ ownerId: owner.id }))
    await s.members.insert({ projectId: project.id, workerId: owner.id, role: 'owner', joinedAt: T0 })
    return { project, owner }
  })

export const storeContract = (name: string, makeHarness: () => Promise<StoreHarness>): void => {
  const it = suite<{ h: StoreHarness }>(`store contract: ${name}`)
  it.before.each(async (ctx) => {
    ctx.h = await makeHarness()
  })
  it.after.each(async (ctx) => {
    await ctx.h.close()
  })

  it('projects: insert gives ids; look-ups by id, slug, key and prefixes; update', async ({ h }) => {
    const { project } = await seed(h.uow)
    await commit(h.uow, async (s) => {
      assert.equal(await s.projects.byId(project.id), project)
      assert.equal(await s.projects.bySlug(project.slug), project)
      assert.equal(await s.projects.byKey(project.key), project)
      assert.is(await s.projects.byId(987654), undefined)
      const other = await s.projects.insert(newProject({ ownerId: project.ownerId, slug: `${project.slug}-x`, key: `${project.key}X` }))
      assert.ok(other.id !== project.id)
      assert.equal([...(await s.projects.slugsStartingWith(project.slug))].sort(), [project.slug, `${project.slug}-x`])
      assert.equal([...(await s.projects.keysStartingWith(project.key))].sort(), [project.key, `${project.key}X`])
      await s.projects.update({ ...project, name: 'renamed' })
    })
    assert.is((await commit(h.uow, (s) => s.projects.byId(project.id)))?.name, 'renamed')
  })

  it('projects: slug and key are unique', async ({ h }) => {
    const { project } = await seed(h.uow)
    await throwsUnique('project_slug', () => commit(h.uow, (s) => s.projects.insert(newProject({ slug: project.slug, ownerId: project.ownerId }))))
    await throwsUnique('project_key', () => commit(h.uow, (s) => s.projects.insert(newProject({ key: project.key, ownerId: project.ownerId }))))
  })

  it('projects: list per member by id with keyset pages; stats in one call', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const more = await commit(h.uow, async (s) => {
      const a = await s.projects.insert(newProject({ ownerId: owner.id }))
      const b = await s.projects.insert(newProject({ ownerId: owner.id }))
      await s.members.insert({ projectId: b.id, workerId: owner.id, role: 'owner', joinedAt: T0 })
      await s.tasks.insert(newTask(b.id))
      await s.tasks.insert(newTask(b.id))
      return { a, b }
    })
    await commit(h.uow, async (s) => {
      assert.equal((await s.projects.list(owner.id, { limit: 10 })).map((p) => p.id), [project.id, more.b.id])
      assert.equal((await s.projects.list(owner.id, { limit: 1, after: project.id })).map((p) => p.id), [more.b.id])
      const all = (await s.projects.list('all', { limit: 1000 })).map((p) => p.id)
      assert.ok([project.id, more.a.id, more.b.id].every((id) => all.includes(id)))
      const stats = await s.projects.stats([project.id, more.a.id, more.b.id])
      assert.equal(stats.get(project.id), { memberCount: 1, taskCount: 0 })
      assert.equal(stats.get(more.a.id), { memberCount: 0, taskCount: 0 })
      assert.equal(stats.get(more.b.id), { memberCount: 1, taskCount: 2 })
    })
  })

  it('projects: delete takes members, tasks, links and tokens; audit stays', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const ids = await commit(h.uow, async (s) => {
      const task = await s.tasks.insert(newTask(project.id))
      const link = await s.links.insert(newLink(project.id, task.id))
      const token = newToken(project.id, owner.id)
      await s.tokens.insert(token)
      const entry = await s.audit.append(auditEntry({ type: 'human', id: owner.id }, project.id, 'project', project.id, 'created', {}, T0))
      return { task, link, token, entry }
    })
    await commit(h.uow, (s) => s.projects.delete(project.id))
    await commit(h.uow, async (s) => {
      assert.is(await s.projects.byId(project.id), undefined)
      assert.is(await s.tasks.byId(ids.task.id), undefined)
      assert.is(await s.links.find(project.id, 'jira', ids.link.externalId), undefined)
      assert.is(await s.tokens.byId(ids.token.id), undefined)
      assert.is(await s.members.find(project.id, owner.id), undefined)
      assert.equal((await s.audit.forProject(project.id, {}, { limit: 10 })).map((e) => e.id), [ids.entry.id])
    })
  })

  it('workers: look-ups, unique handle and user id, agents page, delete', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const agents = await commit(h.uow, async (s) => [await s.workers.insert(newAgent()), await s.workers.insert(newAgent())])
    await throwsUnique('worker_handle', () => commit(h.uow, (s) => s.workers.insert(newHuman({ handle: owner.handle }))))
    await throwsUnique('worker_user_id', () => commit(h.uow, (s) => s.workers.insert(newHuman({ userId: owner.userId }))))
    await commit(h.uow, async (s) => {
      assert.equal(await s.workers.byId(owner.id), owner)
      assert.equal(await s.workers.byUserId(owner.userId ?? ''), owner)
      assert.equal(await s.workers.byHandle(owner.handle), owner)
      assert.equal([...(await s.workers.byIds([owner.id, 987654])).keys()], [owner.id])
      assert.ok((await s.workers.handlesStartingWith(owner.handle)).has(owner.handle))
      const page = await s.workers.listAgents({ limit: 1, after: agents[0]?.id })
      assert.equal(page.map((a) => a.id), [agents[1]?.id])
      assert.ok((await s.workers.listAgents({ limit: 1000 })).every((w) => w.type === 'agent'))
      await s.workers.update({ ...owner, name: 'New name' })
      const agent = agents[0] as Worker
      await s.members.insert({ projectId: project.id, workerId: agent.id, role: 'member', joinedAt: T0 })
      await s.tasks.insert(newTask(project.id, { createdById: agent.id }))
    })
    const agent = agents[0] as Worker
    await commit(h.uow, (s) => s.workers.delete(agent.id))
    await commit(h.uow, async (s) => {
      assert.is((await s.workers.byId(owner.id))?.name, 'New name')
      assert.is(await s.workers.byId(agent.id), undefined)
      assert.is(await s.members.find(project.id, agent.id), undefined)
      const tasks = await s.tasks.list(project.id, {}, { limit: 10 })
      assert.equal(tasks.map((t) => t.createdById), [null])
    })
  })

  it('members: find, list by worker id, owners, projects of a worker, human by email', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const others = await commit(h.uow, async (s) => {
      const a = await s.workers.insert(newHuman({ email: 'carol@example.com' }))
      const b = await s.workers.insert(newAgent())
      await s.members.insert({ projectId: project.id, workerId: a.id, role: 'admin', joinedAt: T0 })
      await s.members.insert({ projectId: project.id, workerId: b.id, role: 'member', joinedAt: T0 })
      return { a, b }
    })
    await throwsUnique('membership', () => commit(h.uow, (s) => s.members.insert({ projectId: project.id, workerId: owner.id, role: 'viewer', joinedAt: T0 })))
    await commit(h.uow, async (s) => {
      assert.is((await s.members.find(project.id, others.a.id))?.role, 'admin')
      assert.equal((await s.members.list(project.id, { limit: 10 })).map((m) => m.workerId), [owner.id, others.a.id, others.b.id])
      assert.equal((await s.members.list(project.id, { limit: 1, after: owner.id })).map((m) => m.workerId), [others.a.id])
      assert.equal((await s.members.owners(project.id)).map((m) => m.workerId), [owner.id])
      assert.equal(await s.members.projectIdsOf(others.a.id), [project.id])
      assert.is(await s.members.humanByEmail(project.id, 'CAROL@example.com'), others.a.id)
      assert.is(await s.members.humanByEmail(project.id, 'nobody@example.com'), undefined)
      await s.members.update({ projectId: project.id, workerId: others.a.id, role: 'owner', joinedAt: T0 })
      await s.members.delete(project.id, others.b.id)
    })
    await commit(h.uow, async (s) => {
      assert.equal((await s.members.owners(project.id)).map((m) => m.workerId).sort(), [owner.id, others.a.id].sort())
      assert.is(await s.members.find(project.id, others.b.id), undefined)
    })
  })

  it('tasks: numbers are sequential per project, and a rolled-back insert does not use one up', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const other = await commit(h.uow, (s) => s.projects.insert(newProject({ ownerId: owner.id })))
    const numbers = await commit(h.uow, async (s) => [
      (await s.tasks.insert(newTask(project.id))).number,
      (await s.tasks.insert(newTask(project.id))).number,
      (await s.tasks.insert(newTask(other.id))).number,
    ])
    assert.equal(numbers, [1, 2, 1])
    await h.uow.run(async (s) => {
      await s.tasks.insert(newTask(project.id))
      return E.left('rolled back')
    })
    assert.is((await commit(h.uow, (s) => s.tasks.insert(newTask(project.id)))).number, 3)
  })

  it('tasks: optimistic update refuses a stale version', async ({ h }) => {
    const { project } = await seed(h.uow)
    const task = await commit(h.uow, (s) => s.tasks.insert(newTask(project.id)))
    await commit(h.uow, (s) => s.tasks.update({ ...task, title: 'v2', version: 2 }, 1))
    try {
      await commit(h.uow, (s) => s.tasks.update({ ...task, title: 'stale', version: 2 }, 1))
      assert.unreachable('a stale write must be refused')
    } catch (error) {
      assert.instance(error, ConcurrentUpdate)
    }
    assert.is((await commit(h.uow, (s) => s.tasks.byId(task.id)))?.title, 'v2')
  })

  it('tasks: ancestors (parent first) at depth 50, descendants, children, counts, assignees', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const chain = await commit(h.uow, async (s) => {
      const out: Task[] = []
      for (let i = 0; i < 50; i += 1) out.push(await s.tasks.insert(newTask(project.id, { parentTaskId: out[i - 1]?.id ?? null, assigneeId: i % 2 ? owner.id : null })))
      return out
    })
    const [root, second] = chain
    const leaf = chain[49] as Task
    await commit(h.uow, async (s) => {
      const ancestors = await s.tasks.ancestorIds(leaf.id)
      assert.is(ancestors.length, 49)
      assert.equal(ancestors, chain.slice(0, 49).map((t) => t.id).reverse())
      assert.equal(await s.tasks.ancestorIds(root?.id ?? 0), [])
      assert.equal([...(await s.tasks.descendantIds(second?.id ?? 0))].sort((a, b) => a - b), chain.slice(2).map((t) => t.id))
      assert.equal((await s.tasks.children(root?.id ?? 0)).map((t) => t.id), [second?.id])
      assert.is(await s.tasks.countInProject(project.id), 50)
      assert.is((await s.tasks.assignedTo(owner.id, project.id)).length, 25)
      assert.is((await s.tasks.assignedTo(owner.id)).length, 25)
    })
  })

  it('tasks: filters and keyset pages', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const [a, b, c] = await commit(h.uow, async (s) => {
      const a = await s.tasks.insert(newTask(project.id, { title: 'Fix LOGIN', status: 'in_progress', priority: 'high', tags: ['auth'], assigneeId: owner.id }))
      const b = await s.tasks.insert(newTask(project.id, { title: 'docs', tags: ['docs'] }))
      const c = await s.tasks.insert(newTask(project.id, { title: 'login tests', tags: ['auth'], parentTaskId: a.id }))
      return [a, b, c]
    })
    await commit(h.uow, async (s) => {
      const ids = async (filter: object, page = { limit: 50 } as { limit: number; after?: number }) =>
        (await s.tasks.list(project.id, filter, page)).map((t) => t.id)
      assert.equal(await ids({}), [a?.id, b?.id, c?.id])
      assert.equal(await ids({ status: 'in_progress' }), [a?.id])
      assert.equal(await ids({ assigneeId: owner.id }), [a?.id])
      assert.equal(await ids({ assigneeId: 'none' }), [b?.id, c?.id])
      assert.equal(await ids({ priority: 'high' }), [a?.id])
      assert.equal(await ids({ tag: 'auth' }), [a?.id, c?.id])
      assert.equal(await ids({ parentId: a?.id }), [c?.id])
      assert.equal(await ids({ parentId: 'none' }), [a?.id, b?.id])
      assert.equal(await ids({ q: 'login' }), [a?.id, c?.id])
      assert.equal(await ids({}, { limit: 1, after: a?.id ?? 0 }), [b?.id])
    })
  })

  it('tasks: delete removes the tasks and their links; children left outside become top-level', async ({ h }) => {
    const { project } = await seed(h.uow)
    const { parent, child, link } = await commit(h.uow, async (s) => {
      const parent = await s.tasks.insert(newTask(project.id))
      const child = await s.tasks.insert(newTask(project.id, { parentTaskId: parent.id }))
      const link = await s.links.insert(newLink(project.id, parent.id))
      return { parent, child, link }
    })
    await commit(h.uow, (s) => s.tasks.delete([parent.id]))
    await commit(h.uow, async (s) => {
      assert.is(await s.tasks.byId(parent.id), undefined)
      assert.is((await s.tasks.byId(child.id))?.parentTaskId, null)
      assert.is(await s.links.find(project.id, 'jira', link.externalId), undefined)
    })
  })

  it('links: unique per (project, source, external id); waiting parents and assignees', async ({ h }) => {
    const { project } = await seed(h.uow)
    const { t1, l1 } = await commit(h.uow, async (s) => {
      const t1 = await s.tasks.insert(newTask(project.id))
      const t2 = await s.tasks.insert(newTask(project.id))
      const l1 = await s.links.insert(newLink(project.id, t1.id, { externalId: 'A', pendingParentExternalId: 'P', pendingAssigneeEmail: 'x@y.io' }))
      await s.links.insert(newLink(project.id, t2.id, { externalId: 'A', source: 'linear' }))
      return { t1, l1 }
    })
    await throwsUnique('external_link', () => commit(h.uow, async (s) => s.links.insert(newLink(project.id, t1.id, { externalId: 'A' }))))
    await commit(h.uow, async (s) => {
      assert.equal(await s.links.find(project.id, 'jira', 'A'), l1)
      assert.is(await s.links.find(project.id, 'github', 'A'), undefined)
      assert.equal((await s.links.byTaskIds([t1.id])).map((l) => l.id), [l1.id])
      assert.equal((await s.links.waitingForParent(project.id, 'jira', 'P')).map((l) => l.id), [l1.id])
      assert.equal(await s.links.waitingForParent(project.id, 'linear', 'P'), [])
      assert.equal((await s.links.waitingForAssignee(project.id, 'X@Y.io')).map((l) => l.id), [l1.id])
      await s.links.update({ ...l1, pendingParentExternalId: null })
    })
    assert.equal(await commit(h.uow, (s) => s.links.waitingForParent(project.id, 'jira', 'P')), [])
  })

  it('tokens: by id and hash, unique hash, keyset by creation time', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newToken(project.id, owner.id, { createdAt: T0 })
    const b = newToken(project.id, owner.id, { createdAt: new Date(T0.getTime() + 1000) })
    await commit(h.uow, async (s) => {
      await s.tokens.insert(b)
      await s.tokens.insert(a)
    })
    await throwsUnique('api_token_hash', () => commit(h.uow, (s) => s.tokens.insert(newToken(project.id, owner.id, { tokenHash: a.tokenHash }))))
    await commit(h.uow, async (s) => {
      assert.equal(await s.tokens.byId(a.id), a)
      assert.equal(await s.tokens.byHash(b.tokenHash), b)
      assert.equal((await s.tokens.list(project.id, { limit: 10 })).map((t) => t.id), [a.id, b.id])
      assert.equal((await s.tokens.list(project.id, { limit: 10, after: { createdAt: a.createdAt, id: a.id } })).map((t) => t.id), [b.id])
      await s.tokens.update({ ...a, revokedAt: T0 })
    })
    assert.equal((await commit(h.uow, (s) => s.tokens.byId(a.id)))?.revokedAt, T0)
  })

  it('audit: append-only history by task, project (filtered) and actor (scoped), keyset both ways', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const other = await commit(h.uow, (s) => s.projects.insert(newProject({ ownerId: owner.id })))
    const actor = { type: 'human' as const, id: owner.id }
    const entries = await commit(h.uow, async (s) => [
      await s.audit.append(auditEntry(actor, project.id, 'task', 1, 'created', { after: { title: 'x' } }, T0)),
      await s.audit.append(auditEntry(actor, project.id, 'task', 1, 'updated', {}, T0)),
      await s.audit.append(auditEntry({ type: 'api_token', id: 'tok' }, project.id, 'task', 2, 'status_synced', {}, T0)),
      await s.audit.append(auditEntry(actor, other.id, 'project', other.id, 'created', {}, T0)),
    ])
    const [e1, e2, e3, e4] = entries.map((e) => e.id)
    await commit(h.uow, async (s) => {
      assert.equal((await s.audit.forTask(1, { limit: 10 })).map((e) => e.id), [e1, e2])
      assert.equal((await s.audit.forTask(1, { limit: 10, after: e1 })).map((e) => e.id), [e2])
      assert.equal((await s.audit.recentForTask(1, 1)).map((e) => e.id), [e2])
      assert.equal((await s.audit.forProject(project.id, {}, { limit: 10 })).map((e) => e.id), [e3, e2, e1])
      assert.equal((await s.audit.forProject(project.id, {}, { limit: 10, after: e3 })).map((e) => e.id), [e2, e1])
      assert.equal((await s.audit.forProject(project.id, { actorId: 'tok' }, { limit: 10 })).map((e) => e.id), [e3])
      assert.equal((await s.audit.forProject(project.id, { action: 'updated' }, { limit: 10 })).map((e) => e.id), [e2])
      assert.equal((await s.audit.forProject(project.id, { entityType: 'project' }, { limit: 10 })), [])
      assert.equal((await s.audit.byActor(String(owner.id), [project.id], { limit: 10 })).map((e) => e.id), [e2, e1])
      assert.equal((await s.audit.byActor(String(owner.id), 'all', { limit: 10 })).map((e) => e.id), [e4, e2, e1])
      assert.equal((await s.audit.byActor(String(owner.id), 'all', { limit: 10, after: e4 })).map((e) => e.id), [e2, e1])
      const stored = (await s.audit.forTask(1, { limit: 1 }))[0]
      assert.equal(stored?.details, { after: { title: 'x' } })
      assert.equal(stored?.actor, actor)
      assert.equal(stored?.createdAt, T0)
    })
  })

  it('transactions: Left rolls back every write, a throw rolls back and is rethrown, commits are visible', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const left = await h.uow.run(async (s) => {
      await s.tasks.insert(newTask(project.id, { title: 'rolled back' }))
      await s.audit.append(auditEntry({ type: 'human', id: owner.id }, project.id, 'task', 0, 'created', {}, T0))
      await s.projects.update({ ...project, name: 'rolled back' })
      return E.left('nope')
    })
    assert.equal(left, E.left('nope'))
    try {
      await h.uow.run(async (s) => {
        await s.tasks.insert(newTask(project.id, { title: 'thrown' }))
        throw new Error('boom')
      })
      assert.unreachable('the error must be rethrown')
    } catch (error) {
      assert.is((error as Error).message, 'boom')
    }
    await commit(h.uow, async (s) => {
      assert.is(await s.tasks.countInProject(project.id), 0)
      assert.equal(await s.audit.forProject(project.id, {}, { limit: 10 }), [])
      assert.is((await s.projects.byId(project.id))?.name, project.name)
    })
  })

  it.run()
}
