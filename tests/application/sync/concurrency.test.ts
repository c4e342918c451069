// Inbound task-sync under concurrency: idempotent repeats, gapless numbers, retries after lost races, atomic commits.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConcurrentUpdate, UniqueViolation, type UnitOfWork } from '../../../src/application/index.js'
import { createTaskport } from '../../../src/main/create-taskport.js'
import { left, right, type Fixture } from '../../support/app-fixture.js'
import { auditOf, db, setup, taskOf } from './sync-fixture.js'

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

/**
 * Another lost race, as the store itself reports it: before the first attempt, another push of the same item
 * commits; the first attempt reads no link (as if it read before that commit), so its insert hits the unique key.
 */
const racing = (inner: UnitOfWork, winner: () => Promise<unknown>): UnitOfWork => {
  let raced = false
  return {
    run: async (work) => {
      if (raced) return inner.run(work)
      raced = true
      await winner()
      return inner.run((stores) => work({ ...stores, links: { ...stores.links, find: async () => undefined } }))
    },
  }
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

  // The same when the unique key of the store refuses the insert: the winner committed first, the loser missed its link.
  const other = await setup()
  const storePayload = { source: 'jira' as const, externalId: 'R-1', name: 'winner' }
  const storeRace = createTaskport({
    ...other.f.adapters,
    uow: racing(other.f.adapters.uow, () => other.f.tp.sync({ projectId: other.pid, rawToken: other.raw, payload: storePayload })),
  })
  const late = right(await storeRace.sync({ projectId: other.pid, rawToken: other.raw, payload: { ...storePayload, name: 'loser' } }))
  assert.not.ok(late.created)
  const stored = db(other.f)
  assert.is(stored.links.size, 1)
  assert.is(stored.tasks.size, 1)
  assert.equal([...stored.tasks.values()].map((x) => x.title), ['loser'])
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
