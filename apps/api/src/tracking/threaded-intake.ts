import type { Logger } from 'pino'
import { ProblemError } from '../http/problem.js'
import { compiledWorker, ThreadClient, ThreadUnavailable } from '../threads/thread-client.js'
import type { TrackingAnswer, TrackingIntake, TrackingRequest } from './tracking-intake.js'

const workerFile = compiledWorker(new URL('./intake-worker.js', import.meta.url))

/** The same contract as InlineTrackingIntake, with the work done on a thread with its own pool. */
export class ThreadedTrackingIntake implements TrackingIntake {
  private readonly thread: ThreadClient

  /** Undefined where it cannot run: the embedded database, or tests running from source. */
  static create(
    databaseUrl: string | undefined,
    logger: Logger,
    logLevel: string,
    nice: number,
    wake: () => void,
  ): ThreadedTrackingIntake | undefined {
    return databaseUrl && workerFile
      ? new ThreadedTrackingIntake(workerFile, databaseUrl, logger, logLevel, nice, wake)
      : undefined
  }

  /** `nice`: the thread's priority (RAPPORT_INTAKE_NICE), below the main thread's. */
  private constructor(
    file: string,
    url: string,
    logger: Logger,
    logLevel: string,
    nice: number,
    private readonly wake: () => void,
  ) {
    this.thread = new ThreadClient(file, { url, logLevel, nice }, logger, 'tracking intake')
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

  /** Identity rules or suppressions changed: the thread reads them again before its next call. */
  forget(workspaceId: string): void {
    this.thread.post({ type: 'forget', workspaceId })
  }

  stop(): Promise<void> {
    return this.thread.stop()
  }
}
