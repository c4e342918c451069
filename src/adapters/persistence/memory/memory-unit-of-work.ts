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
})

/** A store whose delete also does what the webhook tables' foreign keys do on PostgreSQL (CASCADE, SET NULL). */
const withWebhookCascade = <S extends { delete(id: number): Promise<void> }>(store: S, cascade: (id: number) => void): S => ({
  ...store,
  delete: async (id: number) => {
    await store.delete(id)
    cascade(id)
  },
})

/** Serializable transactions: one at a time, committed on Right, rolled back on Left or on a throw. */
export const memoryUnitOfWork = (db: MemoryDb): UnitOfWork => ({
  run: (work) => db.transaction((tables) => work(memoryStores(db, tables)), E.isRight),
})
