// Resolves an authenticated principal to a worker. The first request of a new human creates their worker
// (handle from the email prefix, made unique) and a project named "Default" that they own (FR-017).
// Agents are never created here: an agent token must name a registered agent.
import * as E from 'fp-ts/lib/Either.js'
import {
  createHuman, DEFAULT_PROJECT_NAME, defaultProjectSlug, deriveHandle, handleBase, refreshHuman, type Worker,
} from '../../domain/index.js'
import type { Caller, Principal } from '../caller.js'
import type { Deps } from '../deps.js'
import { unauthorized, type AppError } from '../errors.js'
import { UniqueViolation, type Stores } from '../ports/index.js'
import { insertProject } from '../projects/insert-project.js'
import { readOnly, storeFailure } from '../transaction.js'

const provisionDefaultProject = async (stores: Stores, human: Worker, now: Date): Promise<E.Either<AppError, unknown>> => {
  const base = defaultProjectSlug(human.handle, new Set())
  const slug = defaultProjectSlug(human.handle, await stores.projects.slugsStartingWith(base))
  return insertProject(stores, human, { slug, name: DEFAULT_PROJECT_NAME }, { type: 'human', id: human.id }, now)
}

/** Concurrent first requests of one user (or of two users whose handles collide) race on unique keys. */
const PROVISIONING_RETRIES = 5

/** How long a resolved human caller is reused without a database read, and how many are kept. */
export const CALLER_CACHE_TTL_MS = 30_000
export const CALLER_CACHE_SIZE = 10_000

/**
 * A human's worker changes only through their own claims (`refreshHuman`), and the cache key holds every claim:
 * changed claims miss the cache and go through the store. Agents are not cached (an agent can be deleted).
 */
const humanKey = (principal: Principal): string | undefined =>
  principal.kind === 'user' ? JSON.stringify([principal.userId, principal.email ?? null, principal.name ?? null, principal.platformAdmin === true]) : undefined

export const identify = (deps: Pick<Deps, 'uow' | 'clock'>) => {
  const cache = new Map<string, { readonly caller: Caller; readonly until: number }>()
  const remember = (key: string | undefined, caller: Caller): void => {
    if (key === undefined || caller.worker.firstSeenAt === null) return
    if (cache.size >= CALLER_CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(key, { caller, until: deps.clock.now().getTime() + CALLER_CACHE_TTL_MS })
  }
  return async (principal: Principal): Promise<E.Either<AppError, Caller>> => {
    const key = humanKey(principal)
    const hit = key === undefined ? undefined : cache.get(key)
    if (hit && hit.until > deps.clock.now().getTime()) return E.right(hit.caller)
    const resolved = await resolve(deps, principal)
    if (E.isRight(resolved)) remember(key, resolved.right)
    return resolved
  }
}

const resolve = async (deps: Pick<Deps, 'uow' | 'clock'>, principal: Principal): Promise<E.Either<AppError, Caller>> => {
  // Nearly every request comes from a known caller whose claims have not changed: one read, no transaction.
  const known = await readOnly(deps.uow, (stores) => knownCaller(deps, stores, principal))
  if (E.isLeft(known) || known.right !== undefined) return known as E.Either<AppError, Caller>
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await deps.uow.run((stores) => resolveCaller(deps, stores, principal))
    } catch (error) {
      // The loser of the race runs again and finds what the winner created (or derives the next free handle).
      if (!(error instanceof UniqueViolation) || attempt >= PROVISIONING_RETRIES) return storeFailure(error)
    }
  }
}

/** The caller when nothing needs writing (Right(undefined) otherwise); an unknown agent is refused here. */
const knownCaller = async (deps: Pick<Deps, 'clock'>, stores: Stores, principal: Principal): Promise<E.Either<AppError, Caller | undefined>> => {
  if (principal.kind === 'agent') return resolveCaller(deps, stores, principal)
  const known = await stores.workers.byUserId(principal.userId)
  const unchanged = known !== undefined && known.firstSeenAt !== null && refreshHuman(known, principal, deps.clock.now()) === known
  return E.right(unchanged ? { worker: known, platformAdmin: principal.platformAdmin === true } : undefined)
}

const resolveCaller = async (deps: Pick<Deps, 'clock'>, stores: Stores, principal: Principal): Promise<E.Either<AppError, Caller>> => {
  const now = deps.clock.now()
  if (principal.kind === 'agent') {
    const agent = await stores.workers.byHandle(principal.handle)
    if (!agent || agent.type !== 'agent') return E.left(unauthorized(`Unknown agent ${principal.handle}`))
    return E.right({ worker: agent, platformAdmin: false })
  }
  const platformAdmin = principal.platformAdmin === true
  const known = await stores.workers.byUserId(principal.userId)
  let human: Worker
  if (known) {
    human = refreshHuman(known, principal, now)
    if (human !== known) await stores.workers.update(human)
  } else {
    const source = principal.email ?? principal.userId
    const handle = deriveHandle(source, await stores.workers.handlesStartingWith(handleBase(source)))
    const draft = createHuman(principal, handle, now, true)
    if (E.isLeft(draft)) return E.left(unauthorized(`Token claims rejected: ${draft.left._tag === 'ValidationFailed' ? draft.left.issues.map((i) => `${i.path} ${i.message}`).join('; ') : 'invalid'}`))
    human = await stores.workers.insert(draft.right)
  }
  if (known === undefined || known.firstSeenAt === null) {
    const provisioned = await provisionDefaultProject(stores, human, now)
    if (E.isLeft(provisioned)) return provisioned
  }
  return E.right({ worker: human, platformAdmin })
}
