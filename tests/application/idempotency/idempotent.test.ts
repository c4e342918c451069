// Idempotency keys as a use case, on the in-memory adapters: the answer is kept with the change in one
// transaction, a repeat gets it back and changes nothing, another request under the key is refused, and the
// answers that must not be kept (5xx, 401, 429) are not.
import * as E from 'fp-ts/lib/Either.js'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_RETENTION_MS, type IdempotentResponse } from '../../../src/application/index.js'
import { ephemeralCipher } from '../../../src/adapters/system/index.js'
import { fixture, right } from '../../support/app-fixture.js'

const it = suite('Idempotency keys (use case)')

const request = (key: string, fingerprint = 'f1') => ({ scope: 'worker:1', key, fingerprint })
const ok = (body: unknown, status = 201): IdempotentResponse => ({ status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })

const setup = async () => {
  const f = fixture({ cipher: ephemeralCipher() })
  const alice = await f.human('alice')
  const pid = await f.project(alice, 'idem')
  const tasks = () => f.adapters.db.snapshot().tasks.size
  return { f, alice, pid, tasks }
}

it('the first request runs; a repeat gets its answer again and runs nothing', async () => {
  const { f, alice, pid, tasks } = await setup()
  let runs = 0
  const create = async () => {
    runs += 1
    const view = right(await f.tp.tasks.create(alice, pid, { title: 'Once' }))
    return ok({ id: view.task.id })
  }
  const first = await f.tp.idempotency.run(request('k-1'), create)
  assert.is(first.kind, 'processed')
  const again = await f.tp.idempotency.run(request('k-1'), create)
  assert.equal(again, { kind: 'replayed', response: first.kind === 'processed' ? first.response : undefined })
  assert.is(runs, 1)
  assert.is(tasks(), 1)
  assert.is(f.adapters.db.snapshot().audit.filter((e) => e.entityType === 'task' && e.action === 'created').length, 1)
})

it('the same key for another request is refused; another scope or key is another request', async () => {
  const { f } = await setup()
  await f.tp.idempotency.run(request('k-2', 'f1'), async () => ok({ n: 1 }))
  assert.equal(await f.tp.idempotency.run(request('k-2', 'f2'), async () => ok({ n: 2 })), { kind: 'reused' })
  const other = await f.tp.idempotency.run({ ...request('k-2', 'f2'), scope: 'worker:2' }, async () => ok({ n: 3 }))
  assert.is(other.kind, 'processed')
  assert.is((await f.tp.idempotency.run(request('k-3', 'f2'), async () => ok({ n: 4 }))).kind, 'processed')
})

it('a refusal is kept; 5xx, 401 and 429 are not, and the change they made stays (as without a key)', async () => {
  const { f } = await setup()
  await f.tp.idempotency.run(request('k-400'), async () => ok({ error: 'validation_error' }, 400))
  assert.is((await f.tp.idempotency.run(request('k-400'), async () => ok({}, 201))).kind, 'replayed')
  for (const status of [500, 502, 503, 401, 429]) {
    let runs = 0
    const answer = async () => {
      runs += 1
      return ok({ status }, status)
    }
    const first = await f.tp.idempotency.run(request(`k-${status}`), answer)
    assert.equal(first, { kind: 'processed', response: ok({ status }, status), stored: false })
    assert.is((await f.tp.idempotency.run(request(`k-${status}`), answer)).kind, 'processed')
    assert.is(runs, 2, String(status))
  }
  assert.is(f.adapters.db.snapshot().idempotency.size, 1)
})

