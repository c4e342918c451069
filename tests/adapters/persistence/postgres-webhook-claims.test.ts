// What only PostgreSQL guarantees for outgoing webhooks: claims made at the same time from different
// connections and instances (two pools on one database) never lease a delivery twice and never put more than
// `perEndpoint` attempts in flight per endpoint; an expired lease passes to a new claim and the old one can no
// longer write; inactive endpoints are never claimed; and the outbox write costs one statement.
import * as E from 'fp-ts/lib/Either.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { ClaimedDelivery, ClaimRequest, OutboxEvent, Stores, StoredDelivery, UnitOfWork } from '../../../src/application/index.js'
import type { WebhookEndpoint } from '../../../src/domain/index.js'
import { openDatabase } from '../../../src/adapters/persistence/mikro-orm/index.js'
import { freshDatabase, type TestDatabase } from '../../support/postgres.js'
import { newDelivery, newEndpoint, newEvent, seed, uuid } from './store-contract.js'

type Database = Awaited<ReturnType<typeof openDatabase>>

interface Context {
  database: TestDatabase
  /** Two instances: each its own MikroORM and pool. */
  one: Database
  two: Database
  statements: number[]
  projectId: number
  ownerId: number
}

const NOW = new Date('2026-12-01T12:00:00.000Z')
const LEASE = new Date(NOW.getTime() + 60_000)
let tokens = 0

const it = suite<Context>('postgres: webhook claims')

it.before.each(async (ctx) => {
  ctx.statements = []
  ctx.database = await freshDatabase()
  ctx.one = await openDatabase(ctx.database.url, { onStatements: (n) => ctx.statements.push(n) })
  ctx.two = await openDatabase(ctx.database.url)
  const { project, owner } = await seed(ctx.one.uow)
  ctx.projectId = project.id
  ctx.ownerId = owner.id
})

it.after.each(async (ctx) => {
  await ctx.one.close()
  await ctx.two.close()
  await ctx.database.drop()
})

const commit = async <A>(uow: UnitOfWork, work: (s: Stores) => Promise<A>): Promise<A> => {
  const result = await uow.run(async (s) => E.right(await work(s)))
  if (E.isLeft(result)) throw new Error('unexpected Left')
  return result.right
}

