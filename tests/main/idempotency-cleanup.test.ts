// The cleanup of expired idempotency keys that `npm start` runs (and embedding hosts start themselves): a sweep
// deletes the keys older than 24 hours in batches, keeps the younger ones, and stop() waits for a sweep under way.
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openDatabase } from '../../src/adapters/persistence/mikro-orm/index.js'
import { createIdempotencyCleanup } from '../../src/main/idempotency-cleanup.js'
import { freshDatabase } from '../support/postgres.js'

test('sweeps delete what expired (in batches), keep the rest; a started cleanup sweeps by itself', async () => {
  const database = await freshDatabase()
  const db = await openDatabase(database.url)
  try {
    const now = Date.now()
    const save = (key: string, ageMs: number) =>
      db.uow.run(async (s) => E.right(await s.idempotency.save({ scope: 'worker:1', key, fingerprint: 'f', response: '{}', sealed: false, createdAt: new Date(now - ageMs) })))
    for (let i = 0; i < 1_203; i += 1) await save(`old-${i}`, 25 * 3600 * 1000)
    await save('young', 23 * 3600 * 1000)
    const count = async () => Number((await db.orm.em.getConnection().execute<{ n: string }[]>('select count(*) as n from idempotency_keys'))[0]?.n)
    const cleanup = createIdempotencyCleanup({ uow: db.uow })
    assert.is(await cleanup.sweep(), 1_203)
    assert.is(await count(), 1)
    assert.is(await cleanup.sweep(), 0)

    await save('old-again', 25 * 3600 * 1000)
    const warnings: string[] = []
    const started = createIdempotencyCleanup({ uow: db.uow, firstAfterMs: 0, intervalMs: 60_000, logger: { warn: (_f, m) => warnings.push(m) } })
    started.start()
    // Bounded, so that a cleanup that never sweeps fails here instead of hanging the suite.
    for (let i = 0; i < 1_000 && (await count()) > 1; i += 1) await new Promise((resolve) => setTimeout(resolve, 10))
    await started.stop()
    assert.equal(warnings, [])
    const left = await db.orm.em.getConnection().execute<{ key: string }[]>('select key from idempotency_keys')
    assert.equal(left.map((r) => r.key), ['young'])
  } finally {
    await db.close()
    await database.drop()
  }
})

test.run()
