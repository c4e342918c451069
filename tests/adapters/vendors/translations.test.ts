// The vendors' webhook payloads as task-sync pushes, field by field: what each translation reads, that an absent
// field stays absent (the task keeps its value) while null clears, and what it notes when it cannot apply a value.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { InboundEvent, WebhookRequest } from '../../../src/application/index.js'
import { githubStatusKey, githubIssuePush } from '../../../src/adapters/vendors/github/webhook.js'
import { githubWebhook, jiraWebhook, linearWebhook } from '../../../src/adapters/vendors/index.js'
import type { Integration, IntegrationType, SyncPayload } from '../../../src/domain/index.js'
import { integrationStatusMap, mapExternalStatus } from '../../../src/domain/index.js'
import { T0 } from '../../support/builders.js'

const integration = (type: IntegrationType, settings: Integration['settings']): Integration => ({
  id: '00000000-0000-4000-8000-00000000000a', projectId: 1, type, settings, statusMap: {}, isActive: true,
  accessTokenSealed: 'x', webhookSecretSealed: 'x', createdById: 7, createdAt: T0, lastSyncedAt: null,
})
const github = integration('github', { owner: 'acme', repo: 'app', assignee_mapping: { 'sam@example.com': 'sam-gh', 'kim@example.com': 'kim-gh' } })
const jira = integration('jira', { host: 'acme.atlassian.net', project_key: 'OPS', email: 'bot@acme.com', assignee_mapping: { 'sam@example.com': '5b10ac8d82e05b22cc7d4ef5' } })
const linear = integration('linear', { team_id: 'T1', assignee_mapping: { 'sam@example.com': 'user-sam' } })

const request = (body: unknown, headers: Record<string, string> = {}): WebhookRequest => ({
  rawBody: Buffer.from(JSON.stringify(body)), body, header: (name) => headers[name],
})
const synced = (event: InboundEvent): SyncPayload => {
  if (event.kind !== 'sync') throw new Error(`ignored: ${event.reason}`)
  return event.payload
}

test('GitHub: every documented state_reason maps to a status through the default map', () => {
  const map = integrationStatusMap(github)
  const cases: Array<[string, string | null, string]> = [
    ['open', null, 'pending'], ['open', 'reopened', 'pending'], ['closed', null, 'completed'], ['closed', 'completed', 'completed'],
    ['closed', 'not_planned', 'cancelled'], ['closed', 'duplicate', 'cancelled'], ['closed', 'some_future_reason', 'completed'],
  ]
  for (const [state, reason, status] of cases) {
    const key = githubStatusKey(state, reason)
    assert.is(mapExternalStatus(map, key ?? ''), status, `${state}/${reason}`)
  }
  assert.is(githubStatusKey(undefined, 'completed'), undefined)
})

test('GitHub: assignees (the current field) win over the deprecated assignee; the first mapped one is assigned', () => {
  const push = (issue: object) => githubIssuePush(github, { number: 1, ...issue })
  assert.is(push({ assignee: null, assignees: [{ login: 'Sam-GH' }] }).assigneeEmail, 'sam@example.com')
  const several = push({ assignee: { login: 'stranger' }, assignees: [{ login: 'stranger' }, { login: 'kim-gh' }, { login: 'sam-gh' }] })
  assert.is(several.assigneeEmail, 'kim@example.com')
  assert.equal(several.auditNotes, { other_assignees: ['stranger', 'sam-gh'] })
  assert.equal(several.warnings, ['a task has one assignee: kim-gh is assigned, stranger, sam-gh noted in the audit'])
  assert.is(push({ assignee: null, assignees: [] }).assigneeEmail, null, 'nobody assigned: unassigned')
  assert.is(push({ assignee: null }).assigneeEmail, null, 'only the old field, null: unassigned')
  assert.is(push({ assignee: { login: 'sam-gh' } }).assigneeEmail, 'sam@example.com', 'only the old field')
  const unmapped = push({ assignees: [{ login: 'stranger' }] })
  assert.ok(!('assigneeEmail' in unmapped), 'an unmapped login leaves the assignee')
  assert.equal(unmapped.warnings, ['GitHub assignee stranger has no entry in assignee_mapping; the assignee is left as it is'])
  assert.ok(!('assigneeEmail' in push({ title: 'pinned' })), 'neither field: the assignee is left')
})