it('a request that throws keeps neither its change nor its key, and can be retried with the key', async () => {
  const { f, alice, pid, tasks } = await setup()
  await f.tp.idempotency.run(request('k-throw'), async () => {
    right(await f.tp.tasks.create(alice, pid, { title: 'Rolled back' }))
    throw new Error('crash after the change')
  }).then(() => assert.unreachable('must throw'), (error: Error) => assert.is(error.message, 'crash after the change'))
  assert.is(tasks(), 0)
  assert.is(f.adapters.db.snapshot().idempotency.size, 0)
  assert.is(f.adapters.db.snapshot().audit.filter((e) => e.entityType === 'task').length, 0)
  const retried = await f.tp.idempotency.run(request('k-throw'), async () => ok({ id: right(await f.tp.tasks.create(alice, pid, { title: 'Kept' })).task.number }))
  assert.is(retried.kind, 'processed')
  // The rolled-back number is given again: no gap.
  assert.equal(retried.kind === 'processed' && JSON.parse(retried.response.body ?? ''), { id: 1 })
})

it('a use case refused inside the request is undone alone; the request and its answer still commit', async () => {
  const { f, alice, pid, tasks } = await setup()
  const projects = f.adapters.db.snapshot().projects.size
  const outcome = await f.tp.idempotency.run(request('k-nested'), async () => {
    right(await f.tp.tasks.create(alice, pid, { title: 'Kept' }))
    const refused = await f.tp.projects.create(alice, { slug: 'idem', name: 'Taken slug' })
    assert.ok(E.isLeft(refused))
    return ok({ refused: true }, 409)
  })
  assert.is(outcome.kind, 'processed')
  assert.is(tasks(), 1)
  assert.is(f.adapters.db.snapshot().projects.size, projects)
  assert.is((await f.tp.idempotency.run(request('k-nested'), async () => ok({}))).kind, 'replayed')
})

it('answers are sealed at rest when there is a cipher (they may carry a secret shown once)', async () => {
  const { f } = await setup()
  const secret = 'a'.repeat(64)
  const first = await f.tp.idempotency.run(request('k-secret'), async () => ok({ token: secret }))
  const [stored] = [...f.adapters.db.snapshot().idempotency.values()]
  assert.ok(stored?.sealed)
  assert.not.ok(stored?.response.includes(secret))
  assert.equal(await f.tp.idempotency.run(request('k-secret'), async () => ok({})), { kind: 'replayed', response: first.kind === 'processed' ? first.response : undefined })
  const plain = fixture({ cipher: undefined })
  await plain.tp.idempotency.run(request('k-plain'), async () => ok({ n: 1 }))
  assert.is([...plain.adapters.db.snapshot().idempotency.values()][0]?.sealed, false)
})

it('after 24 hours a key is new again, and the cleanup deletes what expired, in batches', async () => {
  const { f } = await setup()
  for (let i = 0; i < 7; i += 1) await f.tp.idempotency.run(request(`old-${i}`), async () => ok({ i }))
  f.clock.advance(IDEMPOTENCY_RETENTION_MS - 1)
  await f.tp.idempotency.run(request('young'), async () => ok({}))
  assert.is((await f.tp.idempotency.run(request('old-0', 'other'), async () => ok({}))).kind, 'reused')
  f.clock.advance(1)
  assert.is((await f.tp.idempotency.run(request('old-1', 'other'), async () => ok({ again: true }))).kind, 'processed')
  f.clock.advance(1)
  assert.is(await f.tp.idempotency.purge({ batch: 2 }), 6)
  assert.equal([...f.adapters.db.snapshot().idempotency.values()].map((r) => r.key).sort(), ['old-1', 'young'])
  assert.is(await f.tp.idempotency.purge({ batch: 2 }), 0)
})

it('a key is 1..255 visible ASCII characters', () => {
  for (const key of ['a', 'x'.repeat(255), '!~', 'uuid:0b7c-44e1', '{"json":1}']) assert.ok(IDEMPOTENCY_KEY_PATTERN.test(key), key)
  for (const key of ['', 'x'.repeat(256), 'has space', 'tab\t', 'é', 'line\n', '\u0000']) assert.not.ok(IDEMPOTENCY_KEY_PATTERN.test(key), JSON.stringify(key))
})

it.run()
