// A connection of a project to GitHub, Jira, Linear or Asana: validated settings per type, a status map for
// inbound events, and credentials that only ever exist here in sealed (encrypted) form.
import * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { ProjectId, WorkerId } from './ids.js'
import type { StatusMap } from './sync.js'
import { checkEmail, normalizeEmail } from './worker.js'
import { collect, issue, nonEmptyText, ok, type Check } from './validation.js'

export const INTEGRATION_TYPES = ['github', 'jira', 'linear', 'asana'] as const
export type IntegrationType = (typeof INTEGRATION_TYPES)[number]
export const isIntegrationType = (value: string): value is IntegrationType => (INTEGRATION_TYPES as readonly string[]).includes(value)

export type IntegrationId = string

/** Settings as stored: the type's own fields plus `api_url` and `assignee_mapping` (lower-cased emails). */
export type IntegrationSettings = Readonly<Record<string, string | Readonly<Record<string, string>>>>

export interface Integration {
  readonly id: IntegrationId
  readonly projectId: ProjectId
  readonly type: IntegrationType
  readonly settings: IntegrationSettings
  readonly statusMap: StatusMap
  readonly isActive: boolean
  /** Sealed by the CredentialCipher port: never the plain token. */
  readonly accessTokenSealed: string
  readonly webhookSecretSealed: string
  readonly createdById: WorkerId | null
  readonly createdAt: Date
  readonly lastSyncedAt: Date | null
}

interface FieldSpec {
  readonly required: readonly string[]
  readonly optional: readonly string[]
}

/** The settings each type needs (snake_case, as on the wire). */
export const INTEGRATION_SETTINGS: Readonly<Record<IntegrationType, FieldSpec>> = {
  github: { required: ['owner', 'repo'], optional: [] },
  jira: { required: ['host', 'project_key', 'email'], optional: ['issue_type'] },
  linear: { required: ['team_id'], optional: ['default_state_id'] },
  asana: { required: ['workspace_id', 'project_id'], optional: [] },
}

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}

const checkField = (path: string, value: unknown, max = 255): Check =>
  typeof value === 'string' ? nonEmptyText(path, value, max) : issue(path, 'must be a non-empty string')

/**
 * Validates raw settings for a type: every missing required field is named (`settings.repo: required`), and
 * unknown fields are dropped. `api_url` must be an http(s) URL; `assignee_mapping` maps emails to vendor user ids.
 */
export const validateIntegrationSettings = (type: IntegrationType, raw: Readonly<Record<string, unknown>>): E.Either<DomainError, IntegrationSettings> => {
  const spec = INTEGRATION_SETTINGS[type]
  const checks: Check[] = []
  const settings: Record<string, string | Record<string, string>> = {}
  for (const field of spec.required) {
    const value = raw[field]
    if (value === undefined || value === null || value === '') checks.push(issue(`settings.${field}`, 'required'))
    else {
      checks.push(checkField(`settings.${field}`, value))
      if (typeof value === 'string') settings[field] = value.trim()
    }
  }
  for (const field of spec.optional) {
    const value = raw[field]
    if (value === undefined || value === null) continue
    checks.push(checkField(`settings.${field}`, value))
    if (typeof value === 'string') settings[field] = value.trim()
  }
  if (type === 'jira' && typeof raw.email === 'string') checks.push(checkEmail('settings.email', raw.email))
  if (type === 'jira' && typeof raw.host === 'string' && !/^[a-z0-9.-]+(:\d+)?$/i.test(raw.host.trim()) && !isHttpUrl(raw.host.trim())) {
    checks.push(issue('settings.host', 'must be a host name such as example.atlassian.net'))
  }
  if (raw.api_url !== undefined && raw.api_url !== null) {
    if (typeof raw.api_url !== 'string' || !isHttpUrl(raw.api_url) || raw.api_url.length > 2048) checks.push(issue('settings.api_url', 'must be an http(s) URL'))
    else settings.api_url = raw.api_url.replace(/\/+$/, '')
  }
  const mapping = raw.assignee_mapping
  if (mapping !== undefined && mapping !== null) {
    if (typeof mapping !== 'object' || Array.isArray(mapping)) checks.push(issue('settings.assignee_mapping', 'must be an object of email -> external user id'))
    else {
      const normalized = new Map<string, string>()
      for (const [email, id] of Object.entries(mapping as Record<string, unknown>)) {
        checks.push(checkEmail(`settings.assignee_mapping.${email}`, email))
        if (typeof id !== 'string' || id.trim().length === 0 || id.length > 255) checks.push(issue(`settings.assignee_mapping.${email}`, 'must be a non-empty string'))
        else normalized.set(normalizeEmail(email), id.trim())
      }
      settings.assignee_mapping = Object.fromEntries(normalized)
    }
  }
  return collect<IntegrationSettings>(settings, ...checks)
}

export const setting = (integration: Pick<Integration, 'settings'>, name: string): string | undefined => {
  const value = integration.settings[name]
  return typeof value === 'string' ? value : undefined
}

export const assigneeMapping = (integration: Pick<Integration, 'settings'>): Readonly<Record<string, string>> => {
  const value = integration.settings.assignee_mapping
  return typeof value === 'object' ? value : {}
}

/** The email whose external user id (e.g. a GitHub login) is `externalUser`, if the mapping has one. */
export const emailOfExternalUser = (integration: Pick<Integration, 'settings'>, externalUser: string): string | undefined =>
  Object.entries(assigneeMapping(integration)).find(([, id]) => id.toLowerCase() === externalUser.toLowerCase())?.[0]

export const checkAccessToken = (token: string): Check =>
  token.trim().length === 0 || token.length > 4096 ? issue('access_token', 'must be a non-empty string of at most 4096 characters') : ok

/** GitHub external ids are scoped to the repository: `owner/repo#123`. */
export const githubExternalId = (owner: string, repo: string, issueNumber: number): string => `${owner}/${repo}#${issueNumber}`

/**
 * The contract's default status maps for vendors' native webhook payloads. The translators send these keys:
 * GitHub `open`, `closed`, `closed/completed`, `closed/not_planned`, `closed/duplicate` (a duplicate is not done
 * work: cancelled, like not planned); Linear's state type; Jira's status category
 * key. An integration's own `status_map` is laid over them.
 */
export const VENDOR_STATUS_MAPS: Readonly<Record<IntegrationType, StatusMap>> = {
  github: { open: 'pending', closed: 'completed', 'closed/completed': 'completed', 'closed/not_planned': 'cancelled', 'closed/duplicate': 'cancelled' },
  linear: { triage: 'backlog', backlog: 'backlog', unstarted: 'pending', started: 'in_progress', completed: 'completed', canceled: 'cancelled' },
  jira: { new: 'pending', indeterminate: 'in_progress', done: 'completed' },
  asana: { incomplete: 'pending', completed: 'completed' },
}

/** The status map of an integration's inbound events: the vendor's defaults, then its own entries. */
export const integrationStatusMap = (integration: Pick<Integration, 'type' | 'statusMap'>): StatusMap => ({
  ...VENDOR_STATUS_MAPS[integration.type],
  ...integration.statusMap,
})