test('GitHub: absent fields stay absent, null clears; a blank title is no title', () => {
  const pinned = githubIssuePush(github, { number: 3, title: 'Pinned', body: 'b', assignees: [], html_url: 'https://github.com/acme/app/issues/3' })
  assert.equal(Object.keys(pinned).sort(), ['assigneeEmail', 'description', 'externalId', 'externalUrl', 'name', 'source'])
  assert.is(pinned.externalId, 'acme/app#3')
  const minimal = githubIssuePush(github, { number: 4 })
  assert.equal(minimal, { source: 'github', externalId: 'acme/app#4' })
  const cleared = githubIssuePush(github, { number: 5, title: '  ', body: null, labels: null, state: 'open' })
  assert.equal(cleared, { source: 'github', externalId: 'acme/app#5', description: null, labels: null, status: 'open' })
  assert.equal(githubIssuePush(github, { number: 6, labels: [{ name: 'bug' }, 'plain', { color: 'fff' }] }).labels, ['bug', 'plain'])
})

test('GitHub events: issues and sub_issues are pushes; ping, comments, pull requests, deletions are ignored', () => {
  const repository = { full_name: 'acme/app' }
  const issue = { number: 1, title: 't' }
  const event = (name: string, body: object) => githubWebhook.translate(request(body, { 'x-github-event': name }), github)
  assert.is(event('issues', { action: 'pinned', issue, repository }).kind, 'sync')
  assert.equal(event('ping', { zen: 'z' }), { kind: 'ignored', reason: 'ping' })
  assert.equal(event('issue_comment', { action: 'created', issue, comment: { body: 'c' }, repository }), { kind: 'ignored', reason: 'issue_comment events carry no task change' })
  assert.is(event('issues', { action: 'opened', issue: { ...issue, pull_request: {} }, repository }).kind, 'ignored')
  assert.is(event('issues', { action: 'deleted', issue, repository }).kind, 'ignored')
  assert.is(event('issues', { action: 'opened', issue, repository: { full_name: 'other/repo' } }).kind, 'ignored')
  const added = synced(event('sub_issues', { action: 'sub_issue_added', parent_issue: { number: 9 }, sub_issue: issue, parent_issue_repo: repository, repository }))
  assert.is(added.parentExternalId, 'acme/app#9')
  const removed = synced(event('sub_issues', { action: 'parent_issue_removed', parent_issue: { number: 9 }, sub_issue: issue, parent_issue_repo: repository, repository }))
  assert.is(removed.parentExternalId, null)
})

const jiraEvent = (fields: object, extra: object = {}) =>
  synced(jiraWebhook.translate(request({ webhookEvent: 'jira:issue_updated', issue: { key: 'OPS-7', fields }, ...extra }), jira))

test('Jira: summary, description (wiki text or ADF), status category, labels, assignee, parent, updated', () => {
  const push = jiraEvent({
    summary: 'Fix', description: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Hello' }] }] },
    status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } }, labels: ['a', 'b'],
    assignee: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Sam' }, parent: { key: 'OPS-1' }, updated: '2026-11-22T10:00:00.000+0000',
  })
  assert.equal(push, {
    source: 'jira', externalId: 'OPS-7', name: 'Fix', description: 'Hello', status: 'indeterminate', labels: ['a', 'b'],
    externalUrl: 'https://acme.atlassian.net/browse/OPS-7', assigneeEmail: 'sam@example.com', parentExternalId: 'OPS-1', updatedAt: T0,
  })
  assert.is(jiraEvent({ assignee: { emailAddress: 'Kim@Example.com', accountId: 'x' } }).assigneeEmail, 'Kim@Example.com')
  assert.is(jiraEvent({ assignee: { name: 'kim', displayName: 'Kim' } }).assigneeEmail, undefined)
  assert.equal(jiraEvent({ assignee: { accountId: 'nobody', displayName: 'Nobody' } }).warnings, [
    'Jira assignee Nobody has no email address and no entry in assignee_mapping; the assignee is left as it is',
  ])
})

