import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkDescription, checkDueDate, checkPercent, checkPriority, checkStoryPoints, checkTags, checkTitle, DESCRIPTION_MAX, isPriority,
  normalizeTags, PRIORITIES, STORY_POINTS_MAX, TAG_LENGTH_MAX, TAGS_MAX, TITLE_MAX,
} from '../../src/domain/task-fields.js'

const tagsOf = (n: number): string[] => Array.from({ length: n }, (_, i) => `t${i}`)

test('title: 1..500 characters, not blank; the path can be renamed', () => {
  assert.is(TITLE_MAX, 500)
  assert.equal(checkTitle('x'), [])
  assert.equal(checkTitle('x'.repeat(500)), [])
  assert.equal(checkTitle('x'.repeat(501)), [{ path: 'title', message: 'must be at most 500 characters' }])
  for (const blank of ['', '   ', '\n']) assert.equal(checkTitle(blank), [{ path: 'title', message: 'must be a non-empty string' }])
  assert.equal(checkTitle('', 'name'), [{ path: 'name', message: 'must be a non-empty string' }])
})

test('description: optional, up to 20 000 characters', () => {
  assert.is(DESCRIPTION_MAX, 20_000)
  assert.equal(checkDescription(null), [])
  assert.equal(checkDescription(''), [])
  assert.equal(checkDescription('d'.repeat(20_000)), [])
  assert.equal(checkDescription('d'.repeat(20_001)), [{ path: 'description', message: 'must be at most 20000 characters' }])
})

test('priority: low, medium, high, urgent', () => {
  assert.equal([...PRIORITIES], ['low', 'medium', 'high', 'urgent'])
  for (const p of PRIORITIES) {
    assert.ok(isPriority(p))
    assert.equal(checkPriority(p), [])
  }
  for (const bad of ['critical', 'HIGH', '', 'normal']) {
    assert.not.ok(isPriority(bad))
    assert.equal(checkPriority(bad), [{ path: 'priority', message: 'must be one of low, medium, high, urgent' }])
  }
})

test('tags: exact duplicates are dropped, first occurrence kept, order kept', () => {
  assert.equal(normalizeTags(['b', 'a', 'b', 'c', 'a']), ['b', 'a', 'c'])
  assert.equal(normalizeTags(['A', 'a']), ['A', 'a'])
  assert.equal(normalizeTags([]), [])
})

test('tags: at most 20, counted after dropping duplicates', () => {
  assert.is(TAGS_MAX, 20)
  assert.equal(checkTags(tagsOf(20)), [])
  assert.equal(checkTags([...tagsOf(20), 't0', 't19']), [])
  assert.equal(checkTags(tagsOf(21)), [{ path: 'tags', message: 'must have at most 20 tags' }])
  assert.equal(checkTags(tagsOf(21), 'labels'), [{ path: 'labels', message: 'must have at most 20 tags' }])
})

test('tags: each 1..50 characters, not blank, reported at its position in the request', () => {
  assert.is(TAG_LENGTH_MAX, 50)
  assert.equal(checkTags(['x', 'x'.repeat(50)]), [])
  const message = 'must be a string of 1..50 characters'
  assert.equal(checkTags(['ok', 'x'.repeat(51)]), [{ path: 'tags.1', message }])
  assert.equal(checkTags(['', 'ok', '  ']), [{ path: 'tags.0', message }, { path: 'tags.2', message }])
  // A duplicate before the bad tag does not shift its index, and a repeated bad tag is reported once.
  assert.equal(checkTags(['a', 'a', '', '']), [{ path: 'tags.2', message }])
  assert.equal(checkTags([''], 'labels'), [{ path: 'labels.0', message }])
})

const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysIn = (y: number, m: number): number => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0
const pad = (n: number, width: number): string => String(n).padStart(width, '0')

test('due date: real calendar dates YYYY-MM-DD from 1900 on', () => {
  for (const good of ['2026-11-22', '2024-02-29', '2000-02-29', '1900-01-01', '9999-12-31', '2026-01-31', '2026-04-30']) {
    assert.equal(checkDueDate(good), [], good)
  }
  for (const bad of ['2026-02-29', '1900-02-29', '2100-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '1899-12-31', '0050-01-01']) {
    assert.equal(checkDueDate(bad), [{ path: 'due_date', message: 'must be an existing calendar date from 1900 on' }], bad)
  }
  for (const bad of ['', '26-11-22', '2026-1-05', '2026/11/22', '2026-11-22T10:00:00Z', ' 2026-11-22', '2026-11-22 ', 'tomorrow', '+02026-11-22']) {
    assert.equal(checkDueDate(bad), [{ path: 'due_date', message: 'must be a date YYYY-MM-DD' }], bad)
  }
  assert.equal(checkDueDate(null), [])
})

test('property: a due date is accepted exactly when it exists in the calendar (1900..9999)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }),
    (y, m, d) => {
      const exists = y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
      assert.is(checkDueDate(`${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`).length === 0, exists)
    },
  ), { numRuns: 2000 })
})

test('story points: 0..1000 in steps of 0.5', () => {
  assert.is(STORY_POINTS_MAX, 1000)
  for (const good of [0, 0.5, 1, 2.5, 13, 999.5, 1000, null]) assert.equal(checkStoryPoints(good), [], String(good))
  const message = 'must be a number from 0 to 1000 in steps of 0.5'
  for (const bad of [-0.5, -1, 1000.5, 1001, 0.25, 0.3, 2.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    assert.equal(checkStoryPoints(bad), [{ path: 'story_points', message }], String(bad))
  }
  assert.equal(checkStoryPoints(-1, 'points'), [{ path: 'points', message }])
})

test('property: story points are accepted exactly when they are k/2 for k in 0..2000', () => {
  fc.assert(fc.property(fc.integer({ min: -100, max: 2100 }), (k) => {
    assert.is(checkStoryPoints(k / 2).length === 0, k >= 0 && k <= 2000)
  }))
  fc.assert(fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), (x) => {
    assert.is(checkStoryPoints(x).length === 0, Number.isInteger(x * 2))
  }))
})

test('percent: an integer from 0 to 100', () => {
  for (const good of [0, 1, 50, 100]) assert.equal(checkPercent(good), [], String(good))
  for (const bad of [-1, 101, 0.5, 99.9, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.equal(checkPercent(bad), [{ path: 'percent', message: 'must be an integer from 0 to 100' }], String(bad))
  }
})

test.run()
