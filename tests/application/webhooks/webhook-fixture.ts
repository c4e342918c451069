// Shared by the webhook use-case tests: a project with an owner, an admin, a member and an outsider, the URL
// guard with canned DNS (no query leaves the process), and readers of the committed outbox.
import { aesGcmCipher } from '../../../src/adapters/system/index.js'
import { webhookUrlGuard } from '../../../src/main/webhook-delivery.js'
import type { Deps } from '../../../src/application/index.js'
import { fixture, right, type Fixture } from '../../support/app-fixture.js'
import { cannedLookup } from '../../support/dns.js'

export const KEY = Buffer.alloc(32, 3)

export const setup = async (overrides: Partial<Deps> = {}) => {
  const { lookup } = cannedLookup({ 'hooks.test': ['93.184.216.34'], 'evil.test': ['10.0.0.5'], 'mixed.test': ['93.184.216.34', '127.0.0.1'] })
  const notified: number[] = []
  const f = fixture({
    cipher: aesGcmCipher(KEY), urlGuard: webhookUrlGuard({ allowPrivate: false, lookup }),
    eventNotifier: { eventsCommitted: () => notified.push(1) }, ...overrides,
  })
  const owner = await f.human('wes')
  const admin = await f.human('ada')
  const member = await f.human('mia')
  const outsider = await f.human('out')
  const pid = await f.project(owner, 'hooks', [[admin, 'admin'], [member, 'member']])
  const subscribe = async (events?: string[], url = 'https://hooks.test/in') =>
    right(await f.tp.webhooks.create(admin, pid, { url, ...(events ? { events } : {}) }))
  return { f, owner, admin, member, outsider, pid, subscribe, notified }
}

export const tables = (f: Fixture) => f.adapters.db.snapshot()
export const events = (f: Fixture) => [...tables(f).webhookEvents.values()]
export const deliveries = (f: Fixture) => [...tables(f).eventDeliveries.values()]
export const bodies = (f: Fixture) => events(f).map((e) => JSON.parse(e.body))
