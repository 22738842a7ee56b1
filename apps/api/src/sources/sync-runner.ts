import { Inject, Injectable } from '@nestjs/common'
import type { SyncRunView } from '@rapport/api-client'
import { createRedactor, isPluginError, type Plugin, type PluginContext } from '@rapport/plugin-sdk'
import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import { DB } from '../database/database.js'
import { conflict } from '../http/problem.js'
import { recordRefused, refusedInputs } from '../ingestion/dead-letters.repository.js'
import { IngestionService } from '../ingestion/ingestion.service.js'
import { LOGGER } from '../logging/logger.js'
import { pluginContextFor } from '../plugins/plugin-context.js'
import { PLUGINS, type PluginRegistry } from '../plugins/plugin-registry.js'
import { SECRET_BOX, type SecretBox } from '../secrets/secret-box.js'
import { runnableConfig, secretValues } from './source-config.js'
import { readCheckpoint, writeCheckpoint } from './source-state.repository.js'
import { findRun, findSource, toSyncRunView } from './sources.repository.js'

/** A run that yields nothing for this long is considered hung and fails (the server goes on). */
export const defaultStallTimeoutMs = 5 * 60_000
const maxRecordedFailures = 1000
const interruptedAlready =
  'sync run ended after it had been failed as interrupted (its heartbeat was missed); it stays failed'
/** The first retry of a scheduled run that failed for a passing reason; each next one waits twice as long. */
export const retryBackoffMs = 60_000

/** When a scheduled source runs again after a retryable failure, and how many retries in a row that is. */
interface Retry {
  at: Date
  attempt: number
}

type Trigger = 'manual' | 'schedule' | 'upload'
type RunBody = (helpers: RunHelpers) => Promise<void>

interface RunHelpers {
  plugin: Plugin
  config: Record<string, unknown>
  ctx: PluginContext
  /** Validates and appends envelopes (with the checkpoint, in one transaction); counts everything. */
  deliver(inputs: unknown[], checkpoint?: { stream: string; value: unknown }): Promise<void>
  progress(value: number): Promise<void>
  fail(rows: { row?: number; index?: number; reason: string; raw?: unknown }[]): void
  heartbeat(): void
}

/**
 * Runs plugin code for a source and records the run: streams (sync now, schedule) and uploads.
 * The plugin runs in this process but cannot take it down: errors and stalls fail its own run.
 */
@Injectable()
export class SyncRunner {
  private readonly active = new Map<string, Promise<void>>()
  /** This process's running runs by id, with what stops one that is no longer running in the table. */
  private readonly beating = new Map<string, (error: Error) => void>()
  private beat: NodeJS.Timeout | undefined
  stallTimeoutMs = defaultStallTimeoutMs

  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(PLUGINS) private readonly plugins: PluginRegistry,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts reading every stream from its checkpoint; answers with the run at once. */
  startSync(workspaceId: string, sourceId: string, trigger: Trigger): Promise<SyncRunView> {
    return this.start(workspaceId, sourceId, trigger, async ({ plugin, config, ctx, deliver, heartbeat }) => {
      for (const [stream, definition] of Object.entries(plugin.streams ?? {})) {
        const stored = await readCheckpoint(this.db, sourceId, stream)
        const checkpoint = stored === undefined ? undefined : definition.checkpoint.parse(stored)
        for await (const batch of definition.read(ctx, { config, checkpoint })) {
          heartbeat()
          await deliver(batch.envelopes, { stream, value: definition.checkpoint.parse(batch.checkpoint) })
        }
      }
    })
  }

  /** Parses an uploaded file through the plugin's upload capability, with progress. */
  startUpload(
    workspaceId: string,
    sourceId: string,
    content: Buffer,
    options: unknown,
  ): Promise<SyncRunView> {
    return this.start(
      workspaceId,
      sourceId,
      'upload',
      async ({ plugin, config, ctx, deliver, progress, fail, heartbeat }) => {
        const upload = plugin.upload!
        for await (const part of upload.parse(ctx, { config, options, content })) {
          heartbeat()
          if (part.failures?.length) fail(part.failures)
          await deliver(part.envelopes)
          await progress(part.progress)
        }
      },
    )
  }

  /** Resolves when the source's current run (if any) has finished: for tests and shutdown. */
  async settled(sourceId?: string): Promise<void> {
    await Promise.all(sourceId ? [this.active.get(sourceId)] : [...this.active.values()])
  }

