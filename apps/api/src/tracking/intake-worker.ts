import { parentPort, workerData } from 'node:worker_threads'
import { connect } from '@rapport/db'
import { IngestionService } from '../ingestion/ingestion.service.js'
import { createLogger } from '../logging/logger.js'
import { setThreadPriority } from '../threads/os-thread.js'
import { serveRequests } from '../threads/serve-requests.js'
import { answerTrackingCall } from './tracking-call.js'
import { receiveTracking, type TrackingIntake, type TrackingRequest } from './tracking-intake.js'
import { closeTrackingServer, createTrackingServer, listenOn } from './tracking-server.js'
import { WriteKeys } from './write-keys.js'

/**
 * The tracking API's intake on its own thread: parsing, validating and converting thousands of calls
 * a second never holds up the main thread, which keeps answering the admin UI and the read API.
 * It takes calls the main thread hands on (/v1 on the main port), and answers the tracking port
 * itself, so that those never cross the main thread at all. Driven by ThreadedTrackingIntake.
 */
const { url, logLevel, nice, tracking } = workerData as {
  url: string
  logLevel: string
  nice: number
  tracking?: { port: number; host: string }
}
const handle = await connect({ url, poolSize: 3, applicationName: 'rapport-intake' })
const logger = createLogger(logLevel).child({ thread: 'tracking-intake' })
// A little below the main thread (RAPPORT_INTAKE_NICE): a profile read waiting for a core gets it
// before the next batch is parsed. Set here, not inherited: a thread starts at its creator's
// priority, and started again after a crash it would get the main thread's raised one.
setThreadPriority(nice, logger)
// The processor is woken by the main thread, when it passes on an answer that accepted something
// or hears from here that the tracking port did.
const ingestion = new IngestionService(handle.db, { wake: () => undefined })
const intake: TrackingIntake = {
  receive: (request) => receiveTracking(request, ingestion, handle.db, logger),
}
const writeKeys = new WriteKeys(handle.db)

const server = tracking
  ? createTrackingServer(async (request) => {
      const result = await answerTrackingCall(request, writeKeys, intake)
      if (result.accepted) parentPort?.postMessage({ type: 'event', event: 'accepted' })
      return result
    }, logger)
  : undefined
// A port that is taken fails the thread before it says it is ready, and so the server's start.
const trackingPort = server && tracking ? await listenOn(server, tracking.port, tracking.host) : undefined

serveRequests(
  {
    receive: (message) => intake.receive(message.request as TrackingRequest),
    forget: (message) => ingestion.forget(message.workspaceId as string),
    'forget-write-keys': () => writeKeys.forgetAll(),
    stop: async () => {
      if (server) await closeTrackingServer(server)
      await handle.close()
    },
  },
  logger,
  { trackingPort },
)
