// What Idempotency-Key needs of the units of work and the idempotency store, on PostgreSQL and in memory: a run
// inside a run joins its transaction as a savepoint (undone alone on Left or a throw), reads inside a run see its
// writes, a task that outlives the run opens its own transaction; on PostgreSQL, a held key is refused to a
// second transaction without waiting, and the cleanup skips rows in use instead of waiting for them.
import * as E from 'fp-ts/lib/Either.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Stores, UnitOfWork } from '../../../src/application/index.js'
import { MemoryDb, memoryUnitOfWork } from '../../../src/adapters/persistence/memory/index.js'
import { openDatabase } from '../../../src/adapters/persistence/mikro-orm/index.js'
import { freshDatabase } from '../../support/postgres.js'

const record = (key: string, createdAt: Date) => ({ scope: 'worker:1', key, fingerprint: 'f', response: '{}', sealed: false, createdAt })
const keys = async (uow: UnitOfWork): Promise<string[]> => {
  const found: string[] = []
  await uow.run(async (s) => {
    for (const k of ['outer', 'inner', 'left', 'thrown', 'late']) if (await s.idempotency.find('worker:1', k)) found.push(k)
    return E.right(undefined)
  })
  return found
}

const nesting = (name: string, open: () => Promise<{ uow: UnitOfWork; close(): Promise<void> }>) => {
  const it = suite<{ uow: UnitOfWork; close(): Promise<void> }>(`Nested units of work (${name})`)
  it.before(async (ctx) => {
    Object.assign(ctx, await open())
  })
  it.after(async (ctx) => ctx.close())

  it('inner runs are savepoints: a Left or a throw undoes only its own writes; all commit with the outer run', async ({ uow }) => {
    const now = new Date()
    const outcome = await uow.run(async (s) => {
      await s.idempotency.save(record('outer', now))
      assert.ok(E.isRight(await uow.run(async (inner) => {
        await inner.idempotency.save(record('inner', now))
        return E.right(1)
      })))
      assert.ok(E.isLeft(await uow.run(async (inner) => {
        await inner.idempotency.save(record('left', now))
        return E.left('refused')
      })))
      await uow.run(async (inner) => {
        await inner.idempotency.save(record('thrown', now))
        throw new Error('inner failure')
      }).then(() => assert.unreachable(), (error: Error) => assert.is(error.message, 'inner failure'))
      // The outer transaction is still usable, and a read inside it sees its writes.
      const read = uow.read ?? uow.run
      const seen = await read.call(uow, async (r: Stores) => E.right(Boolean(await r.idempotency.find('worker:1', 'inner'))))
      assert.equal(seen, E.right(true))
      return E.right('done')
    })
    assert.equal(outcome, E.right('done'))
    assert.equal(await keys(uow), ['outer', 'inner'])
  })

  it('an outer run that fails undoes the inner runs too; a task started in it that runs later has its own transaction', async ({ uow }) => {
    const now = new Date()
    let late: Promise<unknown> | undefined
    await uow.run(async (s) => {
      await uow.run(async (inner) => {
        await inner.idempotency.save(record('thrown', now))
        return E.right(undefined)
      })
      await s.idempotency.purge(new Date(now.getTime() + 1), 100)
      late = new Promise((resolve) => setTimeout(resolve, 5)).then(() => uow.run(async (own) => {
        await own.idempotency.save(record('late', now))
        return E.right(undefined)
      }))
      throw new Error('outer failure')
    }).then(() => assert.unreachable(), (error: Error) => assert.is(error.message, 'outer failure'))
    assert.equal(await late, E.right(undefined))
    // The purge inside the failed run was undone with it; the late task committed on its own.
    assert.equal(await keys(uow), ['outer', 'inner', 'late'])
  })
  it.run()
}

nesting('in memory', async () => ({ uow: memoryUnitOfWork(new MemoryDb()), close: async () => undefined }))

nesting('PostgreSQL', async () => {
  const database = await freshDatabase()
  const db = await openDatabase(database.url)
  return { uow: db.uow, close: async () => { await db.close(); await database.drop() } }
})

const pg = suite<{ uow: UnitOfWork; close(): Promise<void> }>('Idempotency keys on PostgreSQL')
pg.before(async (ctx) => {
  const database = await freshDatabase()
  const db = await openDatabase(database.url)
  ctx.uow = db.uow
  ctx.close = async () => {
    await db.close()
    await database.drop()
  }
})
pg.after(async (ctx) => ctx.close())

/** Runs `work` in a transaction that stays open until the returned release() is called. */
const holding = async (uow: UnitOfWork, work: (s: Stores) => Promise<unknown>) => {
  let release!: () => void
  let ready!: () => void
  const started = new Promise<void>((resolve) => (ready = resolve))
  const done = uow.run(async (s) => {
    await work(s)
    ready()
    await new Promise<void>((resolve) => (release = resolve))
    return E.right(undefined)
  })
  await started
  return { release: async () => { release(); await done } }
}

pg('a key held by one transaction is refused to another at once, and free again after its commit', async ({ uow }) => {
  const first = await holding(uow, async (s) => assert.is(await s.idempotency.hold('worker:7', 'k'), true))
  try {
    assert.equal(await uow.run(async (s) => E.right(await s.idempotency.hold('worker:7', 'k'))), E.right(false))
    assert.equal(await uow.run(async (s) => E.right(await s.idempotency.hold('worker:8', 'k'))), E.right(true))
    assert.equal(await uow.run(async (s) => E.right(await s.idempotency.hold('worker:7', 'k2'))), E.right(true))
  } finally {
    await first.release()
  }
  assert.equal(await uow.run(async (s) => E.right(await s.idempotency.hold('worker:7', 'k'))), E.right(true))
})

pg('the cleanup deletes expired keys in batches and skips a row another transaction holds, without waiting', async ({ uow }) => {
  const old = new Date(Date.now() - 25 * 3600 * 1000)
  await uow.run(async (s) => {
    for (const k of ['e1', 'e2', 'e3', 'e4']) await s.idempotency.save({ ...record(k, old), scope: 'worker:9' })
    await s.idempotency.save({ ...record('fresh', new Date()), scope: 'worker:9' })
    return E.right(undefined)
  })
  const before = new Date(Date.now() - 24 * 3600 * 1000)
  // A request replacing the expired e1 holds its row (the upsert's row lock) while it runs.
  const busy = await holding(uow, (s) => s.idempotency.save({ ...record('e1', new Date()), scope: 'worker:9' }))
  try {
    assert.equal(await uow.run(async (s) => E.right(await s.idempotency.purge(before, 2))), E.right(2))
    assert.equal(await uow.run(async (s) => E.right(await s.idempotency.purge(before, 2))), E.right(1))
    assert.equal(await uow.run(async (s) => E.right(await s.idempotency.purge(before, 2))), E.right(0))
  } finally {
    await busy.release()
  }
  const left = await uow.run(async (s) => E.right(await Promise.all(['e1', 'e2', 'e3', 'e4', 'fresh'].map((k) => s.idempotency.find('worker:9', k)))))
  assert.equal(E.isRight(left) && left.right.map((r) => r?.key ?? null), ['e1', null, null, null, 'fresh'])
})

pg.run()
