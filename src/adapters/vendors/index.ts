// The vendors taskport speaks to: one folder each. A fifth vendor is one more folder and one more entry here.
import type { VendorClient, WebhookVendor } from '../../application/index.js'
import type { IntegrationType } from '../../domain/index.js'
import { asanaClient, createAsanaClient } from './asana/client.js'
import { createGithubClient, githubClient } from './github/client.js'
import type { VendorHttpOptions } from './http.js'
import { createJiraClient, jiraClient } from './jira/client.js'
import { createLinearClient, linearClient } from './linear/client.js'
import { githubWebhook } from './github/webhook.js'
import { jiraWebhook } from './jira/webhook.js'
import { linearWebhook } from './linear/webhook.js'

export const WEBHOOK_VENDORS: Partial<Record<IntegrationType, WebhookVendor>> = {
  github: githubWebhook,
  linear: linearWebhook,
  jira: jiraWebhook,
}

/** The vendor clients with their options (e.g. a shorter request timeout). */
export const vendorClients = (options: VendorHttpOptions = {}): Partial<Record<IntegrationType, VendorClient>> => ({
  github: createGithubClient(options),
  jira: createJiraClient(options),
  linear: createLinearClient(options),
  asana: createAsanaClient(options),
})

export const VENDOR_CLIENTS: Partial<Record<IntegrationType, VendorClient>> = {
  github: githubClient,
  jira: jiraClient,
  linear: linearClient,
  asana: asanaClient,
}

export type { VendorHttpOptions } from './http.js'

export { asanaClient, githubClient, githubWebhook, jiraClient, jiraWebhook, linearClient, linearWebhook }
