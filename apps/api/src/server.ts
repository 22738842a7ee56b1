import 'reflect-metadata'
import type { Server } from 'node:http'
import { join } from 'node:path'
import fastifyCookie from '@fastify/cookie'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger'
import { connect, type DatabaseHandle, migrateToLatest } from '@rapport/db'
import billingStripe from '@rapport/plugin-billing-stripe'
import channelEmail from '@rapport/plugin-channel-email'
import crmHubspot from '@rapport/plugin-crm-hubspot'
import erpOdoo from '@rapport/plugin-erp-odoo'
import importCsvPlugin from '@rapport/plugin-import-csv'
import type { Plugin } from '@rapport/plugin-sdk'
import sourcePostgres from '@rapport/plugin-source-postgres'
import supportZendesk from '@rapport/plugin-support-zendesk'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import helmet from 'helmet'
import type { DestinationStream } from 'pino'
import { adminDistDir, serveAdmin, wantsAdminPage } from './admin-ui/admin-ui.js'
import { AppModule } from './app.module.js'
import { deleteExpiredSessions } from './auth/sessions.repository.js'
import { seedDemoData } from './bootstrap/demo-data.js'
import { ensureFirstWorkspace } from './bootstrap/first-run.js'
import { type Config, ConfigError, loadConfig } from './config/config.js'
import { sendProblem } from './http/problem.filter.js'
import { notFound } from './http/problem.js'
import { pruneInbox } from './ingestion/inbox.repository.js'
import { IngestionService } from './ingestion/ingestion.service.js'
import { InboxProcessor, type Processor } from './ingestion/processor.js'
import { canUseProcessorThread, ThreadedProcessor } from './ingestion/threaded-processor.js'
import { createLogger, NestPinoLogger } from './logging/logger.js'
import { PluginRegistry } from './plugins/plugin-registry.js'
import { loadSecretKey, SecretBox } from './secrets/secret-box.js'
import { ListenerHost } from './sources/listener-host.js'
import { SourcesService } from './sources/sources.service.js'
import { SyncRunner } from './sources/sync-runner.js'
import { SyncScheduler } from './sources/sync-scheduler.js'
import { setThreadPriority, yieldingPriority } from './threads/os-thread.js'
import { httpSource } from './tracking/http-source.js'
import { ThreadedTrackingIntake } from './tracking/threaded-intake.js'
import { answerTrackingCall, maxReadBytes } from './tracking/tracking-call.js'
import { TRACKING_INTAKE } from './tracking/tracking-intake.js'
import {
  closeTrackingServer,
  createTrackingServer,
  listenOn,
  TRACKING_ADDRESS,
  type TrackingAddress,
} from './tracking/tracking-server.js'
import { WriteKeys } from './tracking/write-keys.js'

/** The connectors that ship with Rapport; more load from RAPPORT_PLUGINS. */
export const builtInPlugins = [
  httpSource,
  importCsvPlugin,
  crmHubspot,
  billingStripe,
  erpOdoo,
  supportZendesk,
  sourcePostgres,
  channelEmail,
]

export interface StartOptions {
  /** Overrides on top of process.env. */
  env?: Record<string, string | undefined>
  /** A database to use instead of the one the environment names; the caller closes it. */
  database?: DatabaseHandle
  /** Where the generated first password is printed (stdout by default). */
  print?: (text: string) => void
  /** Where the JSON log goes (stdout by default). */
  logStream?: DestinationStream
  /** Plugins to run besides the built-in ones and RAPPORT_PLUGINS (embedding, tests). */
  plugins?: Plugin[]
}

export interface RunningServer {
  url: string
  /** The tracking API's own port (RAPPORT_TRACKING_PORT), when it is on. */
  trackingUrl: string | undefined
  app: NestFastifyApplication
  /** The inbox processor: `settled()` waits until nothing is pending (tests, benchmarks). */
  processor: Processor
  /** The tracking API's intake thread, when this server runs one (for the benchmark's accounting). */
  trackingThread: ThreadedTrackingIntake | undefined
  close(): Promise<void>
}

/** Uploads (CSV files) may be large; the tracking API enforces Segment's own limits itself. */
const bodyLimit = 100 * 1024 * 1024

