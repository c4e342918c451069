// Project: slug and key formats, the key derived from the slug, and the "Default" project of a new user.
import type * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { ProjectId, WorkerId } from './ids.js'
import { collect, matches, nonEmptyText, ok, optionalText, type Check } from './validation.js'

export interface Project {
  readonly id: ProjectId
  readonly slug: string
  readonly key: string
  readonly name: string
  readonly description: string | null
  /** The worker who owns the project (its creator unless ownership moved). */
  readonly ownerId: WorkerId
  readonly createdAt: Date
  readonly updatedAt: Date
}

export type NewProject = Omit<Project, 'id'>

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/
export const KEY_PATTERN = /^[A-Z][A-Z0-9]{1,9}$/
export const PROJECT_NAME_MAX = 200
export const PROJECT_DESCRIPTION_MAX = 10_000

export const checkSlug = (slug: string): Check => matches('slug', slug, SLUG_PATTERN, '^[a-z0-9][a-z0-9-]{1,62}$')
export const checkKey = (key: string): Check => matches('key', key, KEY_PATTERN, '^[A-Z][A-Z0-9]{1,9}$')

/** Appends 2, 3, … to `base` (trimmed to fit `max`) until `isTaken` says no. */
export const withUniqueSuffix = (base: string, max: number, isTaken: (candidate: string) => boolean): string => {
  if (!isTaken(base)) return base
  for (let n = 2; ; n += 1) {
    const suffix = String(n)
    const candidate = base.slice(0, max - suffix.length) + suffix
    if (!isTaken(candidate)) return candidate
  }
}

/**
 * The key a slug suggests: the initials of its hyphen-separated words when there are at least two
 * (`task-flow` -> `TF`), otherwise its first ten letters and digits (`taskflow` -> `TASKFLOW`).
 * A key must start with a letter, so a slug starting with a digit gets a `P` in front.
 */
export const keyBaseFromSlug = (slug: string): string => {
  const words = slug.split('-').filter((w) => w.length > 0)
  const initials = words.map((w) => w[0]).join('')
  let base = (words.length >= 2 ? initials : words.join('')).toUpperCase().replace(/[^A-Z0-9]/g, '')
  if (!/^[A-Z]/.test(base)) base = `P${base}`
  if (base.length < 2) base = `${base}P`
  return base.slice(0, 10)
}

export const deriveKey = (slug: string, takenKeys: ReadonlySet<string>): string =>
  withUniqueSuffix(keyBaseFromSlug(slug), 10, (k) => takenKeys.has(k))

export interface ProjectInput {
  readonly slug: string
  readonly name: string
  readonly description?: string | null
  /** Explicit key; derived from the slug when absent. */
  readonly key?: string
}

export const createProject = (
  input: ProjectInput,
  ownerId: WorkerId,
  derivedKey: string,
  now: Date,
): E.Either<DomainError, NewProject> =>
  collect(
    {
      slug: input.slug,
      key: input.key ?? derivedKey,
      name: input.name,
      description: input.description ?? null,
      ownerId,
      createdAt: now,
      updatedAt: now,
    },
    checkSlug(input.slug),
    input.key === undefined ? ok : checkKey(input.key),
    nonEmptyText('name', input.name, PROJECT_NAME_MAX),
    optionalText('description', input.description ?? null, PROJECT_DESCRIPTION_MAX),
  )

export interface ProjectPatch {
  readonly name?: string
  readonly description?: string | null
}

/** Applies a patch; returns the same object when nothing changed. */
export const updateProject = (project: Project, patch: ProjectPatch, now: Date): E.Either<DomainError, Project> => {
  const next: Project = {
    ...project,
    name: patch.name ?? project.name,
    description: patch.description === undefined ? project.description : patch.description,
  }
  const unchanged = next.name === project.name && next.description === project.description
  return collect(
    unchanged ? project : { ...next, updatedAt: now },
    patch.name === undefined ? ok : nonEmptyText('name', patch.name, PROJECT_NAME_MAX),
    optionalText('description', next.description, PROJECT_DESCRIPTION_MAX),
  )
}

/** Slug of a user's first project: `default-<handle>`, made unique like handles. */
export const defaultProjectSlug = (handle: string, takenSlugs: ReadonlySet<string>): string => {
  const base = `default-${handle.replace(/^@/, '').replace(/_/g, '-')}`.slice(0, 63)
  return withUniqueSuffix(base, 63, (s) => takenSlugs.has(s))
}

export const DEFAULT_PROJECT_NAME = 'Default'
