import type { IntegrationReader, IntegrationWriter } from '../../../application/index.js'
import { INTEGRATION_COLUMNS, toIntegration } from './records.js'
import { createdAtPage } from './created-at-page.js'
import type { Sql } from './sql.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const pgIntegrationStore = (sql: Sql): IntegrationReader & IntegrationWriter => ({
  byId: async (id) => {
    if (!UUID.test(id)) return undefined
    const r = await sql.one(`select ${INTEGRATION_COLUMNS} from integrations where id = ?::uuid`, [id])
    return r && toIntegration(r)
  },
  list: async (projectId, page) => (await createdAtPage(sql, 'integrations', INTEGRATION_COLUMNS, projectId, page)).map(toIntegration),
  delivery: async (integrationId, deliveryId) => {
    const r = await sql.one('select status, body, received_at from webhook_deliveries where integration_id = ?::uuid and delivery_id = ?', [integrationId, deliveryId])
    return r && { integrationId, deliveryId, status: Number(r.status), body: (r.body as Record<string, unknown> | null) ?? {}, receivedAt: new Date(r.received_at as string) }
  },
  insert: async (i) => {
    await sql.run(
      `insert into integrations (id, project_id, type, settings, status_map, is_active, access_token_sealed, webhook_secret_sealed, created_by_id, created_at, last_synced_at)
       values (?::uuid, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?)`,
      [i.id, i.projectId, i.type, JSON.stringify(i.settings), JSON.stringify(i.statusMap), i.isActive, i.accessTokenSealed, i.webhookSecretSealed, i.createdById, i.createdAt, i.lastSyncedAt],
    )
  },
  update: async (i) => {
    await sql.run(
      `update integrations set settings = ?::jsonb, status_map = ?::jsonb, is_active = ?, access_token_sealed = ?, webhook_secret_sealed = ?, last_synced_at = ?
       where id = ?::uuid`,
      [JSON.stringify(i.settings), JSON.stringify(i.statusMap), i.isActive, i.accessTokenSealed, i.webhookSecretSealed, i.lastSyncedAt, i.id],
    )
  },
  delete: async (id) => {
    await sql.run('delete from integrations where id = ?::uuid', [id])
  },
  recordDelivery: async (d) => {
    await sql.run('insert into webhook_deliveries (integration_id, delivery_id, status, body, received_at) values (?::uuid, ?, ?, ?::jsonb, ?)',
      [d.integrationId, d.deliveryId, d.status, JSON.stringify(d.body), d.receivedAt])
  },
})
