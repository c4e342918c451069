// `npm start`: decode the configuration, start the server, stop gracefully on SIGTERM/SIGINT.
import * as E from 'fp-ts/lib/Either.js'
import { decodeConfig } from './config.js'
import { createLogger, startServer } from './server.js'

const config = decodeConfig(process.env)
if (E.isLeft(config)) {
  console.error(`taskport: invalid configuration\n${config.left.map((line) => `  - ${line}`).join('\n')}`)
  process.exit(78)
}
const logger = createLogger(config.right.logLevel)
try {
  const server = await startServer(config.right, logger)
  logger.info({ url: server.url, database: config.right.databaseUrl ? 'DATABASE_URL' : `embedded (${config.right.dataDir})` }, 'taskport listening')
  if (server.devToken) {
    console.log(`\ntaskport is running at ${server.url} (development mode: tokens signed locally)\n`)
    console.log(`Bearer token for the developer account (platform admin, valid 30 days):\n\n${server.devToken}\n`)
    console.log(`Try: curl -H "Authorization: Bearer $TOKEN" ${server.url}/api/projects\n`)
  }
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    await server.close()
    logger.info('stopped')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
} catch (error) {
  logger.fatal({ err: error }, 'taskport could not start')
  process.exit(1)
}
