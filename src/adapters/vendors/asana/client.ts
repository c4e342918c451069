// Asana's "create a task" with a small typed fetch client (a personal access token as bearer).
import { setting } from '../../../domain/index.js'
import type { VendorClient } from '../../../application/index.js'
import { vendorJson, type VendorHttpOptions } from '../http.js'

export const createAsanaClient = (options: VendorHttpOptions = {}): VendorClient => ({
  createItem: async (integration, accessToken, task) => {
    const base = setting(integration, 'api_url') ?? 'https://app.asana.com/api/1.0'
    const created = await vendorJson<{ data: { gid: string; permalink_url?: string } }>('Asana', `${base}/tasks`, {
      method: 'POST',
      timeoutMs: options.timeoutMs,
      headers: { authorization: `Bearer ${accessToken}` },
      body: {
        data: {
          name: task.title,
          ...(task.description ? { notes: task.description } : {}),
          workspace: setting(integration, 'workspace_id'),
          projects: [setting(integration, 'project_id')],
          ...(task.dueDate ? { due_on: task.dueDate } : {}),
          ...(task.assigneeExternalId ? { assignee: task.assigneeExternalId } : {}),
        },
      },
    })
    return { externalId: created.data.gid, externalUrl: created.data.permalink_url ?? null }
  },
})

export const asanaClient: VendorClient = createAsanaClient()
