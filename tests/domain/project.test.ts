import fc from 'fast-check'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkKey, checkSlug, createProject, DEFAULT_PROJECT_NAME, defaultProjectSlug, deriveKey, KEY_PATTERN, keyBaseFromSlug, SLUG_PATTERN,
  updateProject, withUniqueSuffix,
} from '../../src/domain/project.js'
import { HANDLE_PATTERN } from '../../src/domain/worker.js'
import { fail, ok, paths } from '../support/either.js'
import { T0, T1, aProject } from '../support/builders.js'

test('slug ^[a-z0-9][a-z0-9-]{1,62}$', () => {
  for (const good of ['ab', 'web-app', 'task-flow', '1st-project', '42', 'a-', 'a--b', 'a'.repeat(63)]) assert.equal(checkSlug(good), [], good)
  for (const bad of ['', 'a', '-ab', 'Web', 'web_app', 'web app', 'web.app', 'a'.repeat(64), 'wéb', ' ab']) {
    assert.equal(checkSlug(bad), [{ path: 'slug', message: 'must match ^[a-z0-9][a-z0-9-]{1,62}$' }], bad)
  }
})

test('key ^[A-Z][A-Z0-9]{1,9}$', () => {
  for (const good of ['TF', 'A1', 'TF2', 'ABCDEFGHIJ', 'P1P']) assert.equal(checkKey(good), [], good)
  for (const bad of ['', 'T', '1A', 'tf', 'Tf', 'ABCDEFGHIJK', 'T-F', 'T F']) {
    assert.equal(checkKey(bad), [{ path: 'key', message: 'must match ^[A-Z][A-Z0-9]{1,9}$' }], bad)
  }
})

test('key from the slug: initials of two or more words, else the first ten letters and digits', () => {
  assert.is(keyBaseFromSlug('task-flow'), 'TF')
  assert.is(keyBaseFromSlug('web-app'), 'WA')
  assert.is(keyBaseFromSlug('my-cool-project'), 'MCP')
  assert.is(keyBaseFromSlug('taskflow'), 'TASKFLOW')
  assert.is(keyBaseFromSlug('averyveryverylongname'), 'AVERYVERYV')
  assert.is(keyBaseFromSlug('a-b-c-d-e-f-g-h-i-j-k-l'), 'ABCDEFGHIJ')
  assert.is(keyBaseFromSlug('a--b'), 'AB')
  assert.is(keyBaseFromSlug('app2'), 'APP2')
  assert.is(keyBaseFromSlug('web-2'), 'W2')
})

test('key from a slug that starts with a digit gets a P in front; a one-letter base gets a P behind', () => {
  assert.is(keyBaseFromSlug('1st-project'), 'P1P')
  assert.is(keyBaseFromSlug('42'), 'P42')
  assert.is(keyBaseFromSlug('9lives'), 'P9LIVES')
  assert.is(keyBaseFromSlug('123456789012'), 'P123456789')
  assert.is(keyBaseFromSlug('a-'), 'AP')
})

test('a taken key gets a numeric suffix that still fits ten characters', () => {
  assert.is(deriveKey('task-flow', new Set()), 'TF')
  assert.is(deriveKey('task-flow', new Set(['TF'])), 'TF2')
  assert.is(deriveKey('task-flow', new Set(['TF', 'TF2'])), 'TF3')
  assert.is(deriveKey('task-flow', new Set(['TF2'])), 'TF')
  assert.is(deriveKey('abcdefghij', new Set(['ABCDEFGHIJ'])), 'ABCDEFGHI2')
  const many = new Set(['ABCDEFGHIJ', ...Array.from({ length: 8 }, (_, i) => `ABCDEFGHI${i + 2}`)])
  assert.is(deriveKey('abcdefghij', many), 'ABCDEFGH10')
})

test('withUniqueSuffix: the base when free, else base+2, base+3, … trimmed to fit', () => {
  assert.is(withUniqueSuffix('x', 3, () => false), 'x')
  assert.is(withUniqueSuffix('abc', 3, (c) => c === 'abc'), 'ab2')
  const taken = new Set(['ab', 'ab2', 'ab3'])
  assert.is(withUniqueSuffix('ab', 5, (c) => taken.has(c)), 'ab4')
})

