import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { Processor } from './processor.js'

const workerFile = fileURLToPath(new URL('./processor-worker.js', import.meta.url))

/** The compiled worker exists (a build, not tests running from source) and the database is a server. */
export function canUseProcessorThread(databaseUrl: string | undefined): boolean {
  return Boolean(databaseUrl) && existsSync(workerFile)
}

/** The same contract as InboxProcessor, with the work done on a worker thread with its own pool. */
export class ThreadedProcessor implements Processor {
  private worker: Worker | undefined
  private requests = 0
  private readonly waiting = new Map<number, () => void>()
  private stopping = false
  /** The kernel's id of the processor thread once it runs (Linux), for `top -H` and the benchmark. */
  osThreadId: number | undefined

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly logLevel: string,
    private readonly batchSize = 2000,
  ) {}

  start(): void {
    const worker = new Worker(workerFile, {
      workerData: { url: this.url, logLevel: this.logLevel, batchSize: this.batchSize },
    })
    worker.on('message', (message: { type: string; id?: number; osThreadId?: number }) => {
      if (message.type === 'ready') {
        this.osThreadId = message.osThreadId
        this.logger.debug({ osThreadId: message.osThreadId }, 'inbox processor thread started')
      }
      if (message.type === 'settled' && message.id !== undefined) {
        this.waiting.get(message.id)?.()
        this.waiting.delete(message.id)
      }
    })
    worker.on('error', (error) => this.logger.error({ err: error }, 'inbox processor thread failed'))
    worker.on('exit', (code) => {
      if (this.stopping) return
      // A crashed processor must not stop ingestion for good: start a new one.
      this.logger.error({ code }, 'inbox processor thread exited; restarting it')
      setTimeout(() => this.start(), 1000).unref()
    })
    this.worker = worker
  }

  wake(): void {
    this.worker?.postMessage({ type: 'wake' })
  }

  settled(): Promise<void> {
    const id = ++this.requests
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.worker?.postMessage({ type: 'settle', id })
    })
  }

  async stop(): Promise<void> {
    this.stopping = true
    const worker = this.worker
    if (!worker) return
    await new Promise<void>((resolve) => {
      worker.once('message', (message: { type: string }) => message.type === 'stopped' && resolve())
      worker.once('exit', () => resolve())
      worker.postMessage({ type: 'stop' })
    })
    await worker.terminate()
  }
}
