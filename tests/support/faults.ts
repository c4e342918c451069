// A unit of work that can be told to fail one store call, to prove that a use case's writes and its audit
// entry commit together or not at all.
import type { Stores, UnitOfWork } from '../../src/application/index.js'

export interface FaultyUnitOfWork extends UnitOfWork {
  /** The next transactions throw when they call `stores.audit.append` (until `heal()`). */
  failAuditWrites(): void
  /** The next transactions throw right after `stores.audit.append` succeeded (a failure after the audit write). */
  failAfterAuditWrites(): void
  /** The next transactions throw when they write outgoing-webhook events (`stores.webhooks.enqueue`). */
  failEventWrites(): void
  heal(): void
}

export const faulty = (inner: UnitOfWork): FaultyUnitOfWork => {
  let failing: 'audit' | 'after-audit' | 'events' | undefined
  const wrap = (stores: Stores): Stores => {
    if (failing === 'audit') return { ...stores, audit: { ...stores.audit, append: async () => { throw new Error('injected audit failure') } } }
    if (failing === 'after-audit') {
      return { ...stores, audit: { ...stores.audit, append: async (entry) => { await stores.audit.append(entry); throw new Error('injected failure after the audit write') } } }
    }
    if (failing === 'events') return { ...stores, webhooks: { ...stores.webhooks, enqueue: async () => { throw new Error('injected event write failure') } } }
    return stores
  }
  return {
    run: (work) => inner.run((stores) => work(wrap(stores))),
    failAuditWrites: () => { failing = 'audit' },
    failAfterAuditWrites: () => { failing = 'after-audit' },
    failEventWrites: () => { failing = 'events' },
    heal: () => { failing = undefined },
  }
}