const slugArb = fc.stringMatching(SLUG_PATTERN)

test('property: any valid slug suggests a valid key, and a derived key is never one already taken', () => {
  fc.assert(fc.property(slugArb, fc.nat({ max: 15 }), (slug, projects) => {
    const base = keyBaseFromSlug(slug)
    assert.ok(KEY_PATTERN.test(base), `${slug} -> ${base}`)
    // Several projects with the same slug-derived key: each one gets a new, valid key.
    const taken = new Set<string>()
    for (let i = 0; i <= projects; i += 1) {
      const key = deriveKey(slug, taken)
      assert.ok(KEY_PATTERN.test(key), `${slug} -> ${key}`)
      assert.not.ok(taken.has(key), `${key} was taken`)
      if (i === 0) assert.is(key, base)
      taken.add(key)
    }
  }), { numRuns: 500 })
})

test('create: explicit key wins, derived key otherwise', () => {
  assert.equal(ok(createProject({ slug: 'task-flow', name: 'TaskFlow' }, 7, 'TF', T0)), {
    slug: 'task-flow', key: 'TF', name: 'TaskFlow', description: null, ownerId: 7, createdAt: T0, updatedAt: T0,
  })
  const explicit = ok(createProject({ slug: 'task-flow', name: 'x', key: 'FLOW', description: 'About' }, 7, 'TF', T0))
  assert.is(explicit.key, 'FLOW')
  assert.is(explicit.description, 'About')
})

test('create: every bad field reported at once', () => {
  const error = fail(createProject({ slug: 'Bad Slug', name: '', key: 'x', description: 'd'.repeat(10_001) }, 7, 'TF', T0), 'ValidationFailed')
  assert.equal([...paths(error)].sort(), ['description', 'key', 'name', 'slug'])
  assert.equal(paths(fail(createProject({ slug: 'ok-slug', name: 'n'.repeat(201) }, 7, 'OS', T0))), ['name'])
  ok(createProject({ slug: 'ok-slug', name: 'n'.repeat(200), description: 'd'.repeat(10_000) }, 7, 'OS', T0))
})

test('update: name and description; null clears the description', () => {
  const project = aProject({ description: 'old' })
  assert.equal(ok(updateProject(project, { name: 'New', description: null }, T1)), { ...project, name: 'New', description: null, updatedAt: T1 })
  assert.equal(ok(updateProject(project, { description: 'new' }, T1)), { ...project, description: 'new', updatedAt: T1 })
})

test('update that changes nothing returns the very same project', () => {
  const project = aProject({ description: 'old' })
  assert.is(ok(updateProject(project, {}, T1)), project)
  assert.is(ok(updateProject(project, { name: project.name, description: 'old' }, T1)), project)
})

test('update validates name and description', () => {
  const project = aProject()
  assert.equal(paths(fail(updateProject(project, { name: ' ' }, T1), 'ValidationFailed')), ['name'])
  assert.equal(paths(fail(updateProject(project, { description: 'd'.repeat(10_001) }, T1), 'ValidationFailed')), ['description'])
})

test('default project: named Default, slug default-<handle> made unique', () => {
  assert.is(DEFAULT_PROJECT_NAME, 'Default')
  assert.is(defaultProjectSlug('@sarah', new Set()), 'default-sarah')
  assert.is(defaultProjectSlug('@sarah_k', new Set()), 'default-sarah-k')
  assert.is(defaultProjectSlug('@sarah', new Set(['default-sarah'])), 'default-sarah2')
  assert.is(defaultProjectSlug('@sarah', new Set(['default-sarah', 'default-sarah2'])), 'default-sarah3')
})

test('property: any valid handle gives a valid, free default slug', () => {
  fc.assert(fc.property(fc.stringMatching(HANDLE_PATTERN), fc.boolean(), (handle, takeBase) => {
    const free = defaultProjectSlug(handle, new Set())
    const slug = defaultProjectSlug(handle, takeBase ? new Set([free]) : new Set())
    assert.equal(checkSlug(slug), [], slug)
    if (takeBase) assert.is.not(slug, free)
  }), { numRuns: 500 })
})

test.run()
