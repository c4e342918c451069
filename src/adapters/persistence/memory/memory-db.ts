// The in-memory database: plain tables, serialized transactions that work on a copy of the tables and
// either replace the committed state (commit) or drop the copy (rollback). Ids come from sequences that,
// as in PostgreSQL, do not roll back; per-project task numbers live in the tables and do.
import type {
  ApiToken, AuditEntry, ExternalLink, Integration, Membership, Project, ProjectId, Task, Worker,
} from '../../../domain/index.js'
import type { WebhookDelivery } from '../../../application/index.js'

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
  audit: [...t.audit],
})

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

  /** A read-only look at the committed state (for tests and diagnostics). */
  snapshot(): Tables {
    return copyTables(this.committed)
  }
}
