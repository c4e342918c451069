// Mounting taskport inside an existing Koa service that brings its own database and its own SSO.
// Run by the test suite (tests/docs/embedding.test.ts) against a real PostgreSQL and a loopback JWKS server.
import Koa from 'koa'
import mount from 'koa-mount'
import { createTaskportApp, jwksAuthenticator } from 'taskport/koa'
import { openTaskportDatabase } from 'taskport/mikro-orm'

export interface HostOptions {
  /** The host's PostgreSQL (taskport applies its migrations there on open). */
  readonly databaseUrl: string
  /** The host's SSO. */
  readonly jwksUrl: string
  readonly issuer: string
  readonly audience: string
}

export const buildHostService = async (options: HostOptions) => {
  const db = await openTaskportDatabase({ databaseUrl: options.databaseUrl })
  const taskport = createTaskportApp({
    uow: db.uow,
    authenticate: jwksAuthenticator({ jwksUrl: options.jwksUrl, issuer: options.issuer, audience: options.audience }),
    databaseReady: db.ping,
  })

  const host = new Koa()
  host.use(mount('/taskport', taskport)) // every taskport route now lives under /taskport
  host.use(async (ctx) => {
    ctx.body = { service: 'host', path: ctx.path } // the host's own routes
  })
  return { host, close: db.close }
}
