import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'

/** A worker's compiled file, or undefined when running from source (tests), where threads cannot start. */
export function compiledWorker(url: URL): string | undefined {
  const file = fileURLToPath(url)
  return existsSync(file) ? file : undefined
}

const youngGenerationMb = 48

/** The thread is not running (starting again after a crash, or stopped): the caller may retry. */
export class ThreadUnavailable extends Error {}

interface Reply {
  type: 'ready' | 'reply' | 'event'
  id?: number
  osThreadId?: number
  result?: unknown
  error?: string
  event?: string
}

/**
 * The main thread's side of a worker thread that answers requests (see `serveRequests`): each
 * request gets its own answer, and a thread that dies is started again while the requests it held
 * fail with the reason, so that one crash never leaves a caller waiting for good.
 */
export class ThreadClient {
  private worker: Worker | undefined
  private requests = 0
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (e: Error) => void }
  >()
  private stopping = false
  /** The kernel's id of the thread once it runs (Linux), for `top -H` and the benchmark. */
  osThreadId: number | undefined
  private readonly firstReady: Promise<Record<string, unknown>>
  private settleFirstReady!: { resolve: (ready: Record<string, unknown>) => void; reject: (e: Error) => void }

  constructor(
    private readonly file: string,
    /** What the thread starts with: the next start after a crash takes it as it is then. */
    public workerData: unknown,
    private readonly logger: Logger,
    private readonly name: string,
    /** Told of each `{ type: 'event' }` message the thread sends. */
    private readonly onEvent: (event: string) => void = () => undefined,
  ) {
    this.firstReady = new Promise((resolve, reject) => {
      this.settleFirstReady = { resolve, reject }
    })
    this.firstReady.catch(() => undefined)
  }

  /**
   * What the thread said when it was first ready (see `serveRequests`), or why it failed before: a
   * caller that cannot run without the thread fails its start with that.
   */
  ready(): Promise<Record<string, unknown>> {
    return this.firstReady
  }

  start(): void {
    // A young generation larger than V8's default: these threads allocate fast and keep little, so
    // fewer, larger scavenges cost less CPU in all.
    const worker = new Worker(this.file, {
      workerData: this.workerData,
      resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb },
    })
    worker.on('message', (message: Reply) => {
      if (message.type === 'ready') {
        this.osThreadId = message.osThreadId
        this.logger.debug({ osThreadId: message.osThreadId }, `${this.name} thread started`)
        this.settleFirstReady.resolve(message as unknown as Record<string, unknown>)
        return
      }
      if (message.type === 'event') return this.onEvent(message.event as string)
      const waiting = message.id === undefined ? undefined : this.waiting.get(message.id)
      if (!waiting) return
      this.waiting.delete(message.id as number)
      if (message.error === undefined) waiting.resolve(message.result)
      else waiting.reject(new Error(message.error))
    })
    worker.on('error', (error) => {
      this.logger.error({ err: error }, `${this.name} thread failed`)
      this.settleFirstReady.reject(error)
    })
    worker.on('exit', (code) => {
      // Messages to an exited thread vanish: nothing may be sent to it, or wait for it, any more.
      if (this.worker === worker) this.worker = undefined
      for (const { reject } of this.waiting.values())
        reject(new ThreadUnavailable(`the ${this.name} thread stopped`))
      this.waiting.clear()
      this.settleFirstReady.reject(
        new ThreadUnavailable(`the ${this.name} thread stopped before it was ready`),
      )
      if (this.stopping) return
      this.logger.error({ code }, `${this.name} thread exited; restarting it`)
      // Not once stopped meanwhile (a start that failed on it, a server shutting down).
      setTimeout(() => {
        if (!this.stopping) this.start()
      }, 1000).unref()
    })
    this.worker = worker
  }

  /** A message that needs no answer. */
  post(message: Record<string, unknown>): void {
    this.worker?.postMessage(message)
  }

  /** A message answered by the thread's handler for its type. */
  request<T>(message: Record<string, unknown>): Promise<T> {
    const id = ++this.requests
    return new Promise<T>((resolve, reject) => {
      if (!this.worker) return reject(new ThreadUnavailable(`the ${this.name} thread is not running`))
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.worker.postMessage({ ...message, id })
    })
  }

  /** Asks the thread to finish (its `stop` handler), then ends it. */
  async stop(): Promise<void> {
    this.stopping = true
    const worker = this.worker
    if (!worker) return
    await this.request({ type: 'stop' }).catch(() => undefined)
    await worker.terminate()
    this.worker = undefined
  }
}
