// The behaviour every implementation of the store ports must have, written against the ports only (never an
// adapter's internals): ids, per-project task numbers, unique constraints, optimistic updates, tree queries,
// filters and keyset pages, cascades, and the unit of work's commit/rollback.
// memory-stores.test.ts runs it on the in-memory adapters, postgres-stores.test.ts on PostgreSQL.
import * as E from 'fp-ts/lib/Either.js'
import { suite, type Test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  ConcurrentUpdate, UniqueViolation, type ClaimRequest, type OutboxEvent, type Stores, type StoredDelivery, type UnitOfWork,
} from '../../../src/application/index.js'
import {
  auditEntry, type ApiToken, type AuditActor, type DeliveryAttempt, type Integration, type ExternalLink, type Membership, type NewExternalLink,
  type NewProject, type NewTask, type NewWorker, type Project, type Role, type Task, type WebhookEndpoint, type Worker,
} from '../../../src/domain/index.js'

export interface StoreHarness {
  readonly uow: UnitOfWork
  close(): Promise<void>
}

const T0 = new Date('2026-11-22T10:00:00.000Z')
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000)
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
  newHuman({ type: 'agent', email: null, userId: null, agentType: 'bot', firstSeenAt: null, handle: `@agent${next()}`, ...o })

export const newTask = (projectId: number, o: Partial<NewTask> = {}): NewTask => ({
  projectId, title: 'task', description: null, status: 'pending', priority: 'medium', tags: [], dueDate: null, storyPoints: null,
  assigneeId: null, parentTaskId: null, progressPercent: 0, rollupProgressPercent: 0, version: 1, createdById: null,
  startedAt: null, completedAt: null, createdAt: T0, updatedAt: T0, ...o,
})

export const newLink = (projectId: number, taskId: number, o: Partial<NewExternalLink> = {}): NewExternalLink => ({
  projectId, taskId, source: 'jira', externalId: `X-${next()}`, externalUrl: null, pendingAssigneeEmail: null,
  pendingParentExternalId: null, sourceUpdatedAt: null, createdAt: T0, updatedAt: T0, ...o,
})

