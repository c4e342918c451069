// Integration settings per type, assignee mappings and GitHub external ids.
import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  emailOfExternalUser, githubExternalId, INTEGRATION_SETTINGS, isIntegrationType, setting, validateIntegrationSettings,
} from '../../src/domain/index.js'

const paths = (result: ReturnType<typeof validateIntegrationSettings>) =>
  E.isLeft(result) && result.left._tag === 'ValidationFailed' ? result.left.issues.map((i) => i.path).sort() : []

test('every type names its missing required settings, and only those', () => {
  for (const type of ['github', 'jira', 'linear', 'asana'] as const) {
    assert.equal(paths(validateIntegrationSettings(type, {})), INTEGRATION_SETTINGS[type].required.map((f) => `settings.${f}`).sort(), type)
  }
  assert.ok(isIntegrationType('asana'))
  assert.not.ok(isIntegrationType('trello'))
})

test('valid settings are trimmed, unknown fields dropped, api_url kept without a trailing slash', () => {
  const result = validateIntegrationSettings('jira', { host: ' acme.atlassian.net ', project_key: 'OPS', email: 'bot@acme.com', issue_type: 'Bug', extra: 1, api_url: 'http://127.0.0.1:9/jira/' })
  assert.ok(E.isRight(result))
  if (E.isRight(result)) {
    assert.equal(result.right, { host: 'acme.atlassian.net', project_key: 'OPS', email: 'bot@acme.com', issue_type: 'Bug', api_url: 'http://127.0.0.1:9/jira' })
    assert.is(setting({ settings: result.right }, 'issue_type'), 'Bug')
    assert.is(setting({ settings: result.right }, 'missing'), undefined)
  }
})

test('wrong types, bad hosts, bad URLs and bad mappings are named', () => {
  assert.equal(paths(validateIntegrationSettings('github', { owner: 5, repo: ' ' })), ['settings.owner', 'settings.repo'])
  assert.equal(paths(validateIntegrationSettings('jira', { host: 'not a host!', project_key: 'P', email: 'x@y.z' })), ['settings.host'])
  assert.equal(paths(validateIntegrationSettings('linear', { team_id: 'T', api_url: 'javascript:alert(1)' })), ['settings.api_url'])
  assert.equal(paths(validateIntegrationSettings('linear', { team_id: 'T', assignee_mapping: ['x'] })), ['settings.assignee_mapping'])
  assert.equal(paths(validateIntegrationSettings('asana', { workspace_id: 'W', project_id: 'P', assignee_mapping: { nope: 'u1', 'a@b.c': '' } })), ['settings.assignee_mapping.a@b.c', 'settings.assignee_mapping.nope'])
})

test('assignee mapping: emails lower-cased; an external user resolves to its email ignoring case', () => {
  const result = validateIntegrationSettings('github', { owner: 'acme', repo: 'app', assignee_mapping: { 'Sarah@Example.com': 'SarahDev' } })
  assert.ok(E.isRight(result))
  if (E.isRight(result)) {
    assert.is(emailOfExternalUser({ settings: result.right }, 'sarahdev'), 'sarah@example.com')
    assert.is(emailOfExternalUser({ settings: result.right }, 'someone-else'), undefined)
  }
  assert.is(githubExternalId('acme', 'app', 42), 'acme/app#42')
})

test.run()
