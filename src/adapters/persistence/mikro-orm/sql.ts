// The stores' one way to the database: parameterised SQL on the transaction's connection, with PostgreSQL's
// unique violations turned into the port's UniqueViolation. Arrays are sent as array literals, because the
// query builder underneath would otherwise spread them into lists.
import type { EntityManager } from '@mikro-orm/postgresql'
import { UniqueViolation } from '../../../application/index.js'

/** Constraint names of the schema -> the port's names. */
const CONSTRAINTS: Readonly<Record<string, string>> = {
  projects_slug_unique: 'project_slug',
  projects_key_unique: 'project_key',
  workers_handle_unique: 'worker_handle',
  workers_user_id_unique: 'worker_user_id',
  memberships_pkey: 'membership',
  external_links_project_source_external_id_unique: 'external_link',
  api_tokens_token_hash_unique: 'api_token_hash',
  api_tokens_pkey: 'api_token_hash',
  tasks_project_id_number_unique: 'task_number',
  webhook_deliveries_pkey: 'webhook_delivery',
  integrations_pkey: 'integration',
}

const quote = (value: unknown): string => {
  if (value === null) return 'NULL'
  if (typeof value === 'number') return String(value)
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

/** `['a', 'b"c']` -> `{"a","b\"c"}` (sent as a bound parameter, never spliced into SQL). */
export const pgArray = (values: readonly unknown[]): string => `{${values.map(quote).join(',')}}`

const encode = (value: unknown): unknown => (Array.isArray(value) ? pgArray(value) : value)

interface PgError {
  readonly code?: string
  readonly constraint?: string
}

export class Sql {
  /** Statements sent through this object (the statement counts of the benchmarks and tests). */
  statements = 0

  constructor(private readonly em: EntityManager) {}

  async rows<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.statements += 1
    try {
      return (await this.em.getConnection().execute(sql, params.map(encode), 'all', this.em.getTransactionContext())) as T[]
    } catch (error) {
      const pg = error as PgError
      if (pg.code === '23505' && pg.constraint) throw new UniqueViolation(CONSTRAINTS[pg.constraint] ?? pg.constraint)
      throw error
    }
  }

  async one<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(sql, params))[0]
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.rows(sql, params)
  }
}