const raw = async (ctx: Context, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> =>
  (await ctx.one.orm.em.getConnection().execute(sql, params)) as Record<string, unknown>[]

const claim = (uow: UnitOfWork, o: Partial<ClaimRequest> = {}): Promise<readonly ClaimedDelivery[]> =>
  commit(uow, (s) => s.webhooks.claimDue({ now: NOW, leaseUntil: LEASE, claimToken: uuid(0xd00000 + (tokens += 1)), limit: 5, perEndpoint: 3, ...o }))

const endpoints = async (ctx: Context, n: number, o: Partial<WebhookEndpoint> = {}): Promise<WebhookEndpoint[]> => {
  const made = Array.from({ length: n }, () => newEndpoint(ctx.projectId, ctx.ownerId, o))
  await commit(ctx.one.uow, async (s) => {
    for (const e of made) await s.webhooks.insertEndpoint(e)
  })
  return made
}

/** `perEndpoint` due deliveries for each endpoint (one event each, due one millisecond apart, all before NOW). */
const enqueueDue = async (ctx: Context, targets: readonly WebhookEndpoint[], perEndpoint: number): Promise<StoredDelivery[]> => {
  const events: OutboxEvent[] = []
  const deliveries: StoredDelivery[] = []
  for (let i = 0; i < perEndpoint; i += 1) {
    const event = newEvent(ctx.projectId, { createdAt: new Date(NOW.getTime() - 3_600_000 + i) })
    events.push(event)
    for (const e of targets) deliveries.push(newDelivery(e.id, event))
  }
  await commit(ctx.one.uow, (s) => s.webhooks.enqueue(events, deliveries))
  return deliveries
}

/** Leased (claimed_until after NOW) deliveries per endpoint, as the database has them. */
const leasedPerEndpoint = async (ctx: Context): Promise<Map<string, number>> =>
  new Map((await raw(ctx, 'select endpoint_id::text as id, count(*)::int as n from webhook_event_deliveries where claimed_until > ? group by endpoint_id', [NOW]))
    .map((r) => [String(r.id), Number(r.n)]))

it('8 concurrent claims over 200 due deliveries of 4 endpoints (perEndpoint 3): never more than 3 in flight per endpoint, never a delivery twice', async (ctx) => {
  const four = await endpoints(ctx, 4)
  const all = await enqueueDue(ctx, four, 50)
  assert.is(all.length, 200)
  const claimedOnce = new Set<string>()
  /** Claimed and not recorded yet: delivery id -> its claim. */
  const inFlight = new Map<string, ClaimedDelivery>()
  let rounds = 0
  while (claimedOnce.size < all.length) {
    rounds += 1
    assert.ok(rounds <= 200, `no progress after ${rounds} rounds (${claimedOnce.size} claimed)`)
    // Eight claims at once, from both instances, each on its own connection.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => claim(i % 2 ? ctx.two.uow : ctx.one.uow, { limit: 5, perEndpoint: 3 })))
    for (const c of results.flat()) {
      assert.not.ok(claimedOnce.has(c.delivery.id), `delivery ${c.delivery.id} claimed twice`)
      claimedOnce.add(c.delivery.id)
      inFlight.set(c.delivery.id, c)
    }
    const mine = new Map<string, number>()
    for (const c of inFlight.values()) mine.set(c.endpoint.id, (mine.get(c.endpoint.id) ?? 0) + 1)
    for (const [endpoint, n] of mine) assert.ok(n <= 3, `endpoint ${endpoint} has ${n} in flight in round ${rounds}`)
    assert.equal(await leasedPerEndpoint(ctx), mine)
    if (results.flat().length === 0) {
      // Nothing claimed: then no endpoint has both room and deliveries left.
      for (const e of four) {
        const left = all.filter((d) => d.endpointId === e.id && !claimedOnce.has(d.id)).length
        assert.ok(left === 0 || (mine.get(e.id) ?? 0) === 3, `round ${rounds} claimed nothing though ${e.id} has room and ${left} due`)
      }
    }
    // Record about half of the attempts in flight (concurrently, from both instances); the rest stay leased.
    const done = [...inFlight.values()].filter((_, i) => i % 2 === 0 || inFlight.size < 4)
    const recorded = await Promise.all(done.map((c, i) => commit(i % 2 ? ctx.two.uow : ctx.one.uow, (s) =>
      s.webhooks.updateDelivery({ ...c.delivery, status: 'succeeded', attempts: 1, nextAttemptAt: null, lastStatusCode: 204, deliveredAt: NOW }, c.claimToken))))
    assert.ok(recorded.every(Boolean))
    for (const c of done) inFlight.delete(c.delivery.id)
  }
  assert.is(claimedOnce.size, 200)
  console.log(`    200 deliveries claimed in ${rounds} rounds of 8 concurrent claims`)
})

it('a claim skips the endpoints another open transaction holds, without waiting, and then counts that claim\'s leases', async (ctx) => {
  const [a, b] = await endpoints(ctx, 2)
  assert.ok(a && b)
  await enqueueDue(ctx, [a, b], 10)
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let first!: (claimed: readonly ClaimedDelivery[]) => void
  const firstClaimed = new Promise<readonly ClaimedDelivery[]>((resolve) => { first = resolve })
  // Instance one claims one delivery (so it locks one endpoint, a: the oldest due, then the lower id) and keeps
  // its transaction open.
  const holder = commit(ctx.one.uow, async (s) => {
    const claimed = await s.webhooks.claimDue({ now: NOW, leaseUntil: LEASE, claimToken: uuid(0xe1), limit: 1, perEndpoint: 3 })
    first(claimed)
    await held
    return claimed
  })
  const mine = await firstClaimed
  assert.equal(mine.map((c) => c.endpoint.id), [a.id])
  const started = Date.now()
  const other = await claim(ctx.two.uow, { limit: 10, perEndpoint: 3 })
  assert.ok(Date.now() - started < 2_000, 'the second claim waited for the first one')
  assert.equal(other.map((c) => c.endpoint.id), [b.id, b.id, b.id])
  release()
  await holder
  // Committed: a has 1 in flight and room for 2, b is full.
  assert.equal((await claim(ctx.two.uow, { limit: 10, perEndpoint: 3 })).map((c) => c.endpoint.id), [a.id, a.id])
  assert.equal(await claim(ctx.one.uow, { limit: 10, perEndpoint: 3 }), [])
  assert.is((await claim(ctx.two.uow, { limit: 10, perEndpoint: 4 })).length, 2)
  assert.equal(await leasedPerEndpoint(ctx), new Map([[a.id, 4], [b.id, 4]]))
})

it('an expired lease is claimed again by another instance with a new token; the old token\'s update returns false and writes nothing', async (ctx) => {
  const [a] = await endpoints(ctx, 1)
  assert.ok(a)
  const [d] = await enqueueDue(ctx, [a], 1)
  assert.ok(d)
  const old = uuid(0xe01)
  const renewed = uuid(0xe02)
  const [first] = await claim(ctx.one.uow, { claimToken: old, leaseUntil: new Date(NOW.getTime() + 1_000) })
  assert.is(first?.delivery.id, d.id)
  assert.equal(await claim(ctx.two.uow, { now: new Date(NOW.getTime() + 999) }), [])
  const later = new Date(NOW.getTime() + 2_000)
  const [second] = await claim(ctx.two.uow, { now: later, leaseUntil: new Date(later.getTime() + 60_000), claimToken: renewed })
  assert.is(second?.delivery.id, d.id)
  assert.is(second?.claimToken, renewed)
  const [row] = await raw(ctx, 'select claim_token::text as token, claimed_until from webhook_event_deliveries where id = ?', [d.id])
  assert.is(row?.token, renewed)
  const late: StoredDelivery = { ...d, status: 'failed', attempts: 1, nextAttemptAt: null, lastStatusCode: 500, lastError: 'late' }
  assert.is(await commit(ctx.one.uow, (s) => s.webhooks.updateDelivery(late, old)), false)
  assert.equal(await commit(ctx.one.uow, (s) => s.webhooks.delivery(d.id)), d)
  const fresh: StoredDelivery = { ...d, status: 'succeeded', attempts: 1, nextAttemptAt: null, lastStatusCode: 200, deliveredAt: later }
  assert.is(await commit(ctx.two.uow, (s) => s.webhooks.updateDelivery(fresh, renewed)), true)
  assert.equal(await commit(ctx.one.uow, (s) => s.webhooks.delivery(d.id)), fresh)
  const [released] = await raw(ctx, 'select claim_token, claimed_until from webhook_event_deliveries where id = ?', [d.id])
  assert.equal(released, { claim_token: null, claimed_until: null })
})

it('deliveries of an inactive endpoint are never claimed, also by 8 concurrent claims', async (ctx) => {
  const [off] = await endpoints(ctx, 1, { isActive: false, disabledReason: 'the endpoint answered 410 Gone' })
  const [on] = await endpoints(ctx, 1)
  assert.ok(off && on)
  await enqueueDue(ctx, [off, on], 10)
  const results = (await Promise.all(Array.from({ length: 8 }, (_, i) => claim(i % 2 ? ctx.two.uow : ctx.one.uow, { limit: 10, perEndpoint: 10 })))).flat()
  assert.is(results.length, 10)
  assert.ok(results.every((c) => c.endpoint.id === on.id))
  const [row] = await raw(ctx, 'select count(*)::int as n from webhook_event_deliveries where endpoint_id = ? and claim_token is not null', [off.id])
  assert.is(row?.n, 0)
})

it('statements: enqueue of an event with 3 deliveries 1, nothing to enqueue 0, a claim 2 (1 when nothing is due), a recorded attempt 1 + 1', async (ctx) => {
  const three = await endpoints(ctx, 3)
  const event = newEvent(ctx.projectId, { createdAt: new Date(NOW.getTime() - 1_000) })
  ctx.statements.length = 0
  await commit(ctx.one.uow, (s) => s.webhooks.enqueue([event], three.map((e) => newDelivery(e.id, event))))
  await commit(ctx.one.uow, (s) => s.webhooks.enqueue([], []))
  assert.equal(ctx.statements, [1, 0])
  ctx.statements.length = 0
  const claimed = await claim(ctx.one.uow, { limit: 10 })
  assert.is(claimed.length, 3)
  await claim(ctx.one.uow, { limit: 10 })
  assert.equal(ctx.statements, [2, 1])
  ctx.statements.length = 0
  const [c] = claimed
  assert.ok(c)
  await commit(ctx.one.uow, async (s) => {
    await s.webhooks.updateDelivery({ ...c.delivery, status: 'succeeded', attempts: 1, nextAttemptAt: null, deliveredAt: NOW }, c.claimToken)
    await s.webhooks.addAttempt(c.delivery.id, { at: NOW, statusCode: 204, durationMs: 4, error: null, responseExcerpt: '' })
  })
  assert.equal(ctx.statements, [2])
  const [rows] = await raw(ctx, 'select (select count(*)::int from webhook_events) as events, (select count(*)::int from webhook_event_deliveries) as deliveries')
  assert.equal(rows, { events: 1, deliveries: 3 })
})

it.run()
