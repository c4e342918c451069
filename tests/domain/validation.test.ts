import * as E from 'fp-ts/lib/Either.js'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { collect, issue, matches, nonEmptyText, ok, optionalText } from '../../src/domain/validation.js'

test('collect: Right of the value when no check found an issue', () => {
  const value = { a: 1 }
  const result = collect(value, ok, [], ok)
  assert.ok(E.isRight(result))
  if (E.isRight(result)) assert.is(result.right, value)
  assert.ok(E.isRight(collect(value)))
})

test('collect: every issue of every check, in order, in one ValidationFailed', () => {
  assert.equal(collect('v', issue('a', 'x'), ok, [{ path: 'b', message: 'y' }, { path: 'c', message: 'z' }]), E.left({
    _tag: 'ValidationFailed',
    issues: [{ path: 'a', message: 'x' }, { path: 'b', message: 'y' }, { path: 'c', message: 'z' }],
  }))
})

test('nonEmptyText: not blank, at most max characters', () => {
  assert.equal(nonEmptyText('name', 'x', 3), [])
  assert.equal(nonEmptyText('name', 'xyz', 3), [])
  assert.equal(nonEmptyText('name', ' x ', 3), [])
  for (const blank of ['', ' ', '\t\n']) assert.equal(nonEmptyText('name', blank, 3), [{ path: 'name', message: 'must be a non-empty string' }])
  assert.equal(nonEmptyText('name', 'wxyz', 3), [{ path: 'name', message: 'must be at most 3 characters' }])
})

test('optionalText: null is fine, otherwise at most max characters (empty allowed)', () => {
  assert.equal(optionalText('description', null, 3), [])
  assert.equal(optionalText('description', '', 3), [])
  assert.equal(optionalText('description', 'xyz', 3), [])
  assert.equal(optionalText('description', 'wxyz', 3), [{ path: 'description', message: 'must be at most 3 characters' }])
})

test('matches: the pattern, described in the message', () => {
  assert.equal(matches('slug', 'ab', /^[a-z]+$/, '^[a-z]+$'), [])
  assert.equal(matches('slug', 'AB', /^[a-z]+$/, '^[a-z]+$'), [{ path: 'slug', message: 'must match ^[a-z]+$' }])
})

test.run()
