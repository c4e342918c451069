// Validation of the editable task fields: title, description, priority, tags, due date, story points.
import { charCount } from './text.js'
import { issue, nonEmptyText, ok, optionalText, type Check } from './validation.js'

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const
export type Priority = (typeof PRIORITIES)[number]
export const isPriority = (value: string): value is Priority => (PRIORITIES as readonly string[]).includes(value)

export const TITLE_MAX = 500
export const DESCRIPTION_MAX = 20_000
export const TAGS_MAX = 20
export const TAG_LENGTH_MAX = 50
export const STORY_POINTS_MAX = 1000

/**
 * How much a write may hold. Users' own REST writes take USER_TASK_LIMITS; what a source system pushes
 * (task-sync, vendor webhooks, imports) takes SYNC_TASK_LIMITS, which are at least what GitHub, Jira and Linear
 * allow, so that no item they consider valid is refused (docs/decisions.md, "Inbound fidelity").
 */
export interface TaskLimits {
  readonly title: number
  readonly description: number
  readonly tags: number
  readonly tagLength: number
  /** REST: 0..1000 in halves. Sync: any finite number, as Jira's number fields allow. */
  readonly storyPoints: 'halves' | 'any'
}

export const USER_TASK_LIMITS: TaskLimits = {
  title: TITLE_MAX, description: DESCRIPTION_MAX, tags: TAGS_MAX, tagLength: TAG_LENGTH_MAX, storyPoints: 'halves',
}

/**
 * GitHub: titles 256, bodies 65,536, label names 50. Jira Cloud: summary 255, text fields 32,767, labels 255.
 * Linear publishes no limits. taskport's sync limits are at or above all of them.
 */
export const SYNC_TASK_LIMITS: TaskLimits = {
  title: TITLE_MAX, description: 262_144, tags: 200, tagLength: 255, storyPoints: 'any',
}

export const checkTitle = (title: string, path = 'title', limits: TaskLimits = USER_TASK_LIMITS): Check => nonEmptyText(path, title, limits.title)

export const checkDescription = (description: string | null, limits: TaskLimits = USER_TASK_LIMITS): Check =>
  optionalText('description', description, limits.description)

export const checkPriority = (priority: string): Check =>
  isPriority(priority) ? ok : issue('priority', `must be one of ${PRIORITIES.join(', ')}`)

/** Exact duplicates are dropped, order is kept. */
export const normalizeTags = (tags: readonly string[]): readonly string[] => [...new Set(tags)]

/** Up to `limits.tags` distinct tags of 1..`limits.tagLength` characters. */
export const checkTags = (tags: readonly string[], path = 'tags', limits: TaskLimits = USER_TASK_LIMITS): Check => {
  if (normalizeTags(tags).length > limits.tags) return issue(path, `must have at most ${limits.tags} tags`)
  // Paths name the position in the request (a bad tag once, at its first occurrence), not in the de-duplicated list.
  return tags.flatMap((tag, i) =>
    tags.indexOf(tag) === i && (tag.trim().length === 0 || charCount(tag) > limits.tagLength)
      ? issue(`${path}.${i}`, `must be a string of 1..${limits.tagLength} characters`)
      : ok,
  )
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), years 1900..9999. */
export const checkDueDate = (dueDate: string | null): Check => {
  if (dueDate === null) return ok
  const m = DATE_PATTERN.exec(dueDate)
  if (!m) return issue('due_date', 'must be a date YYYY-MM-DD')
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  const exists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  return exists && year >= 1900 ? ok : issue('due_date', 'must be an existing calendar date from 1900 on')
}

/** Non-negative, at most 1000, in steps of 0.5 (Jira and Linear use halves). */
export const checkStoryPoints = (points: number | null, path = 'story_points', limits: TaskLimits = USER_TASK_LIMITS): Check => {
  if (points === null) return ok
  if (limits.storyPoints === 'any') return Number.isFinite(points) ? ok : issue(path, 'must be a finite number')
  if (!Number.isFinite(points) || points < 0 || points > STORY_POINTS_MAX || !Number.isInteger(points * 2)) {
    return issue(path, `must be a number from 0 to ${STORY_POINTS_MAX} in steps of 0.5`)
  }
  return ok
}

export const checkPercent = (percent: number): Check =>
  Number.isInteger(percent) && percent >= 0 && percent <= 100 ? ok : issue('percent', 'must be an integer from 0 to 100')
