// The in-memory database: plain tables, serialized transactions that work on a copy of the tables and
// either replace the committed state (commit) or drop the copy (rollback). Ids come from sequences that,
// as in PostgreSQL, do not roll back; per-project task numbers live in the tables and do.
import type {
  ApiToken, AuditEntry, DeliveryAttempt, ExternalLink, Integration, Membership, Project, ProjectId, Task, WebhookEndpoint, Worker,
} from '../../../domain/index.js'
import type { IdempotencyRecord, OutboxEvent, StoredDelivery, WebhookDelivery } from '../../../application/index.js'

/** An outgoing delivery as stored, with the claim that holds it (both null when no runner holds it). */
export interface EventDeliveryRow extends StoredDelivery {
  readonly claimToken: string | null
  readonly claimedUntil: Date | null
}

export interface Tables {
  readonly projects: Map<number, Project>
  readonly workers: Map<number, Worker>
  /** Keyed `${projectId}:${workerId}`. */
  readonly members: Map<string, Membership>
  readonly tasks: Map<number, Task>
  /** Last task number given out per project. */
  readonly taskNumbers: Map<ProjectId, number>
  readonly links: Map<number, ExternalLink>
  readonly tokens: Map<string, ApiToken>
  readonly integrations: Map<string, Integration>
  /** Keyed `${integrationId}:${deliveryId}`. */
  readonly deliveries: Map<string, WebhookDelivery>
  /** Outgoing webhooks: endpoints by id, outbox events by id, deliveries by id, attempts by delivery id (oldest first). */
  readonly webhookEndpoints: Map<string, WebhookEndpoint>
  readonly webhookEvents: Map<string, OutboxEvent>
  readonly eventDeliveries: Map<string, EventDeliveryRow>
  readonly deliveryAttempts: Map<string, readonly DeliveryAttempt[]>
  /** Idempotency keys, keyed `${scope} ${key}` (a key has no spaces). */
  readonly idempotency: Map<string, IdempotencyRecord>
  /** Append-only. */
  readonly audit: AuditEntry[]
}

export const emptyTables = (): Tables => ({
  projects: new Map(),
  workers: new Map(),
  members: new Map(),
  tasks: new Map(),
  taskNumbers: new Map(),
  links: new Map(),
  tokens: new Map(),
  integrations: new Map(),
  deliveries: new Map(),
  webhookEndpoints: new Map(),
  webhookEvents: new Map(),
  eventDeliveries: new Map(),
  deliveryAttempts: new Map(),
  idempotency: new Map(),
  audit: [],
})

/** Rows are immutable values, so copying the maps is enough to isolate a transaction. */
const copyTables = (t: Tables): Tables => ({
  projects: new Map(t.projects),
  workers: new Map(t.workers),
  members: new Map(t.members),
  tasks: new Map(t.tasks),
  taskNumbers: new Map(t.taskNumbers),
  links: new Map(t.links),
  tokens: new Map(t.tokens),
  integrations: new Map(t.integrations),
  deliveries: new Map(t.deliveries),
  webhookEndpoints: new Map(t.webhookEndpoints),
  webhookEvents: new Map(t.webhookEvents),
  eventDeliveries: new Map(t.eventDeliveries),
  deliveryAttempts: new Map(t.deliveryAttempts),
  idempotency: new Map(t.idempotency),
  audit: [...t.audit],
})

/** Puts `saved` (a copy made by copyTables) back into `tables` in place: the stores hold references to its maps. */
const restoreTables = (tables: Tables, saved: Tables): void => {
  for (const name of Object.keys(saved) as (keyof Tables)[]) {
    const target = tables[name]
    const source = saved[name]
    if (Array.isArray(target)) target.splice(0, target.length, ...(source as AuditEntry[]))
    else {
      const map = target as Map<unknown, unknown>
      map.clear()
      for (const [k, v] of source as Map<unknown, unknown>) map.set(k, v)
    }
  }
}

export interface Sequences {
  next(name: 'project' | 'worker' | 'task' | 'link' | 'audit'): number
}

export class MemoryDb {
  private committed: Tables = emptyTables()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly counters = new Map<string, number>()

  readonly sequences: Sequences = {
    next: (name) => {
      const value = (this.counters.get(name) ?? 0) + 1
      this.counters.set(name, value)
      return value
    },
  }

  /** Runs `work` on a private copy of the tables, one transaction at a time; `commit` decides its fate. */
  transaction<T>(work: (tables: Tables) => Promise<T>, commit: (result: T) => boolean): Promise<T> {
    const run = async (): Promise<T> => {
      const working = copyTables(this.committed)
      const result = await work(working)
      if (commit(result)) this.committed = working
      return result
    }
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => undefined)
    return next
  }

  /**
   * A savepoint inside a running transaction: `work` runs on the transaction's own tables, which are put back
   * as they were when `commit` refuses its result or it throws.
   */
  async savepoint<T>(tables: Tables, work: (tables: Tables) => Promise<T>, commit: (result: T) => boolean): Promise<T> {
    const saved = copyTables(tables)
    let result: T
    try {
      result = await work(tables)
    } catch (error) {
      restoreTables(tables, saved)
      throw error
    }
    if (!commit(result)) restoreTables(tables, saved)
    return result
  }

  /** A read-only look at the committed state (for tests and diagnostics). */
  snapshot(): Tables {
    return copyTables(this.committed)
  }
}
