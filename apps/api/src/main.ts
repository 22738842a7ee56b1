import { ConfigError } from './config/config.js'
import { startServer } from './server.js'

try {
  const server = await startServer()
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    // In-flight requests finish (Fastify closes idle connections first), then the database closes.
    const timer = setTimeout(() => {
      process.stderr.write(`Rapport did not stop within 30 s of ${signal}; exiting\n`)
      process.exit(1)
    }, 30_000)
    timer.unref()
    await server.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
} catch (error) {
  const message = error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))
  process.stderr.write(`Rapport could not start: ${message}\n`)
  process.exit(1)
}
