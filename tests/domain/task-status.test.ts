import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { allowedTargets, canTransition, isDecisionEdge, isTaskStatus, TASK_STATUSES, TRANSITIONS } from '../../src/domain/task-status.js'
import { PLAIN, STATUSES, TABLE, pairs } from '../support/contract.js'

test('the seven statuses of the contract, in its order', () => {
  assert.equal([...TASK_STATUSES], STATUSES)
  for (const s of STATUSES) assert.ok(isTaskStatus(s), s)
  for (const s of ['done', 'todo', 'Pending', 'in-progress', '', 'canceled']) assert.not.ok(isTaskStatus(s), s)
})

test('the transition table is the contract table, edge for edge', () => {
  assert.equal(TRANSITIONS, TABLE)
})

test('only review -> completed and review -> in_progress are decision edges', () => {
  for (const [from, to] of pairs()) {
    const decision = (from === 'review' && to === 'completed') || (from === 'review' && to === 'in_progress')
    assert.is(isDecisionEdge(from, to), decision, `${from} -> ${to}`)
  }
})

test('a plain status change reaches exactly the table targets, none out of review', () => {
  for (const from of STATUSES) assert.equal([...allowedTargets(from)], PLAIN[from], from)
})

test('canTransition: every (from, to) pair for each way of changing status', () => {
  for (const [from, to] of pairs()) {
    assert.is(canTransition(from, to, 'status_change'), PLAIN[from].includes(to), `status_change ${from} -> ${to}`)
    assert.is(canTransition(from, to, 'approve'), from === 'review' && to === 'completed', `approve ${from} -> ${to}`)
    assert.is(canTransition(from, to, 'reject'), from === 'review' && to === 'in_progress', `reject ${from} -> ${to}`)
  }
})

test('no status is a transition to itself', () => {
  for (const s of STATUSES) {
    assert.not.ok(canTransition(s, s, 'status_change'), s)
  }
})

test.run()
