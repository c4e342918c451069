// The vendors taskport speaks to: one folder each. A fifth vendor is one more folder and one more entry here.
import type { VendorClient, WebhookVendor } from '../../application/index.js'
import type { IntegrationType } from '../../domain/index.js'
import { asanaClient } from './asana/client.js'
import { githubClient } from './github/client.js'
import { jiraClient } from './jira/client.js'
import { linearClient } from './linear/client.js'
import { githubWebhook } from './github/webhook.js'
import { jiraWebhook } from './jira/webhook.js'
import { linearWebhook } from './linear/webhook.js'

export const WEBHOOK_VENDORS: Partial<Record<IntegrationType, WebhookVendor>> = {
  github: githubWebhook,
  linear: linearWebhook,
  jira: jiraWebhook,
}

export const VENDOR_CLIENTS: Partial<Record<IntegrationType, VendorClient>> = {
  github: githubClient,
  jira: jiraClient,
  linear: linearClient,
  asana: asanaClient,
}

export { asanaClient, githubClient, githubWebhook, jiraClient, jiraWebhook, linearClient, linearWebhook }
