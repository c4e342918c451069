#!/usr/bin/env node
// `taskport token --sub alice --email alice@example.com [--name Alice] [--admin] [--agent] [--expires 30d]`:
// mints a development-mode bearer token with the key in TASKPORT_DATA_DIR. Refused when NODE_ENV=production.
// `taskport import github …`: see cli-import.ts. `taskport mcp --url <server> --token <JWT>`: MCP over stdio.
import { parseArgs } from 'node:util'
import { join } from 'node:path'
import { loadDevKeys } from '../adapters/auth/dev-keys.js'
import { runImportCli } from './cli-import.js'
import { startStdioBridge } from '../adapters/mcp/stdio-bridge.js'

const [command, ...rest] = process.argv.slice(2)

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
  const keys = await loadDevKeys(join(process.env.TASKPORT_DATA_DIR || './.taskport', 'keys'))
  console.log(await keys.sign({
    sub: values.sub,
    ...(values.email ? { email: values.email } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values.admin ? { role: 'admin' as const } : {}),
    ...(values.agent ? { actor_type: 'agent' as const } : {}),
  }, values.expires ?? '30d'))
}

if (command === 'import') {
  const tty = process.stderr.isTTY
  process.exit(await runImportCli(rest, {
    out: (line) => {
      if (tty) process.stderr.write('\n')
      console.log(line)
    },
    progress: (line) => process.stderr.write(tty ? `\r${line}` : `${line}\n`),
    env: process.env,
  }))
}
if (command === 'mcp') {
  const { values } = parseArgs({ args: rest, options: { url: { type: 'string' }, token: { type: 'string' } } })
  const url = values.url ?? process.env.TASKPORT_URL ?? 'http://127.0.0.1:3000'
  const token = values.token ?? process.env.TASKPORT_TOKEN
  if (!token) {
    console.error('taskport mcp: --token <JWT> (or TASKPORT_TOKEN) is required')
    process.exit(64)
  }
  // stdout carries the protocol: diagnostics go to stderr.
  await startStdioBridge({ url, token, onError: (message) => console.error(`taskport mcp: ${message}`) })
} else if (command === 'token') {
  await mintToken()
} else {
  console.error('usage: taskport token --sub <user id or @agent-handle> [--email <email>] [--name <name>] [--admin] [--agent] [--expires 30d]')
  console.error('       taskport import github --project <id> --integration <uuid> [--url <server>] [--token <JWT>]')
  console.error('       taskport mcp --url <server> --token <JWT>   (MCP over stdio, bridged to the server\'s /mcp)')
  process.exit(64)
}
