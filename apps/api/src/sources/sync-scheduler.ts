import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import type { SyncRunner } from './sync-runner.js'

/**
 * Starts scheduled syncs. A due source is claimed with one UPDATE … RETURNING, so that several
 * processes on one database never start the same sync twice. The claim already sets the next time:
 * a sync that cannot start (a manual run is on, the plugin is gone) or a process that dies mid-run
 * never leaves a source without a schedule. The run itself moves it on when it ends.
 */
export class SyncScheduler {
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly db: Kysely<any>,
    private readonly runner: SyncRunner,
    private readonly logger: Logger,
  ) {}

  start(everyMs = 30_000): void {
    this.timer = setInterval(() => void this.tick(), everyMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  async tick(): Promise<void> {
    try {
      // Runs of a process that died since the start are failed here too.
      await this.runner.failInterrupted()
      const { rows } = await sql<{ id: string; workspace_id: string }>`update sources
        set next_sync_at = now() + make_interval(mins => schedule_minutes)
        where enabled and schedule_minutes is not null and next_sync_at <= now()
        returning id, workspace_id`.execute(this.db)
      for (const source of rows) {
        await this.runner.startSync(source.workspace_id, source.id, 'schedule').catch((error) => {
          this.logger.warn({ sourceId: source.id, err: error }, 'scheduled sync not started')
        })
      }
    } catch (error) {
      this.logger.error({ err: error }, 'sync scheduler failed')
    }
  }
}

export const SCHEDULER = Symbol('SyncScheduler')
