// A unit of work that can be told to fail one store call, to prove that a use case's writes and its audit
// entry commit together or not at all.
import type { Stores, UnitOfWork } from '../../src/application/index.js'

export interface FaultyUnitOfWork extends UnitOfWork {
  /** The next transactions throw when they call `stores.audit.append` (until `heal()`). */
  failAuditWrites(): void
  heal(): void
}

export const faulty = (inner: UnitOfWork): FaultyUnitOfWork => {
  let failing = false
  const wrap = (stores: Stores): Stores =>
    failing
      ? { ...stores, audit: { ...stores.audit, append: async () => { throw new Error('injected audit failure') } } }
      : stores
  return {
    run: (work) => inner.run((stores) => work(wrap(stores))),
    failAuditWrites: () => { failing = true },
    heal: () => { failing = false },
  }
}
