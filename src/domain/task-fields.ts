// Validation of the editable task fields: title, description, priority, tags, due date, story points.
import { issue, nonEmptyText, ok, optionalText, type Check } from './validation.js'

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const
export type Priority = (typeof PRIORITIES)[number]
export const isPriority = (value: string): value is Priority => (PRIORITIES as readonly string[]).includes(value)

export const TITLE_MAX = 500
export const DESCRIPTION_MAX = 20_000
export const TAGS_MAX = 20
export const TAG_LENGTH_MAX = 50
export const STORY_POINTS_MAX = 1000

export const checkTitle = (title: string, path = 'title'): Check => nonEmptyText(path, title, TITLE_MAX)

export const checkDescription = (description: string | null): Check =>
  optionalText('description', description, DESCRIPTION_MAX)

export const checkPriority = (priority: string): Check =>
  isPriority(priority) ? ok : issue('priority', `must be one of ${PRIORITIES.join(', ')}`)

/** Up to 20 tags of 1..50 characters; exact duplicates are dropped, order is kept. */
export const normalizeTags = (tags: readonly string[]): readonly string[] => [...new Set(tags)]

export const checkTags = (tags: readonly string[], path = 'tags'): Check => {
  if (normalizeTags(tags).length > TAGS_MAX) return issue(path, `must have at most ${TAGS_MAX} tags`)
  // Paths name the position in the request (a bad tag once, at its first occurrence), not in the de-duplicated list.
  return tags.flatMap((tag, i) =>
    tags.indexOf(tag) === i && (tag.trim().length === 0 || tag.length > TAG_LENGTH_MAX)
      ? issue(`${path}.${i}`, `must be a string of 1..${TAG_LENGTH_MAX} characters`)
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
export const checkStoryPoints = (points: number | null, path = 'story_points'): Check => {
  if (points === null) return ok
  if (!Number.isFinite(points) || points < 0 || points > STORY_POINTS_MAX || !Number.isInteger(points * 2)) {
    return issue(path, `must be a number from 0 to ${STORY_POINTS_MAX} in steps of 0.5`)
  }
  return ok
}

export const checkPercent = (percent: number): Check =>
  Number.isInteger(percent) && percent >= 0 && percent <= 100 ? ok : issue('percent', 'must be an integer from 0 to 100')