export const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`

export const newToken = (projectId: number, createdById: number | null, o: Partial<ApiToken> = {}): ApiToken => {
  const n = next()
  return {
    id: uuid(n), projectId, name: `t${n}`, tokenHash: n.toString(16).padStart(64, '0'),
    statusMap: {}, createdById, createdAt: T0, lastUsedAt: null, revokedAt: null, ...o,
  }
}

const membership = (projectId: number, workerId: number, role: Role = 'member', joinedAt = T0): Membership => ({ projectId, workerId, role, joinedAt })

export const newEndpoint = (projectId: number, createdById: number | null, o: Partial<WebhookEndpoint> = {}): WebhookEndpoint => ({
  id: uuid(0x90000 + next()), projectId, url: 'https://hooks.example.com/taskport', events: ['task.*', 'project.updated'], description: null,
  isActive: true, disabledReason: null, secretSealed: 'v1.k.iv.tag.whsec', createdById, createdAt: T0, updatedAt: T0, failingSince: null,
  lastSuccessAt: null, ...o,
})

export const newEvent = (projectId: number, o: Partial<OutboxEvent> = {}): OutboxEvent => {
  const n = next()
  const id = `evt_${n.toString(16).padStart(32, '0')}`
  return { id, projectId, type: 'task.created', sequence: n, body: JSON.stringify({ id, type: 'task.created', data: { n } }), createdAt: T0, ...o }
}

export const newDelivery = (endpointId: string, event: OutboxEvent, o: Partial<StoredDelivery> = {}): StoredDelivery => ({
  id: uuid(0xa0000 + next()), endpointId, eventId: event.id, eventType: event.type, status: 'pending', attempts: 0, nextAttemptAt: event.createdAt,
  lastStatusCode: null, lastError: null, createdAt: event.createdAt, deliveredAt: null, onDemand: false, ...o,
})

/** Runs `work` in a transaction that commits, and returns what it returned. */
const commit = async <A>(uow: UnitOfWork, work: (s: Stores) => Promise<A>): Promise<A> => {
  const result = await uow.run(async (s) => E.right(await work(s)))
  if (E.isLeft(result)) throw new Error('a committed transaction returned Left')
  return result.right
}

/** Runs `work` in a transaction that returns Left (and so rolls back). */
const rollback = async (uow: UnitOfWork, work: (s: Stores) => Promise<unknown>): Promise<void> => {
  const result = await uow.run(async (s) => {
    await work(s)
    return E.left('rolled back' as const)
  })
  assert.equal(result, E.left('rolled back'))
}

const rejection = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work()
  } catch (error) {
    return error
  }
  return assert.unreachable('expected the call to throw')
}

const throwsUnique = async (constraint: string, work: () => Promise<unknown>): Promise<void> => {
  const error = await rejection(work)
  assert.instance(error, UniqueViolation)
  assert.is((error as UniqueViolation).constraint, constraint)
}

const ids = (rows: readonly { readonly id: number }[]): number[] => rows.map((r) => r.id)
const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b)

/** A project with its owner, as most cases need one. */
export const seed = async (uow: UnitOfWork): Promise<{ project: Project; owner: Worker }> =>
  commit(uow, async (s) => {
    const owner = await s.workers.insert(newHuman())
    const project = await s.projects.insert(newProject({ ownerId: owner.id }))
    await s.members.insert(membership(project.id, owner.id, 'owner'))
    return { project, owner }
  })

export const storeContract = (name: string, makeHarness: () => Promise<StoreHarness>): void => {
  const make = (part: string): Test<{ h: StoreHarness }> => {
    const it = suite<{ h: StoreHarness }>(`store contract (${name}): ${part}`)
    it.before.each(async (ctx) => {
      ctx.h = await makeHarness()
    })
    it.after.each(async (ctx) => {
      await ctx.h.close()
    })
    return it
  }

  // ------------------------------------------------------------------------------------------------ projects
  const projects = make('projects')

  projects('byIdWithMembership: the project and the worker\'s membership in one read; none for an outsider or a missing project', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const outsider = await commit(h.uow, (s) => s.workers.insert(newHuman()))
    await commit(h.uow, async (s) => {
      const mine = await s.projects.byIdWithMembership(project.id, owner.id)
      assert.equal(mine?.project, project)
      assert.equal(mine?.membership, await s.members.find(project.id, owner.id))
      assert.is(mine?.membership?.role, 'owner')
      const theirs = await s.projects.byIdWithMembership(project.id, outsider.id)
      assert.equal(theirs?.project, project)
      assert.is(theirs?.membership, undefined)
      assert.is(await s.projects.byIdWithMembership(project.id + 1000, owner.id), undefined)
    })
  })

  projects('insert gives each project its own id and stores every field', async ({ h }) => {
    const { owner } = await seed(h.uow)
    const draft = newProject({ ownerId: owner.id, description: 'A description', createdAt: at(1), updatedAt: at(2) })
    const [a, b] = await commit(h.uow, async (s) => [await s.projects.insert(draft), await s.projects.insert(newProject({ ownerId: owner.id }))])
    assert.ok(a && b)
    assert.ok(Number.isInteger(a.id) && a.id > 0)
    assert.is.not(a.id, b.id)
    assert.equal(a, { ...draft, id: a.id })
    await commit(h.uow, async (s) => {
      assert.equal(await s.projects.byId(a.id), a)
      assert.equal(await s.projects.bySlug(a.slug), a)
      assert.equal(await s.projects.byKey(a.key), a)
      assert.is(await s.projects.byId(987654), undefined)
      assert.is(await s.projects.bySlug('no-such-slug'), undefined)
      assert.is(await s.projects.byKey('NOSUCHKEY'), undefined)
    })
  })

  projects('slugs and keys starting with a prefix', async ({ h }) => {
    const { owner } = await seed(h.uow)
    await commit(h.uow, async (s) => {
      for (const [slug, key] of [['web', 'WEB'], ['web-2', 'WEB2'], ['webshop', 'WEBS'], ['aweb', 'AWEB']] as const) {
        await s.projects.insert(newProject({ ownerId: owner.id, slug, key }))
      }
      assert.equal([...(await s.projects.slugsStartingWith('web'))].sort(), ['web', 'web-2', 'webshop'])
      assert.equal([...(await s.projects.slugsStartingWith('web-'))].sort(), ['web-2'])
      assert.equal([...(await s.projects.slugsStartingWith('zzz'))], [])
      assert.equal([...(await s.projects.keysStartingWith('WEB'))].sort(), ['WEB', 'WEB2', 'WEBS'])
    })
  })

  projects('update writes the new values', async ({ h }) => {
    const { project } = await seed(h.uow)
    const changed = { ...project, name: 'Renamed', description: 'now described', updatedAt: at(60) }
    await commit(h.uow, (s) => s.projects.update(changed))
    assert.equal(await commit(h.uow, (s) => s.projects.byId(project.id)), changed)
  })

  projects('slug and key are unique: UniqueViolation project_slug / project_key', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    await throwsUnique('project_slug', () => commit(h.uow, (s) => s.projects.insert(newProject({ slug: project.slug, ownerId: owner.id }))))
    await throwsUnique('project_key', () => commit(h.uow, (s) => s.projects.insert(newProject({ key: project.key, ownerId: owner.id }))))
    assert.equal(await commit(h.uow, (s) => s.projects.list('all', { limit: 100 })), [project])
  })

  projects('list: the member\'s projects (or all) by id, keyset pages', async ({ h }) => {
    const { project: p1, owner } = await seed(h.uow)
    const { outsider, p2, p3, p4 } = await commit(h.uow, async (s) => {
      const outsider = await s.workers.insert(newHuman())
      const p2 = await s.projects.insert(newProject({ ownerId: owner.id }))
      const p3 = await s.projects.insert(newProject({ ownerId: owner.id }))
      const p4 = await s.projects.insert(newProject({ ownerId: owner.id }))
      await s.members.insert(membership(p4.id, owner.id, 'viewer'))
      await s.members.insert(membership(p2.id, owner.id, 'admin'))
      await s.members.insert(membership(p3.id, outsider.id, 'owner'))
      return { outsider, p2, p3, p4 }
    })
    await commit(h.uow, async (s) => {
      assert.equal(ids(await s.projects.list(owner.id, { limit: 10 })), [p1.id, p2.id, p4.id])
      assert.equal(ids(await s.projects.list(owner.id, { limit: 2 })), [p1.id, p2.id])
      assert.equal(ids(await s.projects.list(owner.id, { limit: 2, after: p2.id })), [p4.id])
      assert.equal(ids(await s.projects.list(owner.id, { limit: 2, after: p4.id })), [])
      assert.equal(ids(await s.projects.list(outsider.id, { limit: 10 })), [p3.id])
      assert.equal(ids(await s.projects.list(987654, { limit: 10 })), [])
      assert.equal(ids(await s.projects.list('all', { limit: 10 })), [p1.id, p2.id, p3.id, p4.id])
      assert.equal(ids(await s.projects.list('all', { limit: 2, after: p1.id })), [p2.id, p3.id])
    })
  })

  projects('stats: member and task counts of several projects in one call', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const { empty, busy } = await commit(h.uow, async (s) => {
      const empty = await s.projects.insert(newProject({ ownerId: owner.id }))
      const busy = await s.projects.insert(newProject({ ownerId: owner.id }))
      const agent = await s.workers.insert(newAgent())
      await s.members.insert(membership(busy.id, owner.id, 'owner'))
      await s.members.insert(membership(busy.id, agent.id))
      for (let i = 0; i < 3; i += 1) await s.tasks.insert(newTask(busy.id))
      await s.tasks.insert(newTask(project.id))
      return { empty, busy }
    })
    const stats = await commit(h.uow, (s) => s.projects.stats([project.id, empty.id, busy.id]))
    assert.equal(stats.get(project.id), { memberCount: 1, taskCount: 1 })
    assert.equal(stats.get(empty.id), { memberCount: 0, taskCount: 0 })
    assert.equal(stats.get(busy.id), { memberCount: 2, taskCount: 3 })
  })

  projects('delete takes its members, tasks, links and tokens with it; its audit entries and other projects stay', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const { other } = await seed(h.uow).then(({ project: other }) => ({ other }))
    const actor: AuditActor = { type: 'human', id: owner.id }
    const rows = await commit(h.uow, async (s) => {
      const task = await s.tasks.insert(newTask(project.id))
      const link = await s.links.insert(newLink(project.id, task.id))
      const token = newToken(project.id, owner.id)
      await s.tokens.insert(token)
      const entry = await s.audit.append(auditEntry(actor, project.id, 'task', task.id, 'created', {}, T0))
      const keptTask = await s.tasks.insert(newTask(other.id))
      const keptLink = await s.links.insert(newLink(other.id, keptTask.id))
      const keptToken = newToken(other.id, owner.id)
      await s.tokens.insert(keptToken)
      await s.members.insert(membership(other.id, owner.id, 'admin'))
      return { task, link, token, entry, keptTask, keptLink, keptToken }
    })
    await commit(h.uow, (s) => s.projects.delete(project.id))
    await commit(h.uow, async (s) => {
      assert.is(await s.projects.byId(project.id), undefined)
      assert.is(await s.members.find(project.id, owner.id), undefined)
      assert.is(await s.tasks.byId(rows.task.id), undefined)
      assert.is(await s.tasks.countInProject(project.id), 0)
      assert.is(await s.links.find(project.id, 'jira', rows.link.externalId), undefined)
      assert.equal(await s.links.byTaskIds([rows.task.id]), [])
      assert.is(await s.tokens.byId(rows.token.id), undefined)
      assert.is(await s.tokens.byHash(rows.token.tokenHash), undefined)
      assert.equal(await s.audit.forProject(project.id, {}, { limit: 10 }), [rows.entry])
      assert.equal(await s.audit.forTask(rows.task.id, { limit: 10 }), [rows.entry])
      // The other project is untouched.
      assert.ok(await s.projects.byId(other.id))
      assert.equal(await s.tasks.byId(rows.keptTask.id), rows.keptTask)
      assert.equal(await s.links.find(other.id, 'jira', rows.keptLink.externalId), rows.keptLink)
      assert.equal(await s.tokens.byId(rows.keptToken.id), rows.keptToken)
      assert.is((await s.members.find(other.id, owner.id))?.role, 'admin')
      assert.equal(await s.members.projectIdsOf(owner.id), [other.id])
    })
  })

  projects.run()

  // ------------------------------------------------------------------------------------------------ workers
  const workers = make('workers')

  workers('insert gives ids and stores humans and agents field by field', async ({ h }) => {
    const human = newHuman({ name: 'Sarah', createdAt: at(1), updatedAt: at(2), firstSeenAt: at(3) })
    const stored = await commit(h.uow, async (s) => {
      const a = await s.workers.insert(human)
      const b = await s.workers.insert(newAgent({ capabilities: ['code', 'review'], createdById: a.id, agentType: 'claude' }))
      return { a, b }
    })
    assert.ok(Number.isInteger(stored.a.id) && stored.a.id > 0)
    assert.is.not(stored.a.id, stored.b.id)
    assert.equal(stored.a, { ...human, id: stored.a.id })
    await commit(h.uow, async (s) => {
      assert.equal(await s.workers.byId(stored.a.id), stored.a)
      assert.equal(await s.workers.byId(stored.b.id), stored.b)
      assert.equal((await s.workers.byId(stored.b.id))?.capabilities, ['code', 'review'])
      assert.is(await s.workers.byId(987654), undefined)
    })
  })

  workers('look-ups by user id, handle, several ids and handle prefix', async ({ h }) => {
    const w = await commit(h.uow, async (s) => ({
      sam: await s.workers.insert(newHuman({ handle: '@sam', userId: 'sso|sam' })),
      sam2: await s.workers.insert(newHuman({ handle: '@sam2', userId: 'sso|sam2' })),
      samantha: await s.workers.insert(newHuman({ handle: '@samantha', userId: 'sso|samantha' })),
      bot: await s.workers.insert(newAgent({ handle: '@sambot' })),
      other: await s.workers.insert(newHuman({ handle: '@isam', userId: 'sso|isam' })),
    }))
    await commit(h.uow, async (s) => {
      assert.equal(await s.workers.byUserId('sso|sam'), w.sam)
      assert.is(await s.workers.byUserId('sso|nobody'), undefined)
      assert.equal(await s.workers.byHandle('@samantha'), w.samantha)
      assert.is(await s.workers.byHandle('@nobody'), undefined)
      const many = await s.workers.byIds([w.sam.id, w.bot.id, 987654])
      assert.equal(sorted([...many.keys()]), sorted([w.sam.id, w.bot.id]))
      assert.equal(many.get(w.bot.id), w.bot)
      assert.is((await s.workers.byIds([])).size, 0)
      assert.equal([...(await s.workers.handlesStartingWith('@sam'))].sort(), ['@sam', '@sam2', '@samantha', '@sambot'])
      assert.equal([...(await s.workers.handlesStartingWith('@sam2'))], ['@sam2'])
    })
  })

  workers('handle and user id are unique; agents without a user id do not collide', async ({ h }) => {
    const human = await commit(h.uow, (s) => s.workers.insert(newHuman()))
    await throwsUnique('worker_handle', () => commit(h.uow, (s) => s.workers.insert(newHuman({ handle: human.handle }))))
    await throwsUnique('worker_handle', () => commit(h.uow, (s) => s.workers.insert(newAgent({ handle: human.handle }))))
    await throwsUnique('worker_user_id', () => commit(h.uow, (s) => s.workers.insert(newHuman({ userId: human.userId }))))
    const agents = await commit(h.uow, async (s) => [await s.workers.insert(newAgent()), await s.workers.insert(newAgent())])
    assert.equal(agents.map((a) => a.userId), [null, null])
  })

  workers('update writes the new values', async ({ h }) => {
    const agent = await commit(h.uow, (s) => s.workers.insert(newAgent()))
    const changed: Worker = { ...agent, name: 'Renamed', capabilities: ['tests'], agentType: 'codex', updatedAt: at(60) }
    await commit(h.uow, (s) => s.workers.update(changed))
    assert.equal(await commit(h.uow, (s) => s.workers.byId(agent.id)), changed)
  })

  workers('listAgents: agents only, by id, keyset pages', async ({ h }) => {
    const made = await commit(h.uow, async (s) => {
      const out: Worker[] = []
      for (let i = 0; i < 5; i += 1) {
        out.push(await s.workers.insert(newAgent()))
        await s.workers.insert(newHuman())
      }
      return out
    })
    const agentIds = ids(made)
    await commit(h.uow, async (s) => {
      assert.equal(ids(await s.workers.listAgents({ limit: 100 })), agentIds)
      assert.equal(ids(await s.workers.listAgents({ limit: 2 })), agentIds.slice(0, 2))
      assert.equal(ids(await s.workers.listAgents({ limit: 2, after: agentIds[1] })), agentIds.slice(2, 4))
      assert.equal(ids(await s.workers.listAgents({ limit: 2, after: agentIds[4] })), [])
    })
  })

  workers('delete: memberships go; what they created or were assigned keeps a null reference', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const { gone, kept, created, assigned, registered, token } = await commit(h.uow, async (s) => {
      const gone = await s.workers.insert(newHuman())
      const kept = await s.workers.insert(newHuman())
      const other = await s.projects.insert(newProject({ ownerId: owner.id }))
      await s.members.insert(membership(project.id, gone.id, 'admin'))
      await s.members.insert(membership(other.id, gone.id))
      await s.members.insert(membership(project.id, kept.id))
      const created = await s.tasks.insert(newTask(project.id, { createdById: gone.id, assigneeId: kept.id }))
      const assigned = await s.tasks.insert(newTask(project.id, { createdById: kept.id, assigneeId: gone.id }))
      const registered = await s.workers.insert(newAgent({ createdById: gone.id }))
      const token = newToken(project.id, gone.id)
      await s.tokens.insert(token)
      return { gone, kept, created, assigned, registered, token }
    })
    await commit(h.uow, (s) => s.workers.delete(gone.id))
    await commit(h.uow, async (s) => {
      assert.is(await s.workers.byId(gone.id), undefined)
      assert.is(await s.workers.byUserId(gone.userId ?? ''), undefined)
      assert.is(await s.members.find(project.id, gone.id), undefined)
      assert.equal(await s.members.projectIdsOf(gone.id), [])
      assert.equal((await s.members.list(project.id, { limit: 10 })).map((m) => m.workerId), [owner.id, kept.id])
      assert.equal(await s.tasks.byId(created.id), { ...created, createdById: null })
      assert.equal(await s.tasks.byId(assigned.id), { ...assigned, assigneeId: null })
      assert.is((await s.workers.byId(registered.id))?.createdById, null)
      assert.equal(await s.tokens.byId(token.id), { ...token, createdById: null })
      assert.ok(await s.workers.byId(kept.id))
    })
  })

  workers.run()

  // ------------------------------------------------------------------------------------------------ members
  const members = make('members')

  members('insert, find, update, delete', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const bob = await commit(h.uow, (s) => s.workers.insert(newHuman()))
    const joined = membership(project.id, bob.id, 'viewer', at(5))
    await commit(h.uow, (s) => s.members.insert(joined))
    assert.equal(await commit(h.uow, (s) => s.members.find(project.id, bob.id)), joined)
    assert.is(await commit(h.uow, (s) => s.members.find(project.id, 987654)), undefined)
    await commit(h.uow, (s) => s.members.update({ ...joined, role: 'admin' }))
    assert.equal(await commit(h.uow, (s) => s.members.find(project.id, bob.id)), { ...joined, role: 'admin' })
    await commit(h.uow, (s) => s.members.delete(project.id, bob.id))
    assert.is(await commit(h.uow, (s) => s.members.find(project.id, bob.id)), undefined)
    assert.is((await commit(h.uow, (s) => s.members.find(project.id, owner.id)))?.role, 'owner')
  })

  members('a worker is a member once: UniqueViolation membership', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    await throwsUnique('membership', () => commit(h.uow, (s) => s.members.insert(membership(project.id, owner.id, 'viewer'))))
    assert.is((await commit(h.uow, (s) => s.members.find(project.id, owner.id)))?.role, 'owner')
  })

  members('list by worker id with keyset pages; owners earliest joined first; projects of a worker', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const w = await commit(h.uow, async (s) => {
      const a = await s.workers.insert(newHuman())
      const b = await s.workers.insert(newAgent())
      const c = await s.workers.insert(newHuman())
      const other = await s.projects.insert(newProject({ ownerId: owner.id }))
      await s.members.insert(membership(project.id, c.id, 'owner', at(-100))) // joined before the first owner
      await s.members.insert(membership(project.id, a.id, 'admin'))
      await s.members.insert(membership(project.id, b.id, 'member'))
      await s.members.insert(membership(other.id, a.id, 'viewer'))
      return { a, b, c, other }
    })
    await commit(h.uow, async (s) => {
      const all = [owner.id, w.a.id, w.b.id, w.c.id]
      assert.equal((await s.members.list(project.id, { limit: 10 })).map((m) => m.workerId), all)
      assert.equal((await s.members.list(project.id, { limit: 2 })).map((m) => m.workerId), all.slice(0, 2))
      assert.equal((await s.members.list(project.id, { limit: 2, after: w.a.id })).map((m) => m.workerId), all.slice(2))
      assert.equal((await s.members.list(w.other.id, { limit: 10 })).map((m) => m.workerId), [w.a.id])
      assert.equal((await s.members.owners(project.id)).map((m) => m.workerId), [w.c.id, owner.id])
      assert.equal(await s.members.projectIdsOf(w.a.id), sorted([project.id, w.other.id]))
      assert.equal(await s.members.projectIdsOf(987654), [])
    })
  })

  members('humanByEmail: a human member of this project with that email', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const w = await commit(h.uow, async (s) => {
      const carol = await s.workers.insert(newHuman({ email: 'carol@example.com' }))
      const dave = await s.workers.insert(newHuman({ email: 'dave@example.com' })) // not a member here
      const other = await s.projects.insert(newProject({ ownerId: owner.id }))
      await s.members.insert(membership(project.id, carol.id))
      await s.members.insert(membership(other.id, dave.id))
      return { carol, dave }
    })
    await commit(h.uow, async (s) => {
      assert.is(await s.members.humanByEmail(project.id, 'carol@example.com'), w.carol.id)
      assert.is(await s.members.humanByEmail(project.id, 'dave@example.com'), undefined)
      assert.is(await s.members.humanByEmail(project.id, 'nobody@example.com'), undefined)
    })
  })

  members.run()

  // ------------------------------------------------------------------------------------------------ tasks
  const tasks = make('tasks')

  tasks('detail: the task, its project, the membership, children, latest audit, links and assignees in one read', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const { outsider, parent, kids, links, entries, other } = await commit(h.uow, async (s) => {
      const outsider = await s.workers.insert(newHuman())
      const helper = await s.workers.insert(newHuman({ email: 'helper@example.com' }))
      const parent = await s.tasks.insert(newTask(project.id, { title: 'parent', tags: ['a', 'b"c'], dueDate: '2026-12-31', storyPoints: 2.5, assigneeId: owner.id, startedAt: at(3) }))
      const kids = [
        await s.tasks.insert(newTask(project.id, { title: 'kid 1', parentTaskId: parent.id, assigneeId: helper.id })),
        await s.tasks.insert(newTask(project.id, { title: 'kid 2', parentTaskId: parent.id })),
      ]
      const other = await s.tasks.insert(newTask(project.id, { title: 'unrelated', assigneeId: outsider.id }))
      const links = [
        await s.links.insert(newLink(project.id, parent.id, { externalUrl: 'https://example.com/1' })),
        await s.links.insert(newLink(project.id, kids[1]!.id, { source: 'linear' })),
      ]
      await s.links.insert(newLink(project.id, other.id))
      const entries = []
      for (let i = 0; i < 4; i += 1) entries.push(await s.audit.append(auditEntry({ type: 'human', id: owner.id }, project.id, 'task', parent.id, 'updated', { before: { n: i }, after: { n: i + 1 } }, at(10 + i))))
      await s.audit.append(auditEntry({ type: 'human', id: owner.id }, project.id, 'task', other.id, 'created', {}, at(20)))
      return { outsider, helper, parent, kids, links, entries, other }
    })
    await commit(h.uow, async (s) => {
      const d = await s.tasks.detail(parent.id, owner.id, 3)
      assert.ok(d)
      assert.equal(d.task, parent)
      assert.equal(d.project, project)
      assert.equal(d.membership, await s.members.find(project.id, owner.id))
      assert.equal(d.children, kids)
      assert.equal(d.recentAudit, entries.slice(-3).reverse())
      assert.equal(sorted(ids(d.links)), sorted(ids(links)))
      assert.equal(d.links.find((l) => l.id === links[0]!.id), links[0])
      assert.equal(sorted(ids(d.assignees)), sorted([owner.id, kids[0]!.assigneeId as number]))
      assert.equal(d.assignees.find((w) => w.id === owner.id), owner)
      const outside = await s.tasks.detail(parent.id, outsider.id, 3)
      assert.is(outside?.membership, undefined)
      assert.equal(outside?.task, parent)
      assert.is(await s.tasks.detail(other.id + 1000, owner.id, 3), undefined)
      const leaf = await s.tasks.detail(kids[1]!.id, owner.id, 10)
      assert.equal(leaf?.children, [])
      assert.equal(leaf?.recentAudit, [])
      assert.equal(leaf?.assignees, [])
      assert.equal(leaf?.links, [links[1]])
    })
  })

  tasks('insert gives an id and the next number, and stores every field', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const draft = newTask(project.id, {
      title: 'Ship it', description: 'All of it', status: 'in_progress', priority: 'urgent', tags: ['a', 'b'], dueDate: '2026-12-24',
      storyPoints: 2.5, assigneeId: owner.id, progressPercent: 40, rollupProgressPercent: 55, version: 3, createdById: owner.id,
      startedAt: at(1), completedAt: null, createdAt: at(2), updatedAt: at(3),
    })
    const task = await commit(h.uow, (s) => s.tasks.insert(draft))
    assert.ok(Number.isInteger(task.id) && task.id > 0)
    assert.equal(task, { ...draft, id: task.id, number: 1 })
    assert.equal(await commit(h.uow, (s) => s.tasks.byId(task.id)), task)
    assert.is(await commit(h.uow, (s) => s.tasks.byId(987654)), undefined)
  })

  tasks('numbers are sequential per project, and a rolled-back insert (Left or throw) does not use one up', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const other = await commit(h.uow, (s) => s.projects.insert(newProject({ ownerId: owner.id })))
    const first = await commit(h.uow, async (s) => [
      await s.tasks.insert(newTask(project.id)),
      await s.tasks.insert(newTask(project.id)),
      await s.tasks.insert(newTask(other.id)),
    ])
    assert.equal(first.map((t) => t.number), [1, 2, 1])
    assert.is(new Set(ids(first)).size, 3)
    await rollback(h.uow, async (s) => {
      assert.is((await s.tasks.insert(newTask(project.id))).number, 3)
      assert.is((await s.tasks.insert(newTask(project.id))).number, 4)
    })
    await rejection(() => h.uow.run(async (s) => {
      await s.tasks.insert(newTask(project.id))
      throw new Error('boom')
    }))
    const later = await commit(h.uow, async (s) => [await s.tasks.insert(newTask(project.id)), await s.tasks.insert(newTask(other.id))])
    assert.equal(later.map((t) => t.number), [3, 2])
    const numbers = (await commit(h.uow, (s) => s.tasks.list(project.id, {}, { limit: 100 }))).map((t) => t.number)
    assert.equal(numbers, [1, 2, 3])
  })

  tasks('numbers stay gap-free and unique under concurrent transactions', async ({ h }) => {
    const { project } = await seed(h.uow)
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      i % 4 === 3
        ? rollback(h.uow, (s) => s.tasks.insert(newTask(project.id))).then(() => undefined)
        : commit(h.uow, (s) => s.tasks.insert(newTask(project.id))).then((t) => t.number)))
    const committed = outcomes.filter((n): n is number => n !== undefined)
    assert.equal(sorted(committed), Array.from({ length: 9 }, (_, i) => i + 1))
  })

  tasks('update writes when the stored version is the expected one, else throws ConcurrentUpdate and writes nothing', async ({ h }) => {
    const { project } = await seed(h.uow)
    const task = await commit(h.uow, (s) => s.tasks.insert(newTask(project.id)))
    const v2: Task = { ...task, title: 'v2', tags: ['x'], status: 'completed', completedAt: at(9), progressPercent: 100, version: 2, updatedAt: at(9) }
    await commit(h.uow, (s) => s.tasks.update(v2, 1))
    assert.equal(await commit(h.uow, (s) => s.tasks.byId(task.id)), v2)
    for (const expected of [1, 3]) {
      const error = await rejection(() => commit(h.uow, (s) => s.tasks.update({ ...v2, title: 'stale', version: expected + 1 }, expected)))
      assert.instance(error, ConcurrentUpdate)
    }
    assert.equal(await commit(h.uow, (s) => s.tasks.byId(task.id)), v2)
    // Two updates in one transaction: the second expects the version the first wrote.
    await commit(h.uow, async (s) => {
      await s.tasks.update({ ...v2, title: 'v3', version: 3 }, 2)
      await s.tasks.update({ ...v2, title: 'v4', version: 4 }, 3)
    })
    assert.is((await commit(h.uow, (s) => s.tasks.byId(task.id)))?.title, 'v4')
  })

  tasks('ancestorIds: parent first, root last, at depth 50; descendantIds: the whole subtree', async ({ h }) => {
    const { project } = await seed(h.uow)
    const chain = await commit(h.uow, async (s) => {
      const out: Task[] = []
      for (let i = 0; i < 50; i += 1) out.push(await s.tasks.insert(newTask(project.id, { parentTaskId: out[i - 1]?.id ?? null })))
      return out
    })
    const chainIds = ids(chain)
    const [root, second] = chainIds
    const leaf = chainIds[49]
    assert.ok(root !== undefined && second !== undefined && leaf !== undefined)
    await commit(h.uow, async (s) => {
      assert.equal(await s.tasks.ancestorIds(leaf), chainIds.slice(0, 49).reverse())
      assert.equal(await s.tasks.ancestorIds(second), [root])
      assert.equal(await s.tasks.ancestorIds(root), [])
      assert.equal(sorted(await s.tasks.descendantIds(root)), chainIds.slice(1))
      assert.equal(sorted(await s.tasks.descendantIds(second)), chainIds.slice(2))
      assert.equal(await s.tasks.descendantIds(leaf), [])
    })
  })

  tasks('descendantIds of a branching tree; children by id', async ({ h }) => {
    const { project } = await seed(h.uow)
    const t = await commit(h.uow, async (s) => {
      const root = await s.tasks.insert(newTask(project.id))
      const a = await s.tasks.insert(newTask(project.id, { parentTaskId: root.id }))
      const b = await s.tasks.insert(newTask(project.id, { parentTaskId: root.id }))
      const a1 = await s.tasks.insert(newTask(project.id, { parentTaskId: a.id }))
      const b1 = await s.tasks.insert(newTask(project.id, { parentTaskId: b.id }))
      const b2 = await s.tasks.insert(newTask(project.id, { parentTaskId: b.id }))
      const b21 = await s.tasks.insert(newTask(project.id, { parentTaskId: b2.id }))
      const loose = await s.tasks.insert(newTask(project.id))
      return { root, a, b, a1, b1, b2, b21, loose }
    })
    await commit(h.uow, async (s) => {
      assert.equal(sorted(await s.tasks.descendantIds(t.root.id)), sorted(ids([t.a, t.b, t.a1, t.b1, t.b2, t.b21])))
      assert.equal(sorted(await s.tasks.descendantIds(t.b.id)), sorted(ids([t.b1, t.b2, t.b21])))
      assert.equal(ids(await s.tasks.children(t.root.id)), ids([t.a, t.b]))
      assert.equal(ids(await s.tasks.children(t.b.id)), ids([t.b1, t.b2]))
      assert.equal(await s.tasks.children(t.loose.id), [])
      assert.equal((await s.tasks.children(t.a.id))[0], t.a1)
      assert.equal(await s.tasks.ancestorIds(t.b21.id), ids([t.b2, t.b, t.root]))
    })
  })

  tasks('countInProject and assignedTo (in one project or all)', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const t = await commit(h.uow, async (s) => {
      const other = await s.projects.insert(newProject({ ownerId: owner.id }))
      const mine1 = await s.tasks.insert(newTask(project.id, { assigneeId: owner.id }))
      await s.tasks.insert(newTask(project.id))
      const mine2 = await s.tasks.insert(newTask(other.id, { assigneeId: owner.id }))
      return { other, mine1, mine2 }
    })
    await commit(h.uow, async (s) => {
      assert.is(await s.tasks.countInProject(project.id), 2)
      assert.is(await s.tasks.countInProject(t.other.id), 1)
      assert.is(await s.tasks.countInProject(987654), 0)
      assert.equal(await s.tasks.assignedTo(owner.id, project.id), [t.mine1])
      assert.equal(await s.tasks.assignedTo(owner.id), [t.mine1, t.mine2])
      assert.equal(await s.tasks.assignedTo(987654), [])
    })
  })

  tasks('list: each filter, filters combined, keyset pages under a filter', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const t = await commit(h.uow, async (s) => {
      const other = await s.projects.insert(newProject({ ownerId: owner.id }))
      const a = await s.tasks.insert(newTask(project.id, { title: 'Fix LOGIN page', status: 'in_progress', priority: 'high', tags: ['auth', 'ui'], assigneeId: owner.id }))
      const b = await s.tasks.insert(newTask(project.id, { title: 'docs', tags: ['docs'] }))
      const c = await s.tasks.insert(newTask(project.id, { title: 'login tests', tags: ['auth'], parentTaskId: a.id, priority: 'high' }))
      const d = await s.tasks.insert(newTask(project.id, { title: '100% done_ish', status: 'in_progress', assigneeId: owner.id, parentTaskId: a.id }))
      const e = await s.tasks.insert(newTask(project.id, { title: 'Relogin flow', tags: ['auth'], priority: 'high' }))
      await s.tasks.insert(newTask(other.id, { title: 'login elsewhere', tags: ['auth'] }))
      return { a, b, c, d, e }
    })
    const { a, b, c, d, e } = t
    await commit(h.uow, async (s) => {
      const list = async (filter: Parameters<Stores['tasks']['list']>[1], page: { limit: number; after?: number } = { limit: 50 }) =>
        ids(await s.tasks.list(project.id, filter, page))
      assert.equal(await list({}), ids([a, b, c, d, e]))
      assert.equal(await list({ status: 'in_progress' }), ids([a, d]))
      assert.equal(await list({ status: 'blocked' }), [])
      assert.equal(await list({ assigneeId: owner.id }), ids([a, d]))
      assert.equal(await list({ assigneeId: 'none' }), ids([b, c, e]))
      assert.equal(await list({ priority: 'high' }), ids([a, c, e]))
      assert.equal(await list({ tag: 'auth' }), ids([a, c, e]))
      assert.equal(await list({ tag: 'au' }), [], 'a tag matches whole')
      assert.equal(await list({ parentId: a.id }), ids([c, d]))
      assert.equal(await list({ parentId: 'none' }), ids([a, b, e]))
      assert.equal(await list({ q: 'login' }), ids([a, c, e]))
      assert.equal(await list({ q: 'LOGIN' }), ids([a, c, e]))
      assert.equal(await list({ q: '%' }), ids([d]), 'q is a plain substring, not a pattern')
      assert.equal(await list({ q: '_' }), ids([d]))
      assert.equal(await list({ tag: 'auth', priority: 'high', parentId: 'none' }), ids([a, e]))
      assert.equal(await list({ status: 'in_progress', assigneeId: owner.id, parentId: a.id }), ids([d]))
      // Pages.
      assert.equal(await list({}, { limit: 2 }), ids([a, b]))
      assert.equal(await list({}, { limit: 2, after: b.id }), ids([c, d]))
      assert.equal(await list({}, { limit: 2, after: d.id }), ids([e]))
      assert.equal(await list({ tag: 'auth' }, { limit: 1, after: a.id }), ids([c]))
      assert.equal(await list({ tag: 'auth' }, { limit: 5, after: c.id }), ids([e]))
      assert.equal(await list({ tag: 'auth' }, { limit: 5, after: e.id }), [])
    })
  })

  tasks('delete: the tasks and their links go; children left outside become top-level', async ({ h }) => {
    const { project } = await seed(h.uow)
    const t = await commit(h.uow, async (s) => {
      const parent = await s.tasks.insert(newTask(project.id))
      const child = await s.tasks.insert(newTask(project.id, { parentTaskId: parent.id }))
      const grandchild = await s.tasks.insert(newTask(project.id, { parentTaskId: child.id }))
      const kept = await s.tasks.insert(newTask(project.id))
      const link = await s.links.insert(newLink(project.id, parent.id))
      const keptLink = await s.links.insert(newLink(project.id, kept.id))
      return { parent, child, grandchild, kept, link, keptLink }
    })
    await commit(h.uow, (s) => s.tasks.delete([t.parent.id, t.grandchild.id]))
    await commit(h.uow, async (s) => {
      assert.is(await s.tasks.byId(t.parent.id), undefined)
      assert.is(await s.tasks.byId(t.grandchild.id), undefined)
      assert.is((await s.tasks.byId(t.child.id))?.parentTaskId, null)
      assert.equal(await s.tasks.byId(t.kept.id), t.kept)
      assert.is(await s.links.find(project.id, 'jira', t.link.externalId), undefined)
      assert.equal(await s.links.find(project.id, 'jira', t.keptLink.externalId), t.keptLink)
      assert.is(await s.tasks.countInProject(project.id), 2)
    })
    // Numbers of deleted tasks are not given out again.
    assert.is((await commit(h.uow, (s) => s.tasks.insert(newTask(project.id)))).number, 5)
  })

  tasks.run()

  // ------------------------------------------------------------------------------------------------ links
  const links = make('external links')

  links('insert gives an id and stores every field; find, byTaskIds', async ({ h }) => {
    const { project } = await seed(h.uow)
    const { t1, t2 } = await commit(h.uow, async (s) => ({ t1: await s.tasks.insert(newTask(project.id)), t2: await s.tasks.insert(newTask(project.id)) }))
    const draft = newLink(project.id, t1.id, {
      source: 'github', externalId: 'acme/web#12', externalUrl: 'https://github.com/acme/web/issues/12', pendingAssigneeEmail: 'x@example.com',
      pendingParentExternalId: 'acme/web#1', sourceUpdatedAt: at(7), createdAt: at(8), updatedAt: at(9),
    })
    const { l1, l2, l3 } = await commit(h.uow, async (s) => ({
      l1: await s.links.insert(draft),
      l2: await s.links.insert(newLink(project.id, t2.id)),
      l3: await s.links.insert(newLink(project.id, t1.id, { source: 'linear' })),
    }))
    assert.ok(Number.isInteger(l1.id) && l1.id > 0)
    assert.equal(l1, { ...draft, id: l1.id })
    assert.is(new Set([l1.id, l2.id, l3.id]).size, 3)
    await commit(h.uow, async (s) => {
      assert.equal(await s.links.find(project.id, 'github', 'acme/web#12'), l1)
      assert.is(await s.links.find(project.id, 'jira', 'acme/web#12'), undefined)
      assert.is(await s.links.find(987654, 'github', 'acme/web#12'), undefined)
      assert.equal(ids(await s.links.byTaskIds([t1.id])), sorted([l1.id, l3.id]))
      assert.equal(sorted(ids(await s.links.byTaskIds([t1.id, t2.id]))), sorted([l1.id, l2.id, l3.id]))
      assert.equal(await s.links.byTaskIds([]), [])
    })
  })

  links('unique per (project, source, external id): UniqueViolation external_link', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const { t1, other, t2 } = await commit(h.uow, async (s) => {
      const t1 = await s.tasks.insert(newTask(project.id))
      const other = await s.projects.insert(newProject({ ownerId: owner.id }))
      const t2 = await s.tasks.insert(newTask(other.id))
      await s.links.insert(newLink(project.id, t1.id, { externalId: 'A' }))
      // The same external id from another source, or in another project, is another item.
      await s.links.insert(newLink(project.id, t1.id, { externalId: 'A', source: 'linear' }))
      await s.links.insert(newLink(other.id, t2.id, { externalId: 'A' }))
      return { t1, other, t2 }
    })
    const t3 = await commit(h.uow, (s) => s.tasks.insert(newTask(project.id)))
    await throwsUnique('external_link', () => commit(h.uow, (s) => s.links.insert(newLink(project.id, t3.id, { externalId: 'A' }))))
    assert.equal(await commit(h.uow, (s) => s.links.byTaskIds([t3.id])), [])
    assert.ok(t1 && other && t2)
  })

  links('waiting for a parent (same project and source) or for an assignee email', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const l = await commit(h.uow, async (s) => {
      const other = await s.projects.insert(newProject({ ownerId: owner.id }))
      const t = async (pid: number) => (await s.tasks.insert(newTask(pid))).id
      const w1 = await s.links.insert(newLink(project.id, await t(project.id), { pendingParentExternalId: 'P', pendingAssigneeEmail: 'carol@example.com' }))
      const w2 = await s.links.insert(newLink(project.id, await t(project.id), { pendingParentExternalId: 'P' }))
      const otherSource = await s.links.insert(newLink(project.id, await t(project.id), { source: 'linear', pendingParentExternalId: 'P' }))
      const otherProject = await s.links.insert(newLink(other.id, await t(other.id), { pendingParentExternalId: 'P', pendingAssigneeEmail: 'carol@example.com' }))
      await s.links.insert(newLink(project.id, await t(project.id)))
      return { w1, w2, otherSource, otherProject }
    })
    await commit(h.uow, async (s) => {
      assert.equal(ids(await s.links.waitingForParent(project.id, 'jira', 'P')), ids([l.w1, l.w2]))
      assert.equal(ids(await s.links.waitingForParent(project.id, 'linear', 'P')), ids([l.otherSource]))
      assert.equal(await s.links.waitingForParent(project.id, 'jira', 'Q'), [])
      assert.equal(await s.links.waitingForAssignee(project.id, 'carol@example.com'), [l.w1])
      assert.equal(await s.links.waitingForAssignee(project.id, 'dave@example.com'), [])
    })
  })

  links('update writes the url, the pending fields and the last applied source time', async ({ h }) => {
    const { project } = await seed(h.uow)
    const link = await commit(h.uow, async (s) => s.links.insert(newLink(project.id, (await s.tasks.insert(newTask(project.id))).id, { pendingParentExternalId: 'P', pendingAssigneeEmail: 'a@example.com' })))
    const changed: ExternalLink = { ...link, externalUrl: 'https://x.example/1', pendingParentExternalId: null, pendingAssigneeEmail: null, sourceUpdatedAt: at(30), updatedAt: at(31) }
    await commit(h.uow, (s) => s.links.update(changed))
    await commit(h.uow, async (s) => {
      assert.equal(await s.links.find(project.id, 'jira', link.externalId), changed)
      assert.equal(await s.links.waitingForParent(project.id, 'jira', 'P'), [])
      assert.equal(await s.links.waitingForAssignee(project.id, 'a@example.com'), [])
    })
  })

  links.run()

  // ------------------------------------------------------------------------------------------------ tokens
  const tokens = make('api tokens')

  tokens('insert, by id, by hash, update', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const token = newToken(project.id, owner.id, { statusMap: { 'in review': 'review', done: 'completed' }, createdAt: at(3) })
    await commit(h.uow, (s) => s.tokens.insert(token))
    await commit(h.uow, async (s) => {
      assert.equal(await s.tokens.byId(token.id), token)
      assert.equal(await s.tokens.byHash(token.tokenHash), token)
      assert.is(await s.tokens.byId(uuid(0xfffffff)), undefined)
      assert.is(await s.tokens.byHash('f'.repeat(64)), undefined)
    })
    const used: ApiToken = { ...token, lastUsedAt: at(10), revokedAt: at(11) }
    await commit(h.uow, (s) => s.tokens.update(used))
    assert.equal(await commit(h.uow, (s) => s.tokens.byId(token.id)), used)
  })

  tokens('the hash is unique: UniqueViolation api_token_hash', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const token = newToken(project.id, owner.id)
    await commit(h.uow, (s) => s.tokens.insert(token))
    await throwsUnique('api_token_hash', () => commit(h.uow, (s) => s.tokens.insert(newToken(project.id, owner.id, { tokenHash: token.tokenHash }))))
    assert.equal(await commit(h.uow, (s) => s.tokens.list(project.id, { limit: 10 })), [token])
  })

  tokens('list: this project\'s tokens by (created_at, id), keyset pages through ties', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const other = await commit(h.uow, (s) => s.projects.insert(newProject({ ownerId: owner.id })))
    // Inserted out of order; b1..b3 share a creation time and are told apart by id.
    const a = newToken(project.id, owner.id, { id: uuid(0x900), createdAt: at(1) })
    const b1 = newToken(project.id, owner.id, { id: uuid(0x101), createdAt: at(2) })
    const b2 = newToken(project.id, owner.id, { id: uuid(0x102), createdAt: at(2) })
    const b3 = newToken(project.id, owner.id, { id: uuid(0xa03), createdAt: at(2) })
    const c = newToken(project.id, null, { id: uuid(0x001), createdAt: at(3) })
    await commit(h.uow, async (s) => {
      for (const t of [c, b3, a, b2, b1]) await s.tokens.insert(t)
      await s.tokens.insert(newToken(other.id, owner.id, { createdAt: at(2) }))
    })
    const key = (t: ApiToken) => ({ createdAt: t.createdAt, id: t.id })
    await commit(h.uow, async (s) => {
      const list = async (page: Parameters<Stores['tokens']['list']>[1]) => (await s.tokens.list(project.id, page)).map((t) => t.id)
      assert.equal(await list({ limit: 10 }), [a, b1, b2, b3, c].map((t) => t.id))
      assert.equal(await list({ limit: 2 }), [a.id, b1.id])
      assert.equal(await list({ limit: 2, after: key(b1) }), [b2.id, b3.id])
      assert.equal(await list({ limit: 2, after: key(b3) }), [c.id])
      assert.equal(await list({ limit: 2, after: key(c) }), [])
      assert.equal(await s.tokens.list(project.id, { limit: 1 }), [a])
    })
  })

  tokens.run()

  // ------------------------------------------------------------------------------------------------ integrations
  const integrations = make('integrations')

  const newIntegration = (projectId: number, createdById: number | null, o: Partial<Integration> = {}): Integration => ({
    id: uuid(0x5000 + Math.floor(Math.random() * 0xfffff)), projectId, type: 'github', settings: { owner: 'acme', repo: 'app', assignee_mapping: { 'a@b.c': 'ab' } },
    statusMap: { open: 'pending' }, isActive: true, accessTokenSealed: 'v1.k.iv.tag.data', webhookSecretSealed: 'v1.k.iv.tag.secret',
    createdById, createdAt: T0, lastSyncedAt: null, ...o,
  })

  integrations('insert, by id, update, list by (created_at, id), delete', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newIntegration(project.id, owner.id, { id: uuid(0x7001), createdAt: at(2) })
    const b = newIntegration(project.id, null, { id: uuid(0x7000), type: 'jira', createdAt: at(2), isActive: false })
    const c = newIntegration(project.id, owner.id, { id: uuid(0x6000), createdAt: at(1) })
    await commit(h.uow, async (s) => {
      for (const i of [a, b, c]) await s.integrations.insert(i)
    })
    await commit(h.uow, async (s) => {
      assert.equal(await s.integrations.byId(a.id), a)
      assert.is(await s.integrations.byId(uuid(0xfffff)), undefined)
      assert.is(await s.integrations.byId('not-a-uuid'), undefined)
      assert.equal((await s.integrations.list(project.id, { limit: 10 })).map((i) => i.id), [c.id, b.id, a.id])
      assert.equal((await s.integrations.list(project.id, { limit: 1, after: { createdAt: b.createdAt, id: b.id } })).map((i) => i.id), [a.id])
    })
    const synced = { ...a, lastSyncedAt: at(9), statusMap: { closed: 'completed' as const } }
    await commit(h.uow, (s) => s.integrations.update(synced))
    assert.equal(await commit(h.uow, (s) => s.integrations.byId(a.id)), synced)
    await commit(h.uow, (s) => s.integrations.delete(a.id))
    assert.is(await commit(h.uow, (s) => s.integrations.byId(a.id)), undefined)
  })

  integrations('deliveries: recorded once (UniqueViolation webhook_delivery), gone with their integration', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const i = newIntegration(project.id, owner.id)
    await commit(h.uow, (s) => s.integrations.insert(i))
    const delivery = { integrationId: i.id, deliveryId: 'd-1', status: 200, body: { task_id: 1, created: true }, receivedAt: at(5) }
    await commit(h.uow, (s) => s.integrations.recordDelivery(delivery))
    assert.equal(await commit(h.uow, (s) => s.integrations.delivery(i.id, 'd-1')), delivery)
    assert.is(await commit(h.uow, (s) => s.integrations.delivery(i.id, 'd-2')), undefined)
    await throwsUnique('webhook_delivery', () => commit(h.uow, (s) => s.integrations.recordDelivery({ ...delivery, status: 202 })))
    await rollback(h.uow, (s) => s.integrations.recordDelivery({ ...delivery, deliveryId: 'd-3' }))
    assert.is(await commit(h.uow, (s) => s.integrations.delivery(i.id, 'd-3')), undefined)
    await commit(h.uow, (s) => s.integrations.delete(i.id))
    assert.is(await commit(h.uow, (s) => s.integrations.delivery(i.id, 'd-1')), undefined)
  })

  integrations('a deleted project takes its integrations along', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const i = newIntegration(project.id, owner.id)
    await commit(h.uow, (s) => s.integrations.insert(i))
    await commit(h.uow, (s) => s.projects.delete(project.id))
    assert.is(await commit(h.uow, (s) => s.integrations.byId(i.id)), undefined)
  })

  integrations.run()

  // ------------------------------------------------------------------------------------------------ webhooks
  const webhooks = make('outgoing webhooks')

  const claim = (uow: UnitOfWork, o: Partial<ClaimRequest> & Pick<ClaimRequest, 'now'>) =>
    commit(uow, (s) => s.webhooks.claimDue({ leaseUntil: new Date(o.now.getTime() + 60_000), claimToken: uuid(0xc0000 + next()), limit: 100, perEndpoint: 100, ...o }))
  const claimedIds = (claimed: readonly { readonly delivery: StoredDelivery }[]) => claimed.map((c) => c.delivery.id)
  /** One event with one delivery per endpoint, due at `dueAt`. */
  const enqueueOne = async (uow: UnitOfWork, projectId: number, endpointIds: readonly string[], dueAt: Date, o: Partial<StoredDelivery> = {}) => {
    const event = newEvent(projectId, { createdAt: dueAt })
    const deliveries = endpointIds.map((id) => newDelivery(id, event, { nextAttemptAt: dueAt, ...o }))
    await commit(uow, (s) => s.webhooks.enqueue([event], deliveries))
    return { event, deliveries }
  }

  webhooks('endpoints: insert, by id (undefined for an unknown id or a non-UUID), update, keyset by (created_at, id), unique id', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const other = await commit(h.uow, (s) => s.projects.insert(newProject({ ownerId: owner.id })))
    const a = newEndpoint(project.id, owner.id, { id: uuid(0x7001), createdAt: at(2), updatedAt: at(2), events: ['task.*', 'member.added', '*'] })
    const b = newEndpoint(project.id, null, {
      id: uuid(0x7000), createdAt: at(2), isActive: false, disabledReason: 'the endpoint answered 410 Gone', description: 'CI "hook" é',
      failingSince: at(3), lastSuccessAt: at(1),
    })
    const c = newEndpoint(project.id, owner.id, { id: uuid(0x6000), createdAt: at(1) })
    const d = newEndpoint(other.id, owner.id, { createdAt: at(0) })
    await commit(h.uow, async (s) => {
      for (const e of [a, b, c, d]) await s.webhooks.insertEndpoint(e)
    })
    await commit(h.uow, async (s) => {
      assert.equal(await s.webhooks.endpoint(a.id), a)
      assert.equal(await s.webhooks.endpoint(b.id), b)
      assert.is(await s.webhooks.endpoint(uuid(0xfffff)), undefined)
      assert.is(await s.webhooks.endpoint('not-a-uuid'), undefined)
      assert.equal(await s.webhooks.endpoints(project.id, { limit: 10 }), [c, b, a])
      assert.equal(await s.webhooks.endpoints(project.id, { limit: 2 }), [c, b])
      assert.equal(await s.webhooks.endpoints(project.id, { limit: 2, after: { createdAt: b.createdAt, id: b.id } }), [a])
      assert.equal(await s.webhooks.endpoints(project.id, { limit: 2, after: { createdAt: a.createdAt, id: a.id } }), [])
      assert.equal(await s.webhooks.endpoints(other.id, { limit: 10 }), [d])
      assert.equal(await s.webhooks.endpoints(987654, { limit: 10 }), [])
    })
    const changed: WebhookEndpoint = {
      ...a, url: 'https://other.example.com/h?x=1', events: ['project.updated'], description: 'now described', isActive: false,
      disabledReason: 'no successful delivery for 5 days', secretSealed: 'v1.k.iv.tag.rotated', updatedAt: at(9), failingSince: at(4), lastSuccessAt: at(3),
    }
    await commit(h.uow, (s) => s.webhooks.updateEndpoint(changed))
    assert.equal(await commit(h.uow, (s) => s.webhooks.endpoint(a.id)), changed)
    await throwsUnique('webhook_endpoint', () => commit(h.uow, (s) => s.webhooks.insertEndpoint({ ...c, url: 'https://dup.example.com' })))
    assert.equal(await commit(h.uow, (s) => s.webhooks.endpoint(c.id)), c)
  })

  webhooks('activeEndpoints: only the active endpoints of the given projects; [] for no projects', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const [p2, p3] = await commit(h.uow, async (s) => [await s.projects.insert(newProject({ ownerId: owner.id })), await s.projects.insert(newProject({ ownerId: owner.id }))])
    assert.ok(p2 && p3)
    const a = newEndpoint(project.id, owner.id, { createdAt: at(1) })
    const b = newEndpoint(project.id, owner.id, { createdAt: at(2), isActive: false, disabledReason: 'x' })
    const c = newEndpoint(p2.id, owner.id, { createdAt: at(3) })
    const d = newEndpoint(p3.id, owner.id, { createdAt: at(4) })
    await commit(h.uow, async (s) => {
      for (const e of [a, b, c, d]) await s.webhooks.insertEndpoint(e)
    })
    await commit(h.uow, async (s) => {
      const active = async (projectIds: number[]) => (await s.webhooks.activeEndpoints(projectIds)).map((e) => e.id).sort()
      assert.equal(await active([project.id, p2.id]), [a.id, c.id].sort())
      assert.equal(await active([p3.id]), [d.id])
      assert.equal(await active([]), [])
      assert.equal(await active([987654]), [])
      assert.equal(await s.webhooks.activeEndpoints([project.id]), [a])
    })
  })

  webhooks('enqueue writes the events and their deliveries, bodies byte for byte; empty lists write nothing; a rollback keeps none', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    const b = newEndpoint(project.id, owner.id)
    await commit(h.uow, async (s) => {
      await s.webhooks.insertEndpoint(a)
      await s.webhooks.insertEndpoint(b)
    })
    await commit(h.uow, (s) => s.webhooks.enqueue([], []))
    const e1 = newEvent(project.id, { body: JSON.stringify({ name: 'é "quoted" \\ back\nslash 😀 {}', n: [1, null] }), sequence: 42, createdAt: at(1) })
    const e2 = newEvent(project.id, { type: 'webhook.ping', sequence: null, createdAt: at(2) })
    const d1 = newDelivery(a.id, e1, { nextAttemptAt: at(1) })
    const d2 = newDelivery(b.id, e1, { nextAttemptAt: at(1) })
    const d3 = newDelivery(a.id, e2, { nextAttemptAt: at(2) })
    await commit(h.uow, (s) => s.webhooks.enqueue([e1, e2], [d1, d2, d3]))
    await commit(h.uow, async (s) => {
      for (const d of [d1, d2, d3]) assert.equal(await s.webhooks.delivery(d.id), d)
      assert.is(await s.webhooks.eventBody(e1.id), e1.body)
      assert.is(await s.webhooks.eventBody(e2.id), e2.body)
      assert.is(await s.webhooks.eventBody('evt_nope'), undefined)
      assert.is(await s.webhooks.delivery(uuid(0xfffff)), undefined)
      assert.is(await s.webhooks.delivery('not-a-uuid'), undefined)
      assert.equal((await s.webhooks.deliveries(a.id, undefined, { limit: 10 })).map((d) => d.id), [d3.id, d1.id])
    })
    const e3 = newEvent(project.id)
    const d4 = newDelivery(a.id, e3)
    await rollback(h.uow, (s) => s.webhooks.enqueue([e3], [d4]))
    await commit(h.uow, async (s) => {
      assert.is(await s.webhooks.eventBody(e3.id), undefined)
      assert.is(await s.webhooks.delivery(d4.id), undefined)
    })
  })

  webhooks('deliveries: an endpoint\'s, newest first by (created_at, id), keyset pages, optional status; [] for unknown ids', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    const b = newEndpoint(project.id, owner.id)
    await commit(h.uow, async (s) => {
      await s.webhooks.insertEndpoint(a)
      await s.webhooks.insertEndpoint(b)
    })
    const e1 = newEvent(project.id, { createdAt: at(1) })
    const e2 = newEvent(project.id, { createdAt: at(2) })
    const e3 = newEvent(project.id, { createdAt: at(3) })
    const d1 = newDelivery(a.id, e1)
    const d2 = newDelivery(a.id, e2, { id: uuid(0xb002) })
    const d3 = newDelivery(a.id, e2, { id: uuid(0xb001) })
    const d4 = newDelivery(a.id, e3)
    const d5 = newDelivery(b.id, e3)
    await commit(h.uow, (s) => s.webhooks.enqueue([e1, e2, e3], [d1, d2, d3, d4, d5]))
    const succeeded: StoredDelivery = { ...d2, status: 'succeeded', attempts: 1, nextAttemptAt: null, lastStatusCode: 204, deliveredAt: at(5) }
    const failed: StoredDelivery = { ...d3, status: 'failed', attempts: 8, nextAttemptAt: null, lastStatusCode: 500, lastError: 'the endpoint answered 500' }
    await commit(h.uow, async (s) => {
      assert.ok(await s.webhooks.updateDelivery(succeeded, null))
      assert.ok(await s.webhooks.updateDelivery(failed, null))
    })
    await commit(h.uow, async (s) => {
      const list = async (status: StoredDelivery['status'] | undefined, limit: number, after?: StoredDelivery) =>
        s.webhooks.deliveries(a.id, status, after ? { limit, after: { createdAt: after.createdAt, id: after.id } } : { limit })
      assert.equal(await list(undefined, 10), [d4, succeeded, failed, d1])
      assert.equal(await list(undefined, 2), [d4, succeeded])
      assert.equal(await list(undefined, 2, succeeded), [failed, d1])
      assert.equal(await list(undefined, 2, d1), [])
      assert.equal(await list('pending', 10), [d4, d1])
      assert.equal(await list('pending', 10, d4), [d1])
      assert.equal(await list('succeeded', 10), [succeeded])
      assert.equal(await list('failed', 10, failed), [])
      assert.equal(await s.webhooks.deliveries(b.id, undefined, { limit: 10 }), [d5])
      assert.equal(await s.webhooks.deliveries(uuid(0xfffff), undefined, { limit: 10 }), [])
      assert.equal(await s.webhooks.deliveries('not-a-uuid', 'pending', { limit: 10 }), [])
    })
  })

  webhooks('claimDue: pending, due, not leased, endpoint active; oldest due first; returns the endpoint, the body and the token', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id, { createdAt: at(1) })
    const b = newEndpoint(project.id, owner.id, { createdAt: at(2) })
    const off = newEndpoint(project.id, owner.id, { isActive: false, disabledReason: 'the endpoint answered 410 Gone' })
    await commit(h.uow, async (s) => {
      for (const e of [a, b, off]) await s.webhooks.insertEndpoint(e)
    })
    const { deliveries: [a1] } = await enqueueOne(h.uow, project.id, [a.id], at(3))
    const { deliveries: [a2] } = await enqueueOne(h.uow, project.id, [a.id], at(1))
    const { deliveries: [a3] } = await enqueueOne(h.uow, project.id, [a.id], at(50))
    const { deliveries: [b1, offDelivery] } = await enqueueOne(h.uow, project.id, [b.id, off.id], at(2))
    const { deliveries: [never] } = await enqueueOne(h.uow, project.id, [b.id], at(0), { nextAttemptAt: null })
    const { deliveries: [done] } = await enqueueOne(h.uow, project.id, [b.id], at(0))
    assert.ok(a1 && a2 && a3 && b1 && offDelivery && never && done)
    const finished: StoredDelivery = { ...done, status: 'succeeded', attempts: 1, nextAttemptAt: at(0), deliveredAt: at(1), lastStatusCode: 200 }
    await commit(h.uow, (s) => s.webhooks.updateDelivery(finished, null))

    const token = uuid(0xc1)
    const claimed = await claim(h.uow, { now: at(10), leaseUntil: at(70), claimToken: token })
    assert.equal(claimedIds(claimed), [a2.id, b1.id, a1.id])
    const bodies = await commit(h.uow, async (s) => {
      const read: (string | undefined)[] = []
      for (const c of claimed) read.push(await s.webhooks.eventBody(c.delivery.eventId))
      return read
    })
    assert.equal(claimed.map((c) => c.body), bodies)
    assert.equal(claimed.map((c) => c.endpoint), [a, b, a])
    assert.equal(claimed.map((c) => c.delivery), [a2, b1, a1])
    assert.ok(claimed.every((c) => c.claimToken === token))
    // Leased now: nobody claims them again before the lease ends; the rest is still not due.
    assert.equal(await claim(h.uow, { now: at(49) }), [])
    assert.equal(claimedIds(await claim(h.uow, { now: at(50), leaseUntil: at(51) })), [a3.id])
    // A claim writes nothing but the lease: the stored delivery reads the same.
    assert.equal(await commit(h.uow, (s) => s.webhooks.delivery(a2.id)), a2)
    assert.equal(await claim(h.uow, { now: at(10), limit: 0 }), [])
  })

  webhooks('claimDue: at most `limit` in all and `perEndpoint` in flight per endpoint, counting leases already held', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    const b = newEndpoint(project.id, owner.id)
    await commit(h.uow, async (s) => {
      await s.webhooks.insertEndpoint(a)
      await s.webhooks.insertEndpoint(b)
    })
    const as: StoredDelivery[] = []
    const bs: StoredDelivery[] = []
    for (let i = 1; i <= 5; i += 1) as.push(...(await enqueueOne(h.uow, project.id, [a.id], at(i))).deliveries)
    for (let i = 6; i <= 7; i += 1) bs.push(...(await enqueueOne(h.uow, project.id, [b.id], at(i))).deliveries)
    const [a1, a2, a3, a4] = as
    const [b1, b2] = bs
    assert.ok(a1 && a2 && a3 && a4 && b1 && b2)
    const first = await claim(h.uow, { now: at(10), limit: 3, perEndpoint: 2 })
    assert.equal(claimedIds(first), [a1.id, a2.id, b1.id])
    // a has 2 in flight (no room at 2), b has 1.
    assert.equal(claimedIds(await claim(h.uow, { now: at(11), perEndpoint: 2 })), [b2.id])
    assert.equal(claimedIds(await claim(h.uow, { now: at(11), perEndpoint: 2 })), [])
    assert.equal(claimedIds(await claim(h.uow, { now: at(12), perEndpoint: 3 })), [a3.id])
    // Recording a1's attempt releases its place.
    const token = first[0]?.claimToken ?? ''
    assert.ok(await commit(h.uow, (s) => s.webhooks.updateDelivery({ ...a1, status: 'succeeded', attempts: 1, nextAttemptAt: null, deliveredAt: at(12) }, token)))
    assert.equal(claimedIds(await claim(h.uow, { now: at(13), perEndpoint: 3 })), [a4.id])
    assert.equal(claimedIds(await claim(h.uow, { now: at(13), perEndpoint: 0 })), [])
  })

  webhooks('an expired lease is claimed again with a new token; the old claim can no longer write; expired leases are not in flight', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    await commit(h.uow, (s) => s.webhooks.insertEndpoint(a))
    const { deliveries: [d1] } = await enqueueOne(h.uow, project.id, [a.id], at(1))
    const { deliveries: [d2] } = await enqueueOne(h.uow, project.id, [a.id], at(2))
    assert.ok(d1 && d2)
    const old = uuid(0xc01)
    const renewed = uuid(0xc02)
    assert.equal(claimedIds(await claim(h.uow, { now: at(10), leaseUntil: at(40), claimToken: old, perEndpoint: 1 })), [d1.id])
    assert.equal(await claim(h.uow, { now: at(39), perEndpoint: 1 }), [])
    // At claimed_until the lease has run out: the oldest due delivery (d1 again) goes to the new claim.
    const again = await claim(h.uow, { now: at(40), leaseUntil: at(100), claimToken: renewed, perEndpoint: 1 })
    assert.equal(claimedIds(again), [d1.id])
    assert.is(again[0]?.claimToken, renewed)
    const attempted: StoredDelivery = { ...d1, status: 'pending', attempts: 1, nextAttemptAt: at(300), lastStatusCode: 503, lastError: 'the endpoint answered 503' }
    assert.is(await commit(h.uow, (s) => s.webhooks.updateDelivery(attempted, old)), false)
    assert.is(await commit(h.uow, (s) => s.webhooks.updateDelivery(attempted, 'not-a-uuid')), false)
    assert.equal(await commit(h.uow, (s) => s.webhooks.delivery(d1.id)), d1)
    assert.is(await commit(h.uow, (s) => s.webhooks.updateDelivery(attempted, renewed)), true)
    assert.equal(await commit(h.uow, (s) => s.webhooks.delivery(d1.id)), attempted)
    // Released: the same token cannot write twice.
    assert.is(await commit(h.uow, (s) => s.webhooks.updateDelivery({ ...attempted, attempts: 2 }, renewed)), false)
    assert.equal(claimedIds(await claim(h.uow, { now: at(41), perEndpoint: 1 })), [d2.id])
  })

  webhooks('updateDelivery with null writes whatever holds the delivery (a redelivery) and releases the claim', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    await commit(h.uow, (s) => s.webhooks.insertEndpoint(a))
    const { deliveries: [d] } = await enqueueOne(h.uow, project.id, [a.id], at(1))
    assert.ok(d)
    const [held] = await claim(h.uow, { now: at(10), leaseUntil: at(70) })
    assert.ok(held)
    const redelivered: StoredDelivery = { ...d, status: 'pending', attempts: 3, nextAttemptAt: at(20), lastStatusCode: 500, lastError: 'e', deliveredAt: at(5), onDemand: true }
    assert.is(await commit(h.uow, (s) => s.webhooks.updateDelivery(redelivered, null)), true)
    assert.equal(await commit(h.uow, (s) => s.webhooks.delivery(d.id)), redelivered)
    assert.is(await commit(h.uow, (s) => s.webhooks.updateDelivery(d, held.claimToken)), false)
    // The claim is gone with it: due again at 20, long before the old lease ends.
    assert.equal(claimedIds(await claim(h.uow, { now: at(20), perEndpoint: 1 })), [d.id])
  })

  webhooks('deliveries of an inactive endpoint are never claimed; re-enabled, they are', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    const b = newEndpoint(project.id, owner.id)
    await commit(h.uow, async (s) => {
      await s.webhooks.insertEndpoint(a)
      await s.webhooks.insertEndpoint(b)
    })
    const { deliveries: [da, db] } = await enqueueOne(h.uow, project.id, [a.id, b.id], at(1))
    assert.ok(da && db)
    await commit(h.uow, (s) => s.webhooks.updateEndpoint({ ...a, isActive: false, disabledReason: 'paused', updatedAt: at(2) }))
    assert.ok(await commit(h.uow, (s) => s.webhooks.updateEndpointHealth(b.id, { lastSuccessAt: null, failingSince: at(0), disabledReason: 'gone', now: at(2) })))
    assert.equal(await claim(h.uow, { now: at(10) }), [])
    await commit(h.uow, (s) => s.webhooks.updateEndpoint({ ...a, isActive: true, updatedAt: at(11) }))
    assert.equal(claimedIds(await claim(h.uow, { now: at(12) })), [da.id])
  })

  webhooks('updateEndpointHealth: writes only the health; disables an active endpoint once and says so', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id, { description: 'kept', updatedAt: at(1) })
    await commit(h.uow, (s) => s.webhooks.insertEndpoint(a))
    const health = (x: Parameters<Stores['webhooks']['updateEndpointHealth']>[1], id = a.id) => commit(h.uow, (s) => s.webhooks.updateEndpointHealth(id, x))
    const read = () => commit(h.uow, (s) => s.webhooks.endpoint(a.id))
    assert.is(await health({ lastSuccessAt: at(5), failingSince: null, now: at(6) }), false)
    assert.equal(await read(), { ...a, lastSuccessAt: at(5) })
    assert.is(await health({ lastSuccessAt: at(5), failingSince: at(7), disabledReason: 'the endpoint answered 410 Gone', now: at(8) }), true)
    const disabled = { ...a, lastSuccessAt: at(5), failingSince: at(7), isActive: false, disabledReason: 'the endpoint answered 410 Gone', updatedAt: at(8) }
    assert.equal(await read(), disabled)
    // Already inactive: the health is written, the reason and updated_at stay, and this call did not disable it.
    assert.is(await health({ lastSuccessAt: null, failingSince: at(9), disabledReason: 'no successful delivery for 5 days', now: at(10) }), false)
    assert.equal(await read(), { ...disabled, lastSuccessAt: null, failingSince: at(9) })
    assert.is(await health({ lastSuccessAt: null, failingSince: null, disabledReason: 'x', now: at(10) }, uuid(0xfffff)), false)
    assert.is(await health({ lastSuccessAt: null, failingSince: null, now: at(10) }, 'not-a-uuid'), false)
  })

  webhooks('attempts: oldest first, every field kept; [] for unknown deliveries', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    await commit(h.uow, (s) => s.webhooks.insertEndpoint(a))
    const { deliveries: [d, other] } = await enqueueOne(h.uow, project.id, [a.id, a.id], at(1))
    assert.ok(d && other)
    const attempts: DeliveryAttempt[] = [
      { at: at(1), statusCode: null, durationMs: 10_000, error: 'timeout after 10s', responseExcerpt: '' },
      { at: at(6), statusCode: 500, durationMs: 12, error: null, responseExcerpt: '{"error":"é \\"x\\""}' },
      { at: at(306), statusCode: 204, durationMs: 3, error: null, responseExcerpt: 'ok' },
    ]
    for (const attempt of attempts) await commit(h.uow, (s) => s.webhooks.addAttempt(d.id, attempt))
    await commit(h.uow, async (s) => {
      assert.equal(await s.webhooks.attempts(d.id), attempts)
      assert.equal(await s.webhooks.attempts(other.id), [])
      assert.equal(await s.webhooks.attempts(uuid(0xfffff)), [])
      assert.equal(await s.webhooks.attempts('not-a-uuid'), [])
    })
  })

  webhooks('deleteEndpoint takes its deliveries and their attempts; other endpoints and the events stay', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    const b = newEndpoint(project.id, owner.id)
    await commit(h.uow, async (s) => {
      await s.webhooks.insertEndpoint(a)
      await s.webhooks.insertEndpoint(b)
    })
    const { event, deliveries: [da, db] } = await enqueueOne(h.uow, project.id, [a.id, b.id], at(1))
    assert.ok(da && db)
    const attempt: DeliveryAttempt = { at: at(2), statusCode: 500, durationMs: 5, error: null, responseExcerpt: 'no' }
    await commit(h.uow, async (s) => {
      await s.webhooks.addAttempt(da.id, attempt)
      await s.webhooks.addAttempt(db.id, attempt)
    })
    await commit(h.uow, (s) => s.webhooks.deleteEndpoint(a.id))
    await commit(h.uow, (s) => s.webhooks.deleteEndpoint('not-a-uuid'))
    await commit(h.uow, async (s) => {
      assert.is(await s.webhooks.endpoint(a.id), undefined)
      assert.is(await s.webhooks.delivery(da.id), undefined)
      assert.equal(await s.webhooks.attempts(da.id), [])
      assert.equal(await s.webhooks.deliveries(a.id, undefined, { limit: 10 }), [])
      assert.equal(await s.webhooks.endpoint(b.id), b)
      assert.equal(await s.webhooks.delivery(db.id), db)
      assert.equal(await s.webhooks.attempts(db.id), [attempt])
      assert.is(await s.webhooks.eventBody(event.id), event.body)
    })
    assert.equal(claimedIds(await claim(h.uow, { now: at(10) })), [db.id])
  })

  webhooks('a deleted project takes its endpoints, events and deliveries; a deleted worker leaves its endpoints without a creator', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const { other, creator } = await commit(h.uow, async (s) => ({
      other: await s.projects.insert(newProject({ ownerId: owner.id })),
      creator: await s.workers.insert(newHuman()),
    }))
    const a = newEndpoint(project.id, owner.id)
    const b = newEndpoint(other.id, creator.id)
    await commit(h.uow, async (s) => {
      await s.webhooks.insertEndpoint(a)
      await s.webhooks.insertEndpoint(b)
    })
    const { event, deliveries: [da] } = await enqueueOne(h.uow, project.id, [a.id], at(1))
    const kept = await enqueueOne(h.uow, other.id, [b.id], at(1))
    assert.ok(da)
    await commit(h.uow, (s) => s.webhooks.addAttempt(da.id, { at: at(2), statusCode: 200, durationMs: 1, error: null, responseExcerpt: '' }))
    await commit(h.uow, (s) => s.projects.delete(project.id))
    await commit(h.uow, (s) => s.workers.delete(creator.id))
    await commit(h.uow, async (s) => {
      assert.is(await s.webhooks.endpoint(a.id), undefined)
      assert.is(await s.webhooks.eventBody(event.id), undefined)
      assert.is(await s.webhooks.delivery(da.id), undefined)
      assert.equal(await s.webhooks.attempts(da.id), [])
      assert.equal(await s.webhooks.endpoint(b.id), { ...b, createdById: null })
      assert.is(await s.webhooks.eventBody(kept.event.id), kept.event.body)
      assert.equal(await s.webhooks.delivery(kept.deliveries[0]?.id ?? ''), kept.deliveries[0])
    })
  })

  webhooks('a rolled-back transaction leaves no endpoint, event, delivery, lease, health or attempt behind', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const a = newEndpoint(project.id, owner.id)
    await commit(h.uow, (s) => s.webhooks.insertEndpoint(a))
    const { deliveries: [d] } = await enqueueOne(h.uow, project.id, [a.id], at(1))
    assert.ok(d)
    const probe = newEndpoint(project.id, owner.id)
    const event = newEvent(project.id)
    await rollback(h.uow, async (s) => {
      await s.webhooks.insertEndpoint(probe)
      await s.webhooks.enqueue([event], [newDelivery(a.id, event, { nextAttemptAt: at(50) })])
      assert.equal(claimedIds(await s.webhooks.claimDue({ now: at(10), leaseUntil: at(70), claimToken: uuid(0xc9), limit: 10, perEndpoint: 10 })), [d.id])
      await s.webhooks.addAttempt(d.id, { at: at(10), statusCode: 200, durationMs: 1, error: null, responseExcerpt: '' })
      await s.webhooks.updateEndpointHealth(a.id, { lastSuccessAt: at(10), failingSince: null, disabledReason: 'x', now: at(10) })
    })
    await commit(h.uow, async (s) => {
      assert.is(await s.webhooks.endpoint(probe.id), undefined)
      assert.is(await s.webhooks.eventBody(event.id), undefined)
      assert.equal(await s.webhooks.attempts(d.id), [])
      assert.equal(await s.webhooks.endpoint(a.id), a)
    })
    assert.equal(claimedIds(await claim(h.uow, { now: at(10) })), [d.id])
  })

  webhooks.run()

  // ------------------------------------------------------------------------------------------------ audit
  const audit = make('audit log')

  audit('append gives increasing ids and stores every field', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const draft = auditEntry(
      { type: 'api_token', id: uuid(42) }, project.id, 'task', 17, 'status_synced',
      { before: { status: 'completed', tags: ['a'] }, after: { status: 'backlog', tags: [] }, reason: 'why', nested: { deep: [1, null, true] } },
      at(5),
    )
    const entries = await commit(h.uow, async (s) => [
      await s.audit.append(draft),
      await s.audit.append(auditEntry({ type: 'agent', id: owner.id }, null, 'agent', owner.id, 'created', {}, at(6))),
    ])
    const [first, second] = entries
    assert.ok(first && second)
    assert.ok(first.id < second.id)
    assert.equal(first, { ...draft, id: first.id })
    assert.equal(second.projectId, null)
    assert.equal(await commit(h.uow, (s) => s.audit.forTask(17, { limit: 10 })), [first])
  })

  audit('forTask oldest first with keyset pages; recentForTask newest first; only that task\'s entries', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const actor: AuditActor = { type: 'human', id: owner.id }
    const e = await commit(h.uow, async (s) => {
      const out = []
      for (const action of ['created', 'updated', 'status_changed', 'assigned'] as const) {
        out.push(await s.audit.append(auditEntry(actor, project.id, 'task', 1, action, {}, T0)))
        await s.audit.append(auditEntry(actor, project.id, 'task', 2, action, {}, T0))
      }
      // Another kind of entity with the same id is not the task's history.
      await s.audit.append(auditEntry(actor, project.id, 'project', 1, 'updated', {}, T0))
      return ids(out)
    })
    await commit(h.uow, async (s) => {
      assert.equal(ids(await s.audit.forTask(1, { limit: 10 })), e)
      assert.equal(ids(await s.audit.forTask(1, { limit: 2 })), e.slice(0, 2))
      assert.equal(ids(await s.audit.forTask(1, { limit: 2, after: e[1] })), e.slice(2))
      assert.equal(ids(await s.audit.forTask(1, { limit: 2, after: e[3] })), [])
      assert.equal(ids(await s.audit.recentForTask(1, 3)), e.slice(1).reverse())
      assert.equal(ids(await s.audit.recentForTask(1, 10)), [...e].reverse())
      assert.equal(await s.audit.forTask(99, { limit: 10 }), [])
    })
  })

  audit('forProject newest first, filtered by actor, action and entity type, keyset pages under a filter', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const other = await commit(h.uow, (s) => s.projects.insert(newProject({ ownerId: owner.id })))
    const human: AuditActor = { type: 'human', id: owner.id }
    const token: AuditActor = { type: 'api_token', id: uuid(7) }
    const e = await commit(h.uow, async (s) => {
      const add = (actor: AuditActor, entityType: 'task' | 'member', action: 'created' | 'updated' | 'synced') =>
        s.audit.append(auditEntry(actor, project.id, entityType, 1, action, {}, T0)).then((x) => x.id)
      const e1 = await add(human, 'task', 'created')
      const e2 = await add(token, 'task', 'synced')
      const e3 = await add(human, 'member', 'created')
      await s.audit.append(auditEntry(human, other.id, 'task', 5, 'created', {}, T0))
      const e4 = await add(human, 'task', 'updated')
      const e5 = await add(token, 'task', 'synced')
      return { e1, e2, e3, e4, e5 }
    })
    await commit(h.uow, async (s) => {
      const list = async (filter: Parameters<Stores['audit']['forProject']>[1], page: { limit: number; after?: number } = { limit: 10 }) =>
        ids(await s.audit.forProject(project.id, filter, page))
      assert.equal(await list({}), [e.e5, e.e4, e.e3, e.e2, e.e1])
      assert.equal(await list({}, { limit: 2 }), [e.e5, e.e4])
      assert.equal(await list({}, { limit: 2, after: e.e4 }), [e.e3, e.e2])
      assert.equal(await list({}, { limit: 2, after: e.e1 }), [])
      assert.equal(await list({ actorId: String(owner.id) }), [e.e4, e.e3, e.e1])
      assert.equal(await list({ actorId: uuid(7) }), [e.e5, e.e2])
      assert.equal(await list({ action: 'created' }), [e.e3, e.e1])
      assert.equal(await list({ entityType: 'member' }), [e.e3])
      assert.equal(await list({ entityType: 'project' }), [])
      assert.equal(await list({ actorId: String(owner.id), action: 'created', entityType: 'task' }), [e.e1])
      assert.equal(await list({ actorId: String(owner.id) }, { limit: 1, after: e.e4 }), [e.e3])
      assert.equal(await list({ actorId: String(owner.id) }, { limit: 5, after: e.e3 }), [e.e1])
    })
  })

  audit('byActor newest first, in the given projects or all, with keyset pages', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const { other, third, someone } = await commit(h.uow, async (s) => ({
      other: await s.projects.insert(newProject({ ownerId: owner.id })),
      third: await s.projects.insert(newProject({ ownerId: owner.id })),
      someone: await s.workers.insert(newHuman()),
    }))
    const me: AuditActor = { type: 'human', id: owner.id }
    const e = await commit(h.uow, async (s) => {
      const add = (actor: AuditActor, projectId: number | null) =>
        s.audit.append(auditEntry(actor, projectId, projectId === null ? 'agent' : 'task', 1, 'created', {}, T0)).then((x) => x.id)
      const e1 = await add(me, project.id)
      await add({ type: 'human', id: someone.id }, project.id)
      const e2 = await add(me, other.id)
      const e3 = await add(me, third.id)
      const e4 = await add(me, null)
      const e5 = await add(me, project.id)
      return { e1, e2, e3, e4, e5 }
    })
    await commit(h.uow, async (s) => {
      const mine = String(owner.id)
      assert.equal(ids(await s.audit.byActor(mine, [project.id, other.id], { limit: 10 })), [e.e5, e.e2, e.e1])
      assert.equal(ids(await s.audit.byActor(mine, [third.id], { limit: 10 })), [e.e3])
      assert.equal(ids(await s.audit.byActor(mine, [], { limit: 10 })), [])
      assert.equal(ids(await s.audit.byActor(mine, 'all', { limit: 10 })), [e.e5, e.e4, e.e3, e.e2, e.e1])
      assert.equal(ids(await s.audit.byActor(mine, 'all', { limit: 2, after: e.e4 })), [e.e3, e.e2])
      assert.equal(ids(await s.audit.byActor(mine, [project.id, other.id], { limit: 1, after: e.e5 })), [e.e2])
      assert.equal(ids(await s.audit.byActor(String(someone.id), 'all', { limit: 10 })).length, 1)
      assert.equal(await s.audit.byActor('987654', 'all', { limit: 10 }), [])
    })
  })

  audit.run()

  // ------------------------------------------------------------------------------------------------ unit of work
  const uow = make('unit of work')

  uow('a Right commits and its value comes back; the next transaction sees every write', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const result = await h.uow.run(async (s) => {
      const task = await s.tasks.insert(newTask(project.id, { title: 'kept' }))
      // A transaction reads its own writes.
      assert.equal(await s.tasks.byId(task.id), task)
      return E.right(task)
    })
    assert.ok(E.isRight(result))
    assert.equal(await commit(h.uow, (s) => s.tasks.byId(result.right.id)), result.right)
    assert.equal(await commit(h.uow, (s) => s.members.owners(project.id)), [membership(project.id, owner.id, 'owner')])
  })

  uow('a Left rolls back every write of every store, audit entries included', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const before = await commit(h.uow, async (s) => ({
      task: await s.tasks.insert(newTask(project.id)),
      token: await (async () => { const t = newToken(project.id, owner.id); await s.tokens.insert(t); return t })(),
    }))
    const probe = { worker: newHuman(), project: newProject({ ownerId: owner.id }), token: newToken(project.id, owner.id) }
    await rollback(h.uow, async (s) => {
      const worker = await s.workers.insert(probe.worker)
      const p = await s.projects.insert(probe.project)
      await s.members.insert(membership(project.id, worker.id))
      await s.members.update(membership(project.id, owner.id, 'viewer'))
      const task = await s.tasks.insert(newTask(project.id, { title: 'rolled back' }))
      await s.tasks.update({ ...before.task, title: 'changed', version: 2 }, 1)
      await s.links.insert(newLink(project.id, task.id, { externalId: 'RB' }))
      await s.tokens.insert(probe.token)
      await s.tokens.update({ ...before.token, revokedAt: at(1) })
      await s.projects.update({ ...project, name: 'rolled back' })
      await s.workers.update({ ...owner, name: 'rolled back' })
      await s.audit.append(auditEntry({ type: 'human', id: owner.id }, project.id, 'task', task.id, 'created', {}, T0))
      await s.audit.append(auditEntry({ type: 'human', id: owner.id }, p.id, 'project', p.id, 'created', {}, T0))
    })
    await commit(h.uow, async (s) => {
      assert.is(await s.workers.byHandle(probe.worker.handle), undefined)
      assert.is(await s.projects.bySlug(probe.project.slug), undefined)
      assert.equal((await s.members.list(project.id, { limit: 10 })).map((m) => [m.workerId, m.role]), [[owner.id, 'owner']])
      assert.is(await s.tasks.countInProject(project.id), 1)
      assert.equal(await s.tasks.byId(before.task.id), before.task)
      assert.is(await s.links.find(project.id, 'jira', 'RB'), undefined)
      assert.is(await s.tokens.byId(probe.token.id), undefined)
      assert.equal(await s.tokens.byId(before.token.id), before.token)
      assert.equal(await s.projects.byId(project.id), project)
      assert.equal(await s.workers.byId(owner.id), owner)
      assert.equal(await s.audit.forProject(project.id, {}, { limit: 10 }), [])
      assert.equal(await s.audit.byActor(String(owner.id), 'all', { limit: 10 }), [])
    })
  })

  uow('a throw rolls back and the same error reaches the caller', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    const boom = new Error('boom')
    const error = await rejection(() => h.uow.run(async (s) => {
      await s.tasks.insert(newTask(project.id, { title: 'thrown' }))
      await s.audit.append(auditEntry({ type: 'human', id: owner.id }, project.id, 'project', project.id, 'updated', {}, T0))
      await s.projects.update({ ...project, name: 'thrown' })
      throw boom
    }))
    assert.is(error, boom)
    await commit(h.uow, async (s) => {
      assert.is(await s.tasks.countInProject(project.id), 0)
      assert.equal(await s.audit.forProject(project.id, {}, { limit: 10 }), [])
      assert.equal(await s.projects.byId(project.id), project)
    })
  })

  uow('a store failure inside a transaction (a unique violation) rolls back its earlier writes too', async ({ h }) => {
    const { project, owner } = await seed(h.uow)
    await throwsUnique('project_slug', () => commit(h.uow, async (s) => {
      await s.tasks.insert(newTask(project.id))
      await s.audit.append(auditEntry({ type: 'human', id: owner.id }, project.id, 'task', 1, 'created', {}, T0))
      await s.projects.insert(newProject({ ownerId: owner.id, slug: project.slug }))
    }))
    await commit(h.uow, async (s) => {
      assert.is(await s.tasks.countInProject(project.id), 0)
      assert.equal(await s.audit.forProject(project.id, {}, { limit: 10 }), [])
    })
  })

  uow('writes are not visible to another transaction before they commit', async ({ h }) => {
    const { project } = await seed(h.uow)
    const draft = newTask(project.id, { title: 'uncommitted' })
    let inserted!: () => void
    const insertedSignal = new Promise<void>((resolve) => { inserted = resolve })
    const writer = rollback(h.uow, async (s) => {
      await s.tasks.insert(draft)
      inserted()
      await new Promise((resolve) => setTimeout(resolve, 50))
    })
    // The reader starts once the writer has written, and whenever it runs, it never sees the uncommitted row.
    await Promise.race([insertedSignal, writer])
    const seen = await commit(h.uow, async (s) => (await s.tasks.list(project.id, { q: 'uncommitted' }, { limit: 10 })).length)
    await writer
    assert.is(seen, 0)
    assert.is(await commit(h.uow, (s) => s.tasks.countInProject(project.id)), 0)
  })

  uow.run()
}
