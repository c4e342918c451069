// Jira Cloud REST v3 "create issue" with a small typed fetch client (basic auth: the settings' email and the
// API token). Descriptions go as Atlassian Document Format; labels cannot hold spaces in Jira.
import { setting, type Integration } from '../../../domain/index.js'
import type { VendorClient } from '../../../application/index.js'
import { vendorJson, type VendorHttpOptions } from '../http.js'

export const jiraBaseUrl = (integration: Integration): string => {
  const api = setting(integration, 'api_url')
  if (api) return api
  const host = setting(integration, 'host') ?? ''
  return /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `https://${host}`
}

const adf = (text: string) => ({
  type: 'doc', version: 1,
  content: text.split(/\n{2,}/).map((paragraph) => ({ type: 'paragraph', content: paragraph ? [{ type: 'text', text: paragraph }] : [] })),
})

export const createJiraClient = (options: VendorHttpOptions = {}): VendorClient => ({
  createItem: async (integration, accessToken, task) => {
    const auth = Buffer.from(`${setting(integration, 'email') ?? ''}:${accessToken}`).toString('base64')
    const created = await vendorJson<{ key: string }>('Jira', `${jiraBaseUrl(integration)}/rest/api/3/issue`, {
      method: 'POST',
      timeoutMs: options.timeoutMs,
      headers: { authorization: `Basic ${auth}` },
      body: {
        fields: {
          project: { key: setting(integration, 'project_key') },
          issuetype: { name: setting(integration, 'issue_type') ?? 'Task' },
          summary: task.title,
          ...(task.description ? { description: adf(task.description) } : {}),
          labels: task.tags.map((tag) => tag.replace(/\s+/g, '-')),
          ...(task.dueDate ? { duedate: task.dueDate } : {}),
          ...(task.assigneeExternalId ? { assignee: { accountId: task.assigneeExternalId } } : {}),
        },
      },
    })
    const host = setting(integration, 'host') ?? ''
    const site = /^https?:\/\//.test(host) ? host.replace(/\/+$/, '') : `https://${host}`
    return { externalId: created.key, externalUrl: `${site}/browse/${created.key}` }
  },
})

export const jiraClient: VendorClient = createJiraClient()