  private async start(
    workspaceId: string,
    sourceId: string,
    trigger: Trigger,
    body: RunBody,
  ): Promise<SyncRunView> {
    if (this.active.has(sourceId))
      throw conflict('this source is already running; wait for the run to finish')
    const source = await findSource(this.db, workspaceId, sourceId)
    const plugin = source && this.plugins.get(source.plugin_id)
    if (!source || !plugin) throw conflict('the source or its plugin is missing')
    const run = await this.db
      .insertInto('sync_runs')
      .values({
        workspace_id: workspaceId,
        source_id: sourceId,
        trigger,
        status: 'running',
        details: JSON.stringify({}),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const done = this.execute(workspaceId, source, plugin, run.id, body).finally(() =>
      this.active.delete(sourceId),
    )
    this.active.set(sourceId, done)
    return toSyncRunView((await findRun(this.db, workspaceId, run.id))!)
  }

  private async execute(
    workspaceId: string,
    source: { id: string; config: unknown; secrets: string | null; schedule_minutes: number | null },
    plugin: Plugin,
    runId: string,
    body: RunBody,
  ) {
    const counts = { envelopes: 0, batches: 0, failed: 0, duplicates: 0, suppressed: 0 }
    const failures: unknown[] = []
    const abort = new AbortController()
    let config: Record<string, unknown> = {}
    let redact = (text: string) => text
    let stallTimer: NodeJS.Timeout | undefined
    let retry: Retry | undefined
    let rejectStall: (error: Error) => void = () => {}
    const stalled = new Promise<never>((_, reject) => {
      rejectStall = reject
    })
    stalled.catch(() => {})
    const heartbeat = () => {
      clearTimeout(stallTimer)
      stallTimer = setTimeout(() => {
        const error = new Error(
          `the plugin made no progress for ${Math.round(this.stallTimeoutMs / 1000)} s and was stopped`,
        )
        abort.abort(error)
        rejectStall(error)
      }, this.stallTimeoutMs)
    }
    const log = this.logger.child({ workspaceId, sourceId: source.id, plugin: plugin.id, runId })
    this.startBeating(runId, (error) => {
      abort.abort(error)
      rejectStall(error)
    })
    try {
      config = runnableConfig(plugin, source, this.box)
      const secrets = secretValues(plugin, config)
      redact = createRedactor(secrets)
      const ctx = pluginContextFor(
        this.db,
        { workspaceId, sourceId: source.id },
        plugin,
        secrets,
        abort.signal,
        log,
      )
      // A run failed or stopped (a stall) may have a plugin that goes on regardless: nothing it sends
      // after that is written, so that it cannot race the next run's envelopes and checkpoints.
      const deliver: RunHelpers['deliver'] = async (inputs, checkpoint) => {
        abort.signal.throwIfAborted()
        const { valid, invalid } = this.ingestion.validate(inputs)
        const result = await this.db.transaction().execute(async (trx) => {
          const appended = await this.ingestion.append(workspaceId, source.id, valid, trx)
          // What the schema refuses is kept with the page, as pushed data is: the checkpoint goes past it.
          await recordRefused(trx, workspaceId, source.id, refusedInputs(inputs, invalid))
          abort.signal.throwIfAborted()
          if (checkpoint)
            await writeCheckpoint(trx, workspaceId, source.id, checkpoint.stream, checkpoint.value)
          return appended
        })
        counts.batches++
        counts.envelopes += result.accepted
        counts.duplicates += result.duplicates
        counts.suppressed += result.suppressed
        if (invalid.length) {
          counts.failed += invalid.length
          failures.push(...invalid.slice(0, maxRecordedFailures - failures.length))
        }
        if (result.accepted) this.ingestion.wake()
        await this.db
          .updateTable('sync_runs')
          .set({
            envelopes: counts.envelopes,
            batches: counts.batches,
            failed: counts.failed,
            heartbeat_at: sql<Date>`now()`,
          })
          .where('id', '=', runId)
          .execute()
      }
      const helpers: RunHelpers = {
        plugin,
        config,
        ctx,
        deliver,
        heartbeat,
        progress: async (value) => {
          abort.signal.throwIfAborted()
          await this.db
            .updateTable('sync_runs')
            .set({ progress: Math.max(0, Math.min(1, value)), heartbeat_at: sql<Date>`now()` })
            .where('id', '=', runId)
            .execute()
        },
        fail: (rows) => {
          counts.failed += rows.length
          failures.push(...rows.slice(0, Math.max(0, maxRecordedFailures - failures.length)))
        },
      }
      heartbeat()
      await Promise.race([body(helpers), stalled])
      if (await this.finish(runId, 'succeeded', counts, failures, null))
        log.info(counts, 'sync run succeeded')
      else log.warn(counts, interruptedAlready)
    } catch (error) {
      abort.abort(error)
      const kind = isPluginError(error) ? error.kind : 'error'
      const message = redact(error instanceof Error ? error.message : String(error))
      if (source.schedule_minutes)
        retry = await this.retryOf(source.id, runId, error, source.schedule_minutes).catch(() => undefined)
      const recorded = await this.finish(runId, 'failed', counts, failures, { kind, message }, retry).catch(
        (e) => {
          log.error({ err: e }, 'could not record the failed run')
          return true
        },
      )
      log.warn(
        { ...counts, errorKind: kind, error: message, retryAt: retry?.at },
        recorded ? 'sync run failed' : interruptedAlready,
      )
    } finally {
      clearTimeout(stallTimer)
      this.stopBeating(runId)
      if (source.schedule_minutes) {
        await this.db
          .updateTable('sources')
          .set({
            next_sync_at: retry?.at ?? sql<Date>`now() + make_interval(mins => ${source.schedule_minutes})`,
          })
          .where('id', '=', source.id)
          .execute()
          .catch(() => {})
      }
    }
  }

  private async finish(
    runId: string,
    status: 'succeeded' | 'failed',
    counts: Record<string, number>,
    failures: unknown[],
    error: { kind: string; message: string } | null,
    retry?: Retry,
  ): Promise<boolean> {
    const { numUpdatedRows } = await this.db
      .updateTable('sync_runs')
      .set({
        status,
        // The database's clock, as the inbox's: processed envelopes are counted to the run by time.
        finished_at: sql<Date>`now()`,
        envelopes: counts.envelopes,
        batches: counts.batches,
        failed: counts.failed,
        ...(status === 'succeeded' ? { progress: 1 } : {}),
        error: error?.message ?? null,
        error_kind: error?.kind ?? null,
        // Merged: the processor may already have counted outcomes (details.processed) into the run.
        details: sql`details || ${JSON.stringify({
          duplicates: counts.duplicates,
          suppressed: counts.suppressed,
          failures,
          ...(retry ? { retryAt: retry.at.toISOString(), retryAttempt: retry.attempt } : {}),
        })}::jsonb`,
      })
      .where('id', '=', runId)
      // A run a sweep already failed as interrupted stays failed: another run may have started since.
      .where('status', '=', 'running')
      .executeTakeFirst()
    return numUpdatedRows > 0n
  }

  /**
   * While this process runs syncs, their heartbeat_at is kept fresh on a timer of its own, however
   * long the plugin takes over a page, so that no sweep (another process's, or a later start's)
   * takes a live run for one whose process died. A run that is no longer running in the table (a
   * sweep failed it all the same, the database unreachable for a while) is stopped: another process
   * may already run the source again, and the two must not write the same checkpoints.
   */
  private startBeating(runId: string, stop: (error: Error) => void): void {
    this.beating.set(runId, stop)
    if (this.beat) return
    this.beat = setInterval(() => void this.writeHeartbeats(), Math.max(100, this.stallTimeoutMs / 3))
    this.beat.unref()
  }

  private stopBeating(runId: string): void {
    this.beating.delete(runId)
    if (this.beating.size) return
    clearInterval(this.beat)
    this.beat = undefined
  }

  private async writeHeartbeats(): Promise<void> {
    const ids = [...this.beating.keys()]
    if (!ids.length) return
    try {
      const beating = await this.db
        .updateTable('sync_runs')
        .set({ heartbeat_at: sql<Date>`now()` })
        .where('id', 'in', ids)
        .where('status', '=', 'running')
        .returning('id')
        .execute()
      const alive = new Set(beating.map((row) => row.id as string))
      for (const id of ids) {
        if (!alive.has(id))
          this.beating.get(id)?.(new Error('interrupted: the run was failed as interrupted while it ran'))
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not write the heartbeat of running syncs')
    }
  }

  /**
   * A scheduled source whose run failed for a passing reason (rate limited, transient) runs again
   * sooner than its interval: after the vendor's retryAfterMs, or a backoff that doubles with each
   * failed retry in a row (1, 2, 4… minutes), whichever is longer, and never later than the interval.
   */
  private async retryOf(
    sourceId: string,
    runId: string,
    error: unknown,
    scheduleMinutes: number,
  ): Promise<Retry | undefined> {
    // The SDK's own word on what is worth retrying (rate limited, transient).
    if (!isPluginError(error) || !error.retryable) return
    const previous = await this.db
      .selectFrom('sync_runs')
      .select('details')
      .where('source_id', '=', sourceId)
      .where('id', '!=', runId)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    const before = (previous?.details as { retryAttempt?: unknown } | undefined)?.retryAttempt
    const attempt = typeof before === 'number' ? before + 1 : 1
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs
    const delayMs = Math.min(
      scheduleMinutes * 60_000,
      Math.max(typeof retryAfterMs === 'number' ? retryAfterMs : 0, retryBackoffMs * 2 ** (attempt - 1)),
    )
    return { at: new Date(Date.now() + delayMs), attempt }
  }

  /**
   * Runs left "running" by a process that died are failed, so that they do not show as running for
   * ever. Several processes share one database: a run whose heartbeat is recent belongs to a live
   * one (which fails its own runs after the stall timeout), and is left alone; so are this process's
   * own runs, whatever their heartbeat says (every scheduler tick sweeps, in the process running them).
   */
  async failInterrupted(): Promise<void> {
    const own = [...this.beating.keys()]
    await this.db
      .updateTable('sync_runs')
      .set({
        status: 'failed',
        finished_at: sql<Date>`now()`,
        error: 'interrupted: the server running it stopped during the run',
        error_kind: 'interrupted',
      })
      .where('status', '=', 'running')
      .where('heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${this.stallTimeoutMs / 1000})`)
      .$if(own.length > 0, (query) => query.where('id', 'not in', own))
      .execute()
  }
}
