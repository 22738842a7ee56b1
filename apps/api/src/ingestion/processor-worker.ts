import { readlinkSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { connect } from '@rapport/db'
import { createLogger } from '../logging/logger.js'
import { InboxProcessor } from './processor.js'

/**
 * The inbox processor on its own thread: its CPU work (identity resolution, building the batch
 * writes) never delays an HTTP answer on the main thread. Driven by messages from ThreadedProcessor.
 */
const { url, logLevel, batchSize } = workerData as { url: string; logLevel: string; batchSize: number }
const handle = await connect({ url, poolSize: 3, applicationName: 'rapport-processor' })
const logger = createLogger(logLevel).child({ thread: 'inbox-processor' })
const processor = new InboxProcessor(handle.db, logger, batchSize)
processor.start()

parentPort?.on('message', async (message: { type: 'wake' | 'settle' | 'stop'; id?: number }) => {
  if (message.type === 'wake') processor.wake()
  if (message.type === 'settle') {
    await processor.settled()
    parentPort?.postMessage({ type: 'settled', id: message.id })
  }
  if (message.type === 'stop') {
    await processor.stop()
    await handle.close()
    parentPort?.postMessage({ type: 'stopped' })
  }
})
// The kernel's id of this thread, for `top -H` and the benchmark's CPU accounting (Linux only).
const osThreadId = (() => {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop())
  } catch {
    return undefined
  }
})()
parentPort?.postMessage({ type: 'ready', osThreadId })
