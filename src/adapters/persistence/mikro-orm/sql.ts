// The stores' one way to the database: parameterised SQL on the unit of work's connection (a `pg` client of
// MikroORM's pool), with PostgreSQL's unique violations turned into the port's UniqueViolation. The stores
// write `?` placeholders; they become `$1, $2, …` once per statement text. Arrays are sent as array literals.
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
  webhook_endpoints_pkey: 'webhook_endpoint',
  webhook_events_pkey: 'webhook_event',
  webhook_event_deliveries_pkey: 'webhook_event_delivery',
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

/** What the stores need of a connection: `pg`'s `Client#query`. */
export interface SqlConnection {
  query(query: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>
}

interface Statement {
  readonly name: string | undefined
  readonly text: string
}

/** Statement texts seen so far. Past this many (filters combine into many texts) the rest go unnamed. */
const MAX_NAMED = 2_000
const statements = new Map<string, Statement>()

/**
 * `where a = ? and b = ?` -> `where a = $1 and b = $2`, and a name: `pg` then prepares the statement once per
 * connection and PostgreSQL plans it once, instead of parsing and planning it on every request.
 */
const statement = (sql: string): Statement => {
  let known = statements.get(sql)
  if (known === undefined) {
    let n = 0
    const text = sql.replace(/\?/g, () => `$${(n += 1)}`)
    known = { name: statements.size < MAX_NAMED ? `taskport_${statements.size + 1}` : undefined, text }
    if (known.name !== undefined) statements.set(sql, known)
  }
  return known
}

export class Sql {
  /** Statements sent through this object (the statement counts of the benchmarks and tests). */
  statements = 0

  constructor(private readonly connection: SqlConnection) {}

  async rows<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.statements += 1
    try {
      const { name, text } = statement(sql)
      return (await this.connection.query({ ...(name ? { name } : {}), text, values: params.map(encode) })).rows as T[]
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
