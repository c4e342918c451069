// Shared by the task use-case tests: a project with an owner, an admin, members, a viewer, an outsider and agents.
import * as assert from 'uvu/assert'
import type { AppError } from '../../../src/application/index.js'
import { fixture, type Fixture } from '../../support/app-fixture.js'

export const setup = async () => {
  const f = fixture()
  const alice = await f.human('alice') // owner
  const adam = await f.human('adam') // admin
  const mia = await f.human('mia') // member
  const max = await f.human('max') // member
  const vic = await f.human('vic') // viewer
  const eve = await f.human('eve') // not a member
  const bot = await f.agent(alice, '@bot') // agent member
  const lone = await f.agent(alice, '@lone') // agent, not a member
  const pid = await f.project(alice, 'web-app', [[adam, 'admin'], [mia, 'member'], [max, 'member'], [vic, 'viewer'], [bot, 'member']])
  return { f, alice, adam, mia, max, vic, eve, bot, lone, pid }
}

export const paths = (error: AppError): readonly string[] =>
  error._tag === 'ValidationFailed' ? error.issues.map((i) => i.path) : assert.unreachable(`expected ValidationFailed, got ${error._tag}`) as never

export const committed = (f: Fixture) => f.adapters.db.snapshot()
