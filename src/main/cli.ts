#!/usr/bin/env node
// `taskport serve`: the server (as `npm start`, configured by the environment: docs/configuration.md).
// `taskport migrate`: applies pending migrations to DATABASE_URL (or the embedded database) and exits.
// `taskport token --sub alice --email alice@example.com [--name Alice] [--admin] [--agent] [--expires 30d]`:
// mints a development-mode bearer token with the key in TASKPORT_DATA_DIR. Refused when NODE_ENV=production.
// `taskport import github …`: see cli-import.ts. `taskport mcp --url <server> --token <JWT>`: MCP over stdio.
//
// Each command loads only what it uses, after checking that its optional peers are installed: from the
// published package, a missing one is one line naming what to install (exit code 69), not a stack trace.
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import { MissingPeerError, requirePeers, type Peer } from '../peers.js'

const [command, ...rest] = process.argv.slice(2)

/** What `taskport serve` loads; @octokit/* (GitHub integrations) and ioredis (REDIS_URL) are checked when used. */
const SERVER_PEERS: readonly Peer[] = [
  'koa', '@koa/router', 'koa-ratelimit', 'jose', '@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/migrations', 'pino', '@modelcontextprotocol/sdk',
]
const DATABASE_PEERS: readonly Peer[] = ['@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/migrations']

const needs = (what: string, peers: readonly Peer[]): void => {
  try {
    requirePeers(what, peers)
  } catch (error) {
    if (!(error instanceof MissingPeerError)) throw error
    console.error(error.message)
    process.exit(69)
  }
}

const mintToken = async (): Promise<void> => {
  if (process.env.NODE_ENV === 'production') {
    console.error('taskport token: development tokens are refused when NODE_ENV=production')
    process.exit(78)
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      sub: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' }, agent: { type: 'boolean' },
      expires: { type: 'string' },
    },
  })
  if (!values.sub) {
    console.error('taskport token: --sub is required')
    process.exit(64)
  }
  needs('taskport token', ['jose'])
  const { loadDevKeys } = await import('../adapters/auth/dev-keys.js')
  const keys = await loadDevKeys(join(process.env.TASKPORT_DATA_DIR || './.taskport', 'keys'))
  console.log(await keys.sign({
    sub: values.sub,
    ...(values.email ? { email: values.email } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values.admin ? { role: 'admin' as const } : {}),
    ...(values.agent ? { actor_type: 'agent' as const } : {}),
  }, values.expires ?? '30d'))
}

if (command === 'serve') {
  needs('taskport serve', SERVER_PEERS)
  await import('./start.js')
} else if (command === 'migrate') {
  needs('taskport migrate', DATABASE_PEERS)
  await import('./migrate.js')
} else if (command === 'import') {
  const { runImportCli } = await import('./cli-import.js')
  const tty = process.stderr.isTTY
  process.exit(await runImportCli(rest, {
    out: (line) => {
      if (tty) process.stderr.write('\n')
      console.log(line)
    },
    progress: (line) => process.stderr.write(tty ? `\r${line}` : `${line}\n`),
    env: process.env,
  }))
} else if (command === 'mcp') {
  const { values } = parseArgs({ args: rest, options: { url: { type: 'string' }, token: { type: 'string' } } })
  const url = values.url ?? process.env.TASKPORT_URL ?? 'http://127.0.0.1:3000'
  const token = values.token ?? process.env.TASKPORT_TOKEN
  if (!token) {
    console.error('taskport mcp: --token <JWT> (or TASKPORT_TOKEN) is required')
    process.exit(64)
  }
  needs('taskport mcp', ['@modelcontextprotocol/sdk'])
  const { startStdioBridge } = await import('../adapters/mcp/stdio-bridge.js')
  // stdout carries the protocol: diagnostics go to stderr.
  await startStdioBridge({ url, token, onError: (message) => console.error(`taskport mcp: ${message}`) })
} else if (command === 'token') {
  await mintToken()
} else {
  console.error('usage: taskport serve                              (the server; configured by the environment)')
  console.error('       taskport migrate                            (apply pending migrations to DATABASE_URL, then exit)')
  console.error('       taskport token --sub <user id or @agent-handle> [--email <email>] [--name <name>] [--admin] [--agent] [--expires 30d]')
  console.error('       taskport import github --project <id> --integration <uuid> [--url <server>] [--token <JWT>]')
  console.error('       taskport mcp --url <server> --token <JWT>   (MCP over stdio, bridged to the server\'s /mcp)')
  process.exit(64)
}
