// Worker: a human (from SSO) or a registered AI agent. Both have a globally unique @handle.
import type * as E from 'fp-ts/lib/Either.js'
import type { DomainError } from './errors.js'
import type { WorkerId } from './ids.js'
import { withUniqueSuffix } from './project.js'
import { charCount } from './text.js'
import { collect, issue, matches, nonEmptyText, ok, type Check } from './validation.js'

export type WorkerType = 'human' | 'agent'

export interface Worker {
  readonly id: WorkerId
  readonly type: WorkerType
  readonly handle: string
  readonly name: string
  readonly email: string | null
  /** SSO subject of a human; null for agents. */
  readonly userId: string | null
  readonly agentType: string | null
  readonly capabilities: readonly string[]
  /** Who registered an agent; null for humans. */
  readonly createdById: WorkerId | null
  /** When a human first authenticated (null while only added to projects by others). */
  readonly firstSeenAt: Date | null
  readonly createdAt: Date
  readonly updatedAt: Date
}

export type NewWorker = Omit<Worker, 'id'>

export const HANDLE_PATTERN = /^@[a-z0-9][a-z0-9_-]{1,38}$/
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/
const HANDLE_MAX = 39

export const checkHandle = (handle: string): Check =>
  matches('handle', handle, HANDLE_PATTERN, '^@[a-z0-9][a-z0-9_-]{1,38}$')

export const checkEmail = (path: string, email: string): Check =>
  EMAIL_PATTERN.test(email) && email.length <= 254 ? ok : issue(path, 'must be an email address')

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()

/**
 * The handle a new human gets: the email's local part (or the SSO subject when there is no email),
 * lower-cased, reduced to the handle alphabet, made unique by a numeric suffix: `@sarah`, `@sarah2`, …
 */
export const handleBase = (emailOrSubject: string): string => {
  const local = emailOrSubject.split('@')[0] ?? ''
  let body = local.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '')
  if (body.length < 2) body = `user${body}`
  return `@${body.slice(0, HANDLE_MAX - 1)}`
}

export const deriveHandle = (emailOrSubject: string, takenHandles: ReadonlySet<string>): string =>
  withUniqueSuffix(handleBase(emailOrSubject), HANDLE_MAX, (h) => takenHandles.has(h))

export interface HumanInput {
  readonly userId: string
  readonly email?: string | null
  readonly name?: string | null
}

export const createHuman = (input: HumanInput, handle: string, now: Date, firstSeen: boolean): E.Either<DomainError, NewWorker> => {
  const email = input.email ? normalizeEmail(input.email) : null
  return collect(
    {
      type: 'human' as const,
      handle,
      name: input.name?.trim() || email || input.userId,
      email,
      userId: input.userId,
      agentType: null,
      capabilities: [],
      createdById: null,
      firstSeenAt: firstSeen ? now : null,
      createdAt: now,
      updatedAt: now,
    },
    nonEmptyText('user_id', input.userId, 255),
    email === null ? ok : checkEmail('email', email),
  )
}

export interface AgentInput {
  readonly handle: string
  readonly name?: string | null
  readonly agentType: string
  readonly capabilities?: readonly string[]
}

/** Like tags: duplicates are dropped before counting, and a bad entry is reported at its first position in the request. */
const checkCapabilities = (capabilities: readonly string[]): Check => {
  if (new Set(capabilities).size > 50) return issue('capabilities', 'must have at most 50 entries')
  return capabilities.flatMap((c, i) =>
    capabilities.indexOf(c) === i && (c.trim().length === 0 || charCount(c) > 100)
      ? issue(`capabilities.${i}`, 'must be a string of 1..100 characters')
      : ok,
  )
}

export const createAgent = (input: AgentInput, createdById: WorkerId, now: Date): E.Either<DomainError, NewWorker> =>
  collect(
    {
      type: 'agent' as const,
      handle: input.handle,
      name: input.name?.trim() || input.handle,
      email: null,
      userId: null,
      agentType: input.agentType,
      capabilities: [...new Set(input.capabilities ?? [])],
      createdById,
      firstSeenAt: null,
      createdAt: now,
      updatedAt: now,
    },
    checkHandle(input.handle),
    input.name ? nonEmptyText('name', input.name, 200) : ok,
    nonEmptyText('agent_type', input.agentType, 50),
    checkCapabilities(input.capabilities ?? []),
  )

export interface AgentPatch {
  readonly name?: string
  readonly agentType?: string
  readonly capabilities?: readonly string[]
}

export const updateAgent = (agent: Worker, patch: AgentPatch, now: Date): E.Either<DomainError, Worker> => {
  const next: Worker = {
    ...agent,
    // Trimmed as on registration: "  Claude " is stored as "Claude" (a blank name is refused below).
    name: patch.name?.trim() || (patch.name === undefined ? agent.name : patch.name),
    agentType: patch.agentType ?? agent.agentType,
    capabilities: patch.capabilities ? [...new Set(patch.capabilities)] : agent.capabilities,
  }
  const unchanged =
    next.name === agent.name &&
    next.agentType === agent.agentType &&
    next.capabilities.join('\u0000') === agent.capabilities.join('\u0000')
  return collect(
    unchanged ? agent : { ...next, updatedAt: now },
    patch.name === undefined ? ok : nonEmptyText('name', patch.name, 200),
    patch.agentType === undefined ? ok : nonEmptyText('agent_type', patch.agentType, 50),
    checkCapabilities(patch.capabilities ?? agent.capabilities),
  )
}

/** The claims an SSO login brings, applied to an existing human (email/name may change at the SSO). */
export const refreshHuman = (human: Worker, input: HumanInput, now: Date): Worker => {
  const email = input.email ? normalizeEmail(input.email) : human.email
  const name = input.name?.trim() || human.name
  const firstSeenAt = human.firstSeenAt ?? now
  if (email === human.email && name === human.name && firstSeenAt === human.firstSeenAt) return human
  return { ...human, email, name, firstSeenAt, updatedAt: now }
}

export const isAgent = (worker: Worker): boolean => worker.type === 'agent'
