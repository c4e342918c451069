// Who is calling: what the HTTP layer authenticated (a principal), and the worker it resolves to.
import type { AuditActor, Worker } from '../domain/index.js'

/** An authenticated identity, before it is resolved to a worker. */
export type Principal =
  | {
      readonly kind: 'user'
      /** SSO subject. */
      readonly userId: string
      readonly email?: string
      readonly name?: string
      /** JWT `role: "admin"`: acts as owner in every project. */
      readonly platformAdmin?: boolean
    }
  | { readonly kind: 'agent'; readonly handle: string }

/** A resolved caller: every worker-facing use case takes one. */
export interface Caller {
  readonly worker: Worker
  readonly platformAdmin: boolean
}

export const actorOf = (caller: Caller): AuditActor => ({ type: caller.worker.type, id: caller.worker.id })
