import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkKey, checkSlug, createProject, defaultProjectSlug, deriveKey, keyBaseFromSlug, updateProject, withUniqueSuffix,
} from '../../src/domain/index.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, projectMother } from '../support/domain-mothers.js'

test('slug ^[a-z0-9][a-z0-9-]{1,62}$', () => {
  for (const good of ['ab', 'web-app', '1st-project', 'a'.repeat(63)]) assert.equal(checkSlug(good), [], good)
  for (const bad of ['a', '-ab', 'Web', 'web_app', 'a'.repeat(64), 'web app']) assert.is(checkSlug(bad).length, 1, bad)
})

test('key ^[A-Z][A-Z0-9]{1,9}$', () => {
  for (const good of ['TF', 'A1', 'ABCDEFGHIJ']) assert.equal(checkKey(good), [], good)
  for (const bad of ['T', '1A', 'tf', 'ABCDEFGHIJK', 'T-F']) assert.is(checkKey(bad).length, 1, bad)
})

test('key derived from the slug: initials of words, else the first ten letters and digits', () => {
  assert.is(keyBaseFromSlug('task-flow'), 'TF')
  assert.is(keyBaseFromSlug('my-cool-project'), 'MCP')
  assert.is(keyBaseFromSlug('taskflow'), 'TASKFLOW')
  assert.is(keyBaseFromSlug('averyveryverylongname'), 'AVERYVERYV')
  assert.is(keyBaseFromSlug('1st-project'), 'P1P')
  assert.is(keyBaseFromSlug('42'), 'P42')
  assert.is(keyBaseFromSlug('a--b'), 'AB')
  for (const slug of ['task-flow', 'x1', '9-9', 'a-b-c-d-e-f-g-h-i-j-k-l']) assert.equal(checkKey(keyBaseFromSlug(slug)), [], slug)
})

test('a taken derived key gets a numeric suffix that still fits ten characters', () => {
  assert.is(deriveKey('task-flow', new Set()), 'TF')
  assert.is(deriveKey('task-flow', new Set(['TF'])), 'TF2')
  assert.is(deriveKey('task-flow', new Set(['TF', 'TF2'])), 'TF3')
  assert.is(deriveKey('abcdefghij', new Set(['ABCDEFGHIJ'])), 'ABCDEFGHI2')
  assert.is(withUniqueSuffix('x', 3, () => false), 'x')
})

test('create: explicit key wins, derived key otherwise; every bad field reported', () => {
  const derived = ok(createProject({ slug: 'task-flow', name: 'TaskFlow' }, 7, 'TF', T0))
  assert.equal(derived, { slug: 'task-flow', key: 'TF', name: 'TaskFlow', description: null, ownerId: 7, createdAt: T0, updatedAt: T0 })
  assert.is(ok(createProject({ slug: 'task-flow', name: 'x', key: 'FLOW' }, 7, 'TF', T0)).key, 'FLOW')
  const error = fail(createProject({ slug: 'Bad Slug', name: '', key: 'x', description: 'd'.repeat(10_001) }, 7, 'TF', T0), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['description', 'key', 'name', 'slug'])
})

test('update: name and description; no change returns the same object', () => {
  const project = projectMother({ description: 'old' })
  const next = ok(updateProject(project, { name: 'New', description: null }, T1))
  assert.is(next.name, 'New')
  assert.is(next.description, null)
  assert.equal(next.updatedAt, T1)
  assert.is(ok(updateProject(project, { name: project.name }, T1)), project)
  fail(updateProject(project, { name: ' ' }, T1), 'ValidationFailed')
})

test('default project slug: default-<handle>, unique', () => {
  assert.is(defaultProjectSlug('@sarah', new Set()), 'default-sarah')
  assert.is(defaultProjectSlug('@sarah_k', new Set()), 'default-sarah-k')
  assert.is(defaultProjectSlug('@sarah', new Set(['default-sarah'])), 'default-sarah2')
  assert.equal(checkSlug(defaultProjectSlug(`@${'a'.repeat(38)}`, new Set())), [])
})

test.run()
