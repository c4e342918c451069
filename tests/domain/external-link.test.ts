import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { isSyncSource, SYNC_SOURCES } from '../../src/domain/external-link.js'

test('the sync sources of the contract: jira, linear, github, custom', () => {
  assert.equal([...SYNC_SOURCES], ['jira', 'linear', 'github', 'custom'])
  for (const source of SYNC_SOURCES) assert.ok(isSyncSource(source), source)
  for (const bad of ['asana', 'Jira', 'GITHUB', '', 'trello']) assert.not.ok(isSyncSource(bad), bad)
})

test.run()