test('Jira: absent fields stay absent, null clears; a parent taken away shows in the changelog', () => {
  assert.equal(jiraEvent({}), { source: 'jira', externalId: 'OPS-7', externalUrl: 'https://acme.atlassian.net/browse/OPS-7' })
  const cleared = jiraEvent({ description: null, assignee: null, labels: [] })
  assert.is(cleared.description, null)
  assert.is(cleared.assigneeEmail, null)
  assert.equal(cleared.labels, [])
  const unparented = jiraEvent({ summary: 'x' }, { changelog: { items: [{ field: 'IssueParentAssociation', fieldtype: 'jira', from: '10001', fromString: 'OPS-1', to: null, toString: null }] } })
  assert.is(unparented.parentExternalId, null)
  assert.ok(!('parentExternalId' in jiraEvent({ summary: 'x' }, { changelog: { items: [{ field: 'summary', to: null }] } })))
})

const linearEvent = (data: object, extra: object = {}) =>
  synced(linearWebhook.translate(request({ type: 'Issue', action: 'update', data: { id: 'lin-1', ...data }, ...extra }), linear))

test('Linear: title, description, state type, labels, estimate, assignee, parent, url, updatedAt', () => {
  const push = linearEvent({
    title: 'T', description: 'D', state: { type: 'started', name: 'Doing' }, labels: [{ name: 'bug' }], labelIds: ['l1'], estimate: 3,
    assignee: { id: 'user-x', name: 'Kim', email: 'kim@example.com' }, assigneeId: 'user-x', parentId: 'lin-0',
    url: 'https://linear.app/acme/issue/ENG-1', updatedAt: T0.toISOString(),
  })
  assert.equal(push, {
    source: 'linear', externalId: 'lin-1', name: 'T', description: 'D', status: 'started', labels: ['bug'], storyPoints: 3,
    externalUrl: 'https://linear.app/acme/issue/ENG-1', assigneeEmail: 'kim@example.com', parentExternalId: 'lin-0', updatedAt: T0,
  })
  assert.is(linearEvent({ assigneeId: 'user-sam' }).assigneeEmail, 'sam@example.com', 'by assignee_mapping')
  assert.equal(linearEvent({ assigneeId: 'user-zed' }).warnings, ['Linear assignee user-zed has no email address and no entry in assignee_mapping; the assignee is left as it is'])
  assert.equal(linearEvent({ labelIds: ['l1'] }).warnings, ['labels came as ids only; tags left as they are'])
})

test('Linear: a field cleared in Linear is absent from data and named in updatedFrom: it is cleared here too', () => {
  assert.equal(linearEvent({}), { source: 'linear', externalId: 'lin-1' })
  const cleared = linearEvent({ title: 'T' }, { updatedFrom: { assigneeId: 'user-sam', parentId: 'lin-0', estimate: 2, description: 'old' } })
  assert.is(cleared.assigneeEmail, null)
  assert.is(cleared.parentExternalId, null)
  assert.is(cleared.storyPoints, null)
  assert.is(cleared.description, null)
  const explicit = linearEvent({ assigneeId: null, estimate: null, parentId: null, description: null })
  assert.equal([explicit.assigneeEmail, explicit.storyPoints, explicit.parentExternalId, explicit.description], [null, null, null, null])
  assert.is(linearWebhook.translate(request({ type: 'Issue', action: 'remove', data: { id: 'lin-1' } }), linear).kind, 'ignored')
})

test.run()
