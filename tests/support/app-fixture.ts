// A running taskport over the in-memory adapters with a clock the test controls, and small helpers to
// create callers and read Either results. Shared by every application test.
import * as E from 'fp-ts/lib/Either.js'
import * as assert from 'uvu/assert'
import type { AppError, Caller, Deps, Principal } from '../../src/application/index.js'
import type { Role } from '../../src/domain/index.js'
import { describeAppError } from '../../src/application/index.js'
import { inMemoryAdapters, type InMemoryAdapters } from '../../src/adapters/persistence/memory/index.js'
import { createTaskport, type Taskport } from '../../src/main/create-taskport.js'
import { faulty, type FaultyUnitOfWork } from './faults.js'

export class TestClock {
  constructor(private current = new Date('2026-11-22T10:00:00.000Z')) {}
  now = (): Date => new Date(this.current.getTime())
  advance(ms = 1000): Date {
    this.current = new Date(this.current.getTime() + ms)
    return this.now()
  }
}

export interface Fixture {
  readonly tp: Taskport
  /** Wraps the in-memory unit of work: `f.faults.failAuditWrites()` makes the next audit writes throw. */
  readonly faults: FaultyUnitOfWork
  readonly adapters: InMemoryAdapters
  readonly clock: TestClock
  /** Logs in a human (first-login provisioning runs on the first call). */
  human(name: string, options?: { platformAdmin?: boolean; email?: string }): Promise<Caller>
  /** Registers an agent (by `owner`) and returns it as a caller. */
  agent(owner: Caller, handle: string): Promise<Caller>
  /** Creates a project owned by `owner` and adds the given members with their roles. */
  project(owner: Caller, slug: string, members?: ReadonlyArray<readonly [Caller, Role]>): Promise<number>
}

export const right = <A>(result: E.Either<AppError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected Right, got ${result.left._tag}: ${describeAppError(result.left)}`)
  return result.right
}

/** Asserts a Left with this tag (and, when given, this exact detail message); returns the error. */
export const left = <A>(result: E.Either<AppError, A>, tag: AppError['_tag'], detail?: string): AppError => {
  if (E.isRight(result)) throw new Error(`expected Left ${tag}, got Right`)
  assert.is(result.left._tag, tag, `expected ${tag}, got ${result.left._tag}: ${describeAppError(result.left)}`)
  if (detail !== undefined) assert.is(describeAppError(result.left), detail)
  return result.left
}

export const fixture = (overrides: Partial<Deps> = {}): Fixture => {
  const clock = new TestClock()
  const memory = inMemoryAdapters()
  const faults = faulty(memory.uow)
  const adapters = { ...memory, clock, uow: faults, ...overrides }
  const tp = createTaskport(adapters)
  const human = async (name: string, options: { platformAdmin?: boolean; email?: string } = {}): Promise<Caller> => {
    const principal: Principal = {
      kind: 'user',
      userId: `sso|${name}`,
      email: options.email ?? `${name}@example.com`,
      name,
      platformAdmin: options.platformAdmin ?? false,
    }
    return right(await tp.identify(principal))
  }
  const agent = async (owner: Caller, handle: string): Promise<Caller> => {
    right(await tp.agents.register(owner, { handle, agentType: 'claude' }))
    return right(await tp.identify({ kind: 'agent', handle }))
  }
  const project = async (owner: Caller, slug: string, members: ReadonlyArray<readonly [Caller, Role]> = []): Promise<number> => {
    const created = right(await tp.projects.create(owner, { slug, name: slug }))
    for (const [member, role] of members) {
      const command = member.worker.type === 'agent'
        ? { agentId: member.worker.id, role }
        : { userId: member.worker.userId ?? '', role }
      right(await tp.members.add(owner, created.project.id, command))
    }
    return created.project.id
  }
  return { tp, adapters, faults, clock, human, agent, project }
}
