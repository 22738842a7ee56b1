import type { Logger } from 'pino'
import { ProblemError } from '../http/problem.js'
import { compiledWorker, ThreadClient, ThreadUnavailable } from '../threads/thread-client.js'
import type { TrackingAnswer, TrackingIntake, TrackingRequest } from './tracking-intake.js'

const workerFile = compiledWorker(new URL('./intake-worker.js', import.meta.url))

interface ThreadOptions {
  logLevel: string
  /** The thread's priority (RAPPORT_INTAKE_NICE), below the main thread's. */
  nice: number
  /** Where it answers the tracking API itself (RAPPORT_TRACKING_PORT); none when off. */
  tracking?: { port: number; host: string }
}

/** The same contract as InlineTrackingIntake, with the work done on a thread with its own pool. */
export class ThreadedTrackingIntake implements TrackingIntake {
  private readonly thread: ThreadClient

  /** Undefined where it cannot run: the embedded database, or tests running from source. */
  static create(
    databaseUrl: string | undefined,
    logger: Logger,
    options: ThreadOptions,
    wake: () => void,
  ): ThreadedTrackingIntake | undefined {
    return databaseUrl && workerFile
      ? new ThreadedTrackingIntake(workerFile, databaseUrl, logger, options, wake)
      : undefined
  }

  private constructor(
    file: string,
    url: string,
    logger: Logger,
    options: ThreadOptions,
    private readonly wake: () => void,
  ) {
    this.thread = new ThreadClient(file, { url, ...options }, logger, 'tracking intake', (event) => {
      // The tracking port took calls in: the processor has work.
      if (event === 'accepted') wake()
    })
    // Started again after a crash, the thread listens where it first did (the port chosen for 0 too).
    this.trackingPort().then(
      (port) => {
        if (port !== undefined && options.tracking)
          this.thread.workerData = { url, ...options, tracking: { ...options.tracking, port } }
      },
      () => undefined,
    )
  }

  /** The port the thread answers the tracking API on, once it listens, or why it could not. */
  async trackingPort(): Promise<number | undefined> {
    return ((await this.thread.ready()) as { trackingPort?: number }).trackingPort
  }

  get osThreadId(): number | undefined {
    return this.thread.osThreadId
  }

  start(): void {
    this.thread.start()
  }

  async receive(request: TrackingRequest): Promise<TrackingAnswer> {
    const answer = await this.thread.request<TrackingAnswer>({ type: 'receive', request }).catch((error) => {
      // Restarting after a crash: nothing of this call was committed; Segment clients retry a 503.
      if (error instanceof ThreadUnavailable)
        throw new ProblemError(503, 'the tracking intake is restarting; send the call again', {
          headers: { 'retry-after': '1' },
        })
      throw error
    })
    if (answer.ok && answer.result.accepted) this.wake()
    return answer
  }

  /** A source changed: the thread looks write keys up again before its next call. */
  forgetWriteKeys(): void {
    this.thread.post({ type: 'forget-write-keys' })
  }

  /** Identity rules or suppressions changed: the thread reads them again before its next call. */
  forget(workspaceId: string): void {
    this.thread.post({ type: 'forget', workspaceId })
  }

  stop(): Promise<void> {
    return this.thread.stop()
  }
}