/** Migrates, creates the first workspace if needed, and serves the API and the admin UI. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig({ ...process.env, ...options.env })
  const logger = createLogger(config.logLevel, options.logStream)
  let stopWatchingProcess = () => {}
  let database: DatabaseHandle | undefined = options.database
  try {
    // Inside the try: a start that fails anywhere, connecting included, leaves no handler behind.
    stopWatchingProcess = watchProcess(logger)
    database ??= await connect({ url: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') })
    const opened = database
    const { applied } = await migrateToLatest(database.db)
    logger.info({ database: database.kind, location: database.location, applied }, 'database ready')
    const firstWorkspace = await ensureFirstWorkspace(
      database.db,
      config,
      logger,
      options.print ?? ((t) => process.stdout.write(`${t}\n`)),
    )

    const plugins = new PluginRegistry([...builtInPlugins, ...(options.plugins ?? [])])
    await plugins.load(config.plugins, logger)
    const secretBox = new SecretBox(
      loadSecretKey(config.secretKey, config.dataDir, Boolean(config.databaseUrl), logger),
    )
    // On a PostgreSQL server, a build processes the inbox on its own thread; tests and PGlite in-process.
    const processor: Processor =
      config.worker && !options.database && canUseProcessorThread(config.databaseUrl)
        ? new ThreadedProcessor(config.databaseUrl as string, logger, {
            logLevel: config.logLevel,
            nice: yieldingPriority(config.processorNice),
          })
        : new InboxProcessor(database.db, logger)

    // The tracking API's intake gets a thread of its own where the processor can have one too.
    const trackingThread =
      options.database || !config.databaseUrl
        ? undefined
        : ThreadedTrackingIntake.create(
            config.databaseUrl,
            logger,
            {
              logLevel: config.logLevel,
              nice: yieldingPriority(config.intakeNice),
              ...(config.trackingPort === undefined
                ? {}
                : { tracking: { port: config.trackingPort, host: config.host } }),
            },
            () => processor.wake(),
          )

    const adapter = new FastifyAdapter({ loggerInstance: logger, trustProxy: config.trustProxy, bodyLimit })
    // Anyone may call the tracking API and webhooks before any check: they read what the tracking
    // port reads at most, not the 100 MB an upload may take.
    adapter.getInstance().addHook('onRoute', (route) => {
      if (/^\/(v1|hooks)\//.test(route.url)) route.bodyLimit = maxReadBytes
    })
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.register({ config, logger, database, plugins, secretBox, processor, trackingThread }),
      adapter,
      { logger: new NestPinoLogger(logger), rawBody: true },
    )
    const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance
    await configureHttp(app, fastify, logger, config.secureCookies)
    trackingThread?.start()
    const tracking = await openTrackingPort(app, config, trackingThread, logger).catch(async (error) => {
      await trackingThread?.stop()
      await app.close()
      throw error
    })
    app.get<TrackingAddress>(TRACKING_ADDRESS).port = tracking.port

    const runner = app.get(SyncRunner)
    runner.stallTimeoutMs = config.syncStallSeconds * 1000
    const scheduler = new SyncScheduler(database.db, runner, logger)
    const listeners = app.get(ListenerHost)
    if (config.worker) {
      await runner.failInterrupted()
      processor.start()
      scheduler.start()
      // Listeners start beside the server, not before it: one whose start hangs delays nothing.
      void listeners
        .startAll()
        .catch((error) => logger.error({ err: error }, 'listeners could not be started'))
    }
    // Only for a server that opened its own database: tests hand theirs in, and start empty.
    if (firstWorkspace && config.demoData && !options.database) {
      await seedDemoData(app.get(SourcesService), app.get(IngestionService), firstWorkspace, logger)
    }

    // The thread that answers HTTP, once the intake thread started at the priority it had.
    if (config.apiNice !== undefined) setThreadPriority(config.apiNice, logger)
    await app.listen({ port: config.port, host: config.host })
    const address = fastify.server.address()
    const port = typeof address === 'object' && address ? address.port : config.port
    const urlOf = (p: number) => `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${p}`
    const url = urlOf(port)
    const trackingUrl = tracking.port === undefined ? undefined : urlOf(tracking.port)
    logger.info({ url, docs: `${url}/api/docs`, trackingUrl }, 'Rapport is listening')

    const sweeper = setInterval(() => {
      void deleteExpiredSessions(opened.db).catch(() => {})
      void pruneInbox(opened.db, config.inboxRetentionDays).catch((error) =>
        logger.warn({ err: error }, 'inbox pruning failed'),
      )
    }, 3_600_000)
    sweeper.unref()
    return {
      url,
      trackingUrl,
      app,
      processor,
      trackingThread,
      async close() {
        try {
          clearInterval(sweeper)
          scheduler.stop()
          await listeners.stopAll()
          await app.close()
          if (tracking.server) await closeTrackingServer(tracking.server)
          await trackingThread?.stop()
          await runner.settled()
          await processor.stop()
          if (!options.database) await opened.close()
          logger.info('stopped')
        } finally {
          stopWatchingProcess()
        }
      },
    }
  } catch (error) {
    stopWatchingProcess()
    if (!options.database) await database?.close().catch(() => {})
    throw error
  }
}

/**
 * Plugins run in this process: a promise one of them leaves rejected is logged as an error, and the
 * server goes on serving (Node would otherwise stop it). An uncaught exception still stops the
 * process, as it may leave any state broken (a supervisor starts it again): it is logged first.
 */
