import { workerData } from 'node:worker_threads'
import { connect } from '@rapport/db'
import { createLogger } from '../logging/logger.js'
import { setThreadPriority } from '../threads/os-thread.js'
import { serveRequests } from '../threads/serve-requests.js'
import { InboxProcessor } from './processor.js'

/**
 * The inbox processor on its own thread: its CPU work (identity resolution, building the batch
 * writes) never delays an HTTP answer on the main thread. Driven by ThreadedProcessor.
 */
const { url, logLevel, batchSize, nice } = workerData as {
  url: string
  logLevel: string
  batchSize: number
  nice: number
}
const handle = await connect({ url, poolSize: 3, applicationName: 'rapport-processor' })
const logger = createLogger(logLevel).child({ thread: 'inbox-processor' })
setThreadPriority(nice, logger)
const processor = new InboxProcessor(handle.db, logger, batchSize)
processor.start()

serveRequests(
  {
    wake: () => processor.wake(),
    settle: () => processor.settled(),
    stop: async () => {
      await processor.stop()
      await handle.close()
    },
  },
  logger,
)
