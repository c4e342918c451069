// A TypeScript host using every entry point: type-checked strict, skipLibCheck false, nodenext and bundler.
import type { Either } from 'fp-ts/lib/Either.js'
import Koa from 'koa'
import { MikroORM } from '@mikro-orm/postgresql'
import { changeStatus, createTaskport, inMemoryAdapters, type AppError, type Caller, type Task, type Taskport, type TaskView, type UnitOfWork } from 'taskport'
import { AuthUnavailable, createTaskportApp, jwksAuthenticator, type Authenticate, type TaskportAppOptions } from 'taskport/koa'
import { ENTITY_SCHEMAS, MIGRATIONS, mikroOrmOptions, mikroOrmUnitOfWork, openTaskportDatabase, type TaskportDatabase } from 'taskport/mikro-orm'
import { mcpService, type McpService } from 'taskport/mcp'

export const review = (task: Task, now: Date) => changeStatus(task, 'review', now)

export const composed = async (): Promise<Either<AppError, TaskView> | undefined> => {
  const tp: Taskport = createTaskport(inMemoryAdapters())
  const caller = await tp.identify({ kind: 'user', userId: 'u', email: 'u@example.com' })
  if (caller._tag === 'Left') return undefined
  const who: Caller = caller.right
  return tp.tasks.create(who, 1, { title: 'typed' })
}

export const hosted = (uow: UnitOfWork): Koa => {
  const authenticate: Authenticate = jwksAuthenticator({ jwksUrl: 'https://sso.example.com/jwks', issuer: 'https://sso.example.com', audience: 'taskport' })
  const options: TaskportAppOptions = { uow, authenticate, databaseReady: async () => true }
  const app = createTaskportApp(options)
  new Koa().use(async (ctx, next) => {
    try {
      await next()
    } catch (error) {
      if (error instanceof AuthUnavailable) ctx.status = 503
    }
  })
  return app
}

export const ownOrm = async (url: string): Promise<UnitOfWork> => {
  const orm = await MikroORM.init({ ...mikroOrmOptions(url), entities: [...ENTITY_SCHEMAS], migrations: { migrationsList: MIGRATIONS } })
  return mikroOrmUnitOfWork(orm)
}

export const opened = (): Promise<TaskportDatabase> => openTaskportDatabase({ databaseUrl: 'postgres://localhost/taskport' })

export const agents = (tp: Taskport): McpService => mcpService(tp)