function watchProcess(logger: ReturnType<typeof createLogger>): () => void {
  // Which source's secrets a stray rejection could hold is not known here, so it cannot be redacted
  // as a run's errors are: only name, message and stack are logged, not the fields a plugin's error
  // may carry (a request with its Authorization header, say), which pino would print whole.
  const onRejection = (reason: unknown) =>
    logger.error(
      {
        err:
          reason instanceof Error
            ? { name: reason.name, message: reason.message, stack: reason.stack }
            : String(reason),
      },
      'unhandled promise rejection (in a plugin?); the server goes on',
    )
  const onException = (error: Error, origin: string) =>
    logger.fatal({ err: error, origin }, 'uncaught exception; the server stops')
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtExceptionMonitor', onException)
  return () => {
    process.off('unhandledRejection', onRejection)
    process.off('uncaughtExceptionMonitor', onException)
  }
}

/**
 * The tracking API's own port (RAPPORT_TRACKING_PORT), where it is on: answered by the intake thread
 * where there is one, else on this thread (embedded database, tests from source). A port that is
 * taken stops the start.
 */
async function openTrackingPort(
  app: NestFastifyApplication,
  config: Config,
  trackingThread: ThreadedTrackingIntake | undefined,
  logger: ReturnType<typeof createLogger>,
): Promise<{ port: number | undefined; server?: Server }> {
  if (config.trackingPort === undefined) return { port: undefined }
  if (trackingThread) {
    const port = await trackingThread.trackingPort().catch((error: Error) => {
      throw new ConfigError(
        `the tracking intake thread could not start (${error.message}); if its port is taken, set RAPPORT_TRACKING_PORT to a free port, or to off`,
      )
    })
    return { port }
  }
  const server = createTrackingServer(
    (request) => answerTrackingCall(request, app.get(WriteKeys), app.get(TRACKING_INTAKE)),
    logger,
  )
  const port = await listenOn(server, config.trackingPort, config.host).catch((error: Error) => {
    throw new ConfigError(
      `the tracking port ${config.trackingPort} could not be opened (${error.message}): set RAPPORT_TRACKING_PORT to a free port, or to off`,
    )
  })
  return { port, server }
}

async function configureHttp(
  app: NestFastifyApplication,
  fastify: FastifyInstance,
  logger: ReturnType<typeof createLogger>,
  secure: boolean,
) {
  await app.register(fastifyCookie as any)
  // Security headers, with helmet's middleware built once. (@fastify/helmet builds it again for
  // every request, parsing the CSP each time: a fifth of the main thread's allocations under load.)
  const securityHeaders = helmet({
    hsts: secure,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // Plain-http installs (localhost, a private network) would have every asset rewritten to https.
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
  })
  fastify.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  )

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Rapport API')
      .setDescription(
        'The HTTP API of Rapport. Errors are RFC 9457 problem+json. Authenticate with the session cookie ' +
          '(admin UI; writes need the X-CSRF-Token header) or an API token as `Authorization: Bearer`.',
      )
      .setVersion('1')
      .addCookieAuth('rapport_session')
      .addBearerAuth()
      .build(),
    { autoTagControllers: false },
  )
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' })

  // JSON, except for the tracking API, whose intake reads its own bodies (on its own thread when it
  // has one), so that thousands of calls a second are not parsed on the thread that serves the UI.
  const json = fastify.getDefaultJsonParser('error', 'error')
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    if (request.url.startsWith('/v1/')) return done(null, body)
    json(request as FastifyRequest, body.toString('utf8'), done)
  })
  // Uploads arrive as files of any type (text/csv…): the route reads them as bytes.
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))

  const adminDir = adminDistDir()
  if (adminDir) await serveAdmin(fastify, adminDir)
  else logger.warn('admin UI not built (apps/admin/dist missing): serving the API only')

  // Unknown GET paths: a browser gets the admin app (its router knows the URL), anything else a 404.
  fastify.get('/*', async (request, reply) => {
    if (adminDir && wantsAdminPage(request.method, request.url, request.headers.accept)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html')
    }
    sendProblem(request, reply, notFound(`${request.url.split('?')[0]}`), logger)
  })
}
