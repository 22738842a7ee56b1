import { workerData } from 'node:worker_threads'
import { connect } from '@rapport/db'
import { IngestionService } from '../ingestion/ingestion.service.js'
import { createLogger } from '../logging/logger.js'
import { setThreadPriority } from '../threads/os-thread.js'
import { serveRequests } from '../threads/serve-requests.js'
import { receiveTracking, type TrackingRequest } from './tracking-intake.js'

/**
 * The tracking API's intake on its own thread: parsing, validating and converting thousands of calls
 * a second never holds up the main thread, which keeps answering the admin UI and the read API.
 * Driven by ThreadedTrackingIntake.
 */
const { url, logLevel, nice } = workerData as { url: string; logLevel: string; nice: number }
const handle = await connect({ url, poolSize: 3, applicationName: 'rapport-intake' })
const logger = createLogger(logLevel).child({ thread: 'tracking-intake' })
// A little below the main thread (RAPPORT_INTAKE_NICE): a profile read waiting for a core gets it
// before the next batch is parsed. Set here, not inherited: a thread starts at its creator's
// priority, and started again after a crash it would get the main thread's raised one.
setThreadPriority(nice, logger)
// The processor is woken by the main thread when it passes on an answer that accepted something.
const ingestion = new IngestionService(handle.db, { wake: () => undefined })

serveRequests(
  {
    receive: (message) => receiveTracking(message.request as TrackingRequest, ingestion, handle.db, logger),
    forget: (message) => ingestion.forget(message.workspaceId as string),
    stop: () => handle.close(),
  },
  logger,
)
