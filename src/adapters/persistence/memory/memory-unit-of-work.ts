import { AsyncLocalStorage } from 'node:async_hooks'
import * as E from 'fp-ts/lib/Either.js'
import type { Stores, TaskDetailRecord, UnitOfWork } from '../../../application/index.js'
import type { MemoryDb, Tables } from './memory-db.js'
import { memoryAuditLog } from './memory-audit-log.js'
import { memoryLinkStore } from './memory-link-store.js'
import { memoryMemberStore } from './memory-member-store.js'
import { memoryProjectStore } from './memory-project-store.js'
import { memoryTaskStore } from './memory-task-store.js'
import { memoryIntegrationStore } from './memory-integration-store.js'
import { memoryTokenStore } from './memory-token-store.js'
import { dropProjectWebhooks, forgetWebhookCreator, memoryWebhookStore } from './memory-webhook-store.js'
import { memoryWorkerStore } from './memory-worker-store.js'
import { memoryIdempotencyStore } from './memory-idempotency-store.js'

export const memoryStores = (db: MemoryDb, tables: Tables): Stores => {
  const stores = storesOf(db, tables)
  return { ...stores, tasks: { ...stores.tasks, detail: (id, workerId, auditSize) => detailOf(stores, id, workerId, auditSize) } }
}

/** The detail record from the other stores' reads (one round trip on PostgreSQL; no round trips here). */
const detailOf = async (stores: BaseStores, id: number, workerId: number, auditSize: number): Promise<TaskDetailRecord | undefined> => {
  const task = await stores.tasks.byId(id)
  const found = task && (await stores.projects.byIdWithMembership(task.projectId, workerId))
  if (!task || !found) return undefined
  const children = await stores.tasks.children(task.id)
  const family = [task, ...children]
  const assigneeIds = [...new Set(family.flatMap((t) => (t.assigneeId === null ? [] : [t.assigneeId])))]
  return {
    task,
    project: found.project,
    membership: found.membership,
    children,
    recentAudit: await stores.audit.recentForTask(task.id, auditSize),
    links: await stores.links.byTaskIds(family.map((t) => t.id)),
    assignees: [...(await stores.workers.byIds(assigneeIds)).values()],
  }
}

/** The stores without the one composite read. */
type BaseStores = Omit<Stores, 'tasks'> & { readonly tasks: Omit<Stores['tasks'], 'detail'> }

const storesOf = (db: MemoryDb, tables: Tables): BaseStores => ({
  projects: withWebhookCascade(memoryProjectStore(tables, db.sequences), (id) => dropProjectWebhooks(tables, id)),
  workers: withWebhookCascade(memoryWorkerStore(tables, db.sequences), (id) => forgetWebhookCreator(tables, id)),
  members: memoryMemberStore(tables),
  tasks: memoryTaskStore(tables, db.sequences),
  links: memoryLinkStore(tables, db.sequences),
  tokens: memoryTokenStore(tables),
  integrations: memoryIntegrationStore(tables),
  audit: memoryAuditLog(tables, db.sequences),
  webhooks: memoryWebhookStore(tables),
  idempotency: memoryIdempotencyStore(tables),
})

/** A store whose delete also does what the webhook tables' foreign keys do on PostgreSQL (CASCADE, SET NULL). */
const withWebhookCascade = <S extends { delete(id: number): Promise<void> }>(store: S, cascade: (id: number) => void): S => ({
  ...store,
  delete: async (id: number) => {
    await store.delete(id)
    cascade(id)
  },
})

/** The transaction a run's work is in; `open` turns false when it ends (an async task it started may outlive it). */
interface Joined {
  readonly tables: Tables
  open: boolean
}

/**
 * Serializable transactions: one at a time, committed on Right, rolled back on Left or on a throw. A run inside
 * a run's work joins it as a savepoint (it cannot wait for the queue: the outer run holds it).
 */
export const memoryUnitOfWork = (db: MemoryDb): UnitOfWork => {
  const joined = new AsyncLocalStorage<Joined>()
  return {
    run: (work) => {
      const outer = joined.getStore()
      if (outer?.open) return db.savepoint(outer.tables, (tables) => work(memoryStores(db, tables)), E.isRight)
      return db.transaction(async (tables) => {
        const context: Joined = { tables, open: true }
        try {
          return await joined.run(context, () => work(memoryStores(db, tables)))
        } finally {
          context.open = false
        }
      }, E.isRight)
    },
  }
}
