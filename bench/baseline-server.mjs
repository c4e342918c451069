// The baselines of `npm run bench`: bare Koa + `pg`, no framework of ours, no ORM, no auth, no validation.
//
//   GET  /tasks/:id   the primary-key SELECT of GET /api/tasks/{id} (the framework floor)
//   POST /task-sync   the SQL statements taskport sends for one task-sync push (create path or update path, by
//                     whether the link exists), with the same texts and parameters, in ONE transaction on one
//                     connection (the physical limit of that work on this database)
//
// The statement texts are copied from the PostgreSQL stores (src/adapters/persistence/mikro-orm), and like
// taskport's they are named (prepared once per connection). The baseline reports how many statements it sent
// in `x-statements`; bench/run.mjs prints that beside taskport's counts, which
// tests/adapters/persistence/postgres-guarantees.test.ts asserts.
//
//   DATABASE_URL=postgres://… PORT=0 node bench/baseline-server.mjs   -> prints "baseline listening on <url>"
import { createHash } from 'node:crypto'
import Koa from 'koa'
import pg from 'pg'

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) })

const TASK_COLUMNS =
  'id, project_id, number, title, description, status, priority, tags, due_date::text as due_date, story_points, assignee_id, parent_task_id, progress_percent, rollup_progress_percent, version, created_by_id, started_at, completed_at, created_at, updated_at'
const LINK_COLUMNS =
  'id, project_id, task_id, source, external_id, external_url, pending_assignee_email, pending_parent_external_id, source_updated_at, created_at, updated_at'
const AUDIT_COLUMNS = 'id, project_id, entity_type, entity_id, action, actor_type, actor_id, details, created_at'
const WEBHOOK_ENDPOINT_COLUMNS =
  'id, project_id, url, events, description, is_active, disabled_reason, secret_sealed, created_by_id, created_at, updated_at, failing_since, last_success_at'
/** The event outbox's statement before COMMIT (src/application/webhooks/outbox.ts): the project's active endpoints. */
const ENDPOINTS = `select ${WEBHOOK_ENDPOINT_COLUMNS} from webhook_endpoints where project_id = any($1::int[]) and is_active order by created_at, id`

/** Named statements: prepared once per connection, as taskport's are (the floor, not a strawman). */
const names = new Map()
const named = (text, values) => {
  if (!names.has(text)) names.set(text, `baseline_${names.size + 1}`)
  return { name: names.get(text), text, values }
}

const readJson = async (req) => {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/** One task-sync push: the statements taskport sends, in one transaction. Returns [status, body, statements]. */
const push = async (client, bearer, body) => {
  let statements = 0
  const q = (text, params) => {
    statements += 1
    return client.query(named(text, params))
  }
  const hash = createHash('sha256').update(bearer).digest('hex')
  const token = (await q('select id, project_id, name, token_hash, status_map, created_by_id, created_at, last_used_at, revoked_at from api_tokens where token_hash = $1', [hash])).rows[0]
  if (!token) return [401, { error: 'unauthorized' }, statements]
  const projectId = token.project_id
  await q('select id, slug, key, name, description, owner_id, created_at, updated_at from projects where id = $1', [projectId])
  const link = (await q(`select ${LINK_COLUMNS} from external_links where project_id = $1 and source = $2 and external_id = $3`, [projectId, body.source, body.external_id])).rows[0]
  const now = new Date().toISOString()
  const tags = `{${(body.labels ?? []).map((l) => JSON.stringify(l)).join(',')}}`
  if (!link) {
    const task = (await q(
      `with n as (update projects set task_counter = task_counter + 1 where id = $1 returning task_counter) insert into tasks (project_id, number, title, description, status, priority, tags, due_date, story_points, assignee_id, parent_task_id, progress_percent, rollup_progress_percent, version, created_by_id, started_at, completed_at, created_at, updated_at) select $2, n.task_counter, $3, $4, $5, $6, $7::text[], $8::date, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19 from n returning ${TASK_COLUMNS}`,
      [projectId, projectId, body.name, null, 'backlog', 'medium', tags, null, null, null, null, 0, 0, 1, null, null, null, now, now],
    )).rows[0]
    await q(`insert into external_links (project_id, task_id, source, external_id, external_url, pending_assignee_email, pending_parent_external_id, source_updated_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${LINK_COLUMNS}`,
      [projectId, task.id, body.source, body.external_id, null, null, null, null, now, now])
    const details = JSON.stringify({ after: { title: body.name, description: null, status: 'backlog', priority: 'medium', tags: body.labels ?? [], due_date: null, story_points: null, assignee_id: null, parent_task_id: null, progress_percent: 0, started_at: null, completed_at: null }, source: body.source, external_id: body.external_id })
    await q(`insert into audit_log (project_id, entity_type, entity_id, action, actor_type, actor_id, details, created_at) values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) returning ${AUDIT_COLUMNS}`,
      [projectId, 'task', String(task.id), 'created', 'api_token', token.id, details, now])
    await q(`select ${LINK_COLUMNS} from external_links where project_id = $1 and source = $2 and pending_parent_external_id = $3 order by id`, [projectId, body.source, body.external_id])
    await q(ENDPOINTS, [[projectId]])
    return [201, { task_id: task.id, created: true }, statements]
  }
  const task = (await q(`select ${TASK_COLUMNS} from tasks where id = $1`, [link.task_id])).rows[0]
  await q('update tasks set title = $1, description = $2, status = $3, priority = $4, tags = $5::text[], due_date = $6::date, story_points = $7, assignee_id = $8, parent_task_id = $9, progress_percent = $10, rollup_progress_percent = $11, version = $12, started_at = $13, completed_at = $14, updated_at = $15 where id = $16 and version = $17 returning id',
    [body.name, task.description, task.status, task.priority, tags, task.due_date, task.story_points, task.assignee_id, task.parent_task_id, task.progress_percent, task.rollup_progress_percent, task.version + 1, task.started_at, task.completed_at, now, task.id, task.version])
  const details = JSON.stringify({ before: { title: task.title }, after: { title: body.name }, source: body.source, external_id: body.external_id })
  await q(`insert into audit_log (project_id, entity_type, entity_id, action, actor_type, actor_id, details, created_at) values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8) returning ${AUDIT_COLUMNS}`,
    [projectId, 'task', String(task.id), 'synced', 'api_token', token.id, details, now])
  await q(ENDPOINTS, [[projectId]])
  return [200, { task_id: task.id, created: false }, statements]
}

const app = new Koa()
app.use(async (ctx) => {
  const task = /^\/tasks\/(\d+)$/.exec(ctx.path)
  if (ctx.method === 'GET' && task) {
    const { rows } = await pool.query(named(`select ${TASK_COLUMNS} from tasks where id = $1`, [Number(task[1])]))
    if (rows.length === 0) ctx.status = 404
    else ctx.body = rows[0]
    return
  }
  if (ctx.method === 'POST' && ctx.path === '/task-sync') {
    const body = await readJson(ctx.req)
    const client = await pool.connect()
    try {
      await client.query('begin')
      const [status, result, statements] = await push(client, (ctx.get('authorization') ?? '').replace(/^Bearer /, ''), body)
      await client.query('commit')
      ctx.status = status
      ctx.set('x-statements', String(statements))
      ctx.body = result
    } catch (error) {
      await client.query('rollback')
      throw error
    } finally {
      client.release()
    }
    return
  }
  ctx.status = 404
})

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`baseline listening on http://127.0.0.1:${server.address().port}`)
})
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))))
